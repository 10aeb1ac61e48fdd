"""What planning shows on the cadre's page (registered in apps.py through cadres.registry)."""

from django.http import HttpRequest

from cadres.models import Cadre


def cadre_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre's places in succession plans. Plans arrive with this area's issue; until then
    the card says there are none."""
    return {}
