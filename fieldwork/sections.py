"""What field work shows on the cadre's page (registered in apps.py through cadres.registry)."""

from django.http import HttpRequest

from cadres.models import Cadre


def trips_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre's field trips ("1+2"). Trips arrive with this area's issue; until then the
    card says there are none."""
    return {}


def evaluations_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre's yearly evaluations. They arrive with this area's issue; until then the card
    says there are none."""
    return {}
