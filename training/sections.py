"""What training shows on the cadre's page (registered in apps.py through cadres.registry)."""

from django.http import HttpRequest

from cadres.models import Cadre


def cadre_section(request: HttpRequest, cadre: Cadre) -> dict:
    """Courses the cadre attended. Courses arrive with this area's issue; until then the card
    says there are none."""
    return {}
