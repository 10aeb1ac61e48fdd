"""A plan's full history — the plan, its candidates, its reviews and their proposals: who
changed what, when, under which decision — formatted as the cadre's history is
(``cadres.history``)."""

from django.core.exceptions import ObjectDoesNotExist

from cadres import registry
from cadres.history import HistoryEntry, history_entries

from .models import AnnualReview, Candidate, ReviewProposal, SuccessionPlan


def _related(record, path: str) -> str:
    """A related row's name through ``path`` ("candidate.cadre.full_name"), or "—" when a row on
    the way was deleted since (history keeps ids, not rows)."""
    value = record
    for name in path.split("."):
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:
            return "—"
    return str(value)


PLAN_SOURCES = [
    registry.HistorySource(
        key="plan", records=lambda plan: plan.history.all(), subject=lambda r: "Quy hoạch"
    ),
    registry.HistorySource(
        key="candidates",
        records=lambda plan: Candidate.history.filter(plan_id=plan.pk).select_related("cadre", "position"),
        subject=lambda r: f"Ứng viên {_related(r, 'cadre.full_name')} – {_related(r, 'position.name')}",
    ),
    registry.HistorySource(
        key="reviews",
        records=lambda plan: AnnualReview.history.filter(plan_id=plan.pk),
        subject=lambda r: f"Rà soát năm {r.year}",
    ),
    registry.HistorySource(
        key="proposals",
        records=lambda plan: ReviewProposal.history.filter(review__plan_id=plan.pk).select_related(
            "candidate__cadre"
        ),
        subject=lambda r: f"Đề xuất đưa ra: {_related(r, 'candidate.cadre.full_name')}",
    ),
]


def plan_history_entries(plan: SuccessionPlan, *, sensitive: bool, limit: int = 200) -> list[HistoryEntry]:
    return history_entries(PLAN_SOURCES, plan, sensitive=sensitive, limit=limit)


# The cadre's places in plans, in the cadre's own history (registered in apps.py).
CANDIDACY_SOURCE = registry.HistorySource(
    key="planning",
    records=lambda cadre: Candidate.history.filter(cadre_id=cadre.pk).select_related(
        "position", "plan__unit"
    ),
    subject=lambda r: f"Quy hoạch: {_related(r, 'position.name')} – {_related(r, 'plan.unit.name')}",
    order=20,
)
