"""What planning shows on the cadre's page (registered in apps.py through cadres.registry)."""

from django.http import HttpRequest

from cadres import registry
from cadres.models import Cadre

from .models import Candidate


def cadre_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre's places in succession plans, past and present, in one query; only the plans
    of the user's scope (a commune's editor does not see the province's plan)."""
    candidacies = (
        Candidate.objects.visible_to(request.user)
        .filter(cadre=cadre)
        .select_related("position", "plan__unit", "plan__term")
        .order_by("removed_year", "-plan__term__start_year", "position__order")
    )
    return {"candidacies": list(candidacies)}


def planned_posts(user) -> list[registry.PlannedPost]:
    """The live candidacies of the plans ``user`` may see, for other apps (training's needs)."""
    rows = (
        Candidate.objects.visible_to(user)
        .live()
        .filter(cadre__status="active")
        .values_list(
            "cadre_id",
            "position_id",
            "position__name",
            "plan__unit__name",
            "plan__unit__level",
            "plan__unit__is_hardship_area",
        )
    )
    return [registry.PlannedPost(*row) for row in rows]
