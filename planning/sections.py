"""What planning shows on the cadre's page (registered in apps.py through cadres.registry)."""

from django.http import HttpRequest

from cadres import registry
from cadres.models import Cadre, CadreStatus

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
    """The live candidacies of the plans ``user`` may see, of cadres still working, for other
    apps (training's needs). The cadre's status is checked here, not in the query: a condition
    on the cadre would make the database walk the whole roster for a few hundred candidates."""
    rows = (
        Candidate.objects.visible_to(user)
        .live()
        .order_by()  # the model's order joins the term and sorts: the caller needs none
        .values_list(
            "cadre_id",
            "position_id",
            "position__name",
            "plan__unit__name",
            "plan__unit__level",
            "plan__unit__is_hardship_area",
            "cadre__status",
        )
    )
    return [registry.PlannedPost(*row[:-1]) for row in rows if row[-1] == CadreStatus.ACTIVE]
