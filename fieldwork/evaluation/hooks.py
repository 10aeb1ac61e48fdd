"""The evaluation in the rest of the app, registered in fieldwork/apps.py through cadres.registry
(its card on the cadre's page is ``fieldwork.sections.evaluations_section``): the dashboard's
evaluations waiting for each step, the evaluations' changes in the cadre's history, their move in
a unit merge, and the latest yearly classification the succession review weighs."""

from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.http import HttpRequest
from django.urls import reverse

from cadres import registry
from common.bulk import copy_to_history
from common.dates import today
from common.lists import cached_figures
from common.models import change_reason

from .models import Classification, Evaluation, EvaluationStatus, Period
from .services import figures_changed, latest_classifications

# --- The dashboard ------------------------------------------------------------------------------


WAITING = {  # the steps still to take, as the dashboard names them
    EvaluationStatus.SELF: "chờ tự đánh giá",
    EvaluationStatus.REVIEW: "chờ tập thể nhận xét",
    EvaluationStatus.DECISION: "chờ quyết định",
}


def dashboard(request: HttpRequest) -> list[registry.DashboardCard | registry.DashboardAlert]:
    """The yearly evaluations of the user's scope for the current year — the previous one until
    the current year's are opened (they are decided around the turn of the year) —: how many are
    decided, and an alert for the steps waiting, to the users who take them (editors the
    self-assessment and the review, approvers the decision). One query, cached until an
    evaluation changes."""
    year = today().year
    evaluations = Evaluation.objects.visible_to(request.user).filter(
        period=Period.YEAR, year__in=(year - 1, year)
    )
    rows = cached_figures(evaluations, _by_year, name="evaluations-dashboard")
    row = next(iter(rows), None)
    if row is None:
        return []
    year, url = row["year"], f"{reverse('fieldwork:evaluations')}?year={row['year']}"
    counts = {status: row[f"n_{status}"] for status in EvaluationStatus.values}
    decided, total = counts[EvaluationStatus.DECIDED], row["total"]
    items: list[registry.DashboardCard | registry.DashboardAlert] = [
        registry.DashboardCard(
            f"Đánh giá, xếp loại năm {year}",
            f"{decided}/{total}",
            link=url,
            tone="success" if decided == total else "",
            note=" · ".join(
                f"{counts[status]} {label}" for status, label in WAITING.items() if counts[status]
            )
            or "đã quyết định tất cả",
        )
    ]
    user = request.user
    editing = [status for status in (EvaluationStatus.SELF, EvaluationStatus.REVIEW) if counts[status]]
    if user.can_edit and editing:
        parts = ", ".join(f"{counts[status]} phiếu {WAITING[status]}" for status in editing)
        items.append(
            registry.DashboardAlert(f"Đánh giá, xếp loại năm {year}: {parts}.", link=url, tone="info")
        )
    if user.can_approve and counts[EvaluationStatus.DECISION]:
        items.append(
            registry.DashboardAlert(
                f"{counts[EvaluationStatus.DECISION]} phiếu đánh giá năm {year} chờ cấp có thẩm quyền "
                "quyết định xếp loại.",
                link=url,
            )
        )
    return items


def _by_year(evaluations) -> list[dict]:
    return list(
        evaluations.values("year")
        .annotate(
            total=Count("pk"),
            **{f"n_{status}": Count("pk", filter=Q(status=status)) for status in EvaluationStatus.values},
        )
        .order_by("-year")
    )


# --- The cadre's history ------------------------------------------------------------------------


def _subject(record) -> str:
    period = "" if record.period == Period.YEAR else f"{record.get_period_display().lower()} "
    return f"Đánh giá, xếp loại {period}năm {record.year}"


HISTORY_SOURCE = registry.HistorySource(
    key="fieldwork-evaluations",
    records=lambda cadre: Evaluation.history.filter(cadre_id=cadre.pk),
    subject=_subject,
    # Who took a step and when is the record's own user and date.
    hidden_fields=frozenset(
        {"created_by", "self_by", "self_at", "review_by", "review_at", "decided_by", "decided_at"}
    ),
    order=60,
)


# --- The unit merge -----------------------------------------------------------------------------


class EvaluationMerge(registry.MergeParticipant):
    """The evaluations a merged unit rated move to the new unit, decided ones too: their 20%
    rule is counted in the unit that rates them from now on."""

    key = "fieldwork-evaluations"
    title = "Đánh giá, xếp loại"
    order = 35
    models = (Evaluation,)

    def preview(self, plan) -> list[registry.MergePreviewLine]:
        return [
            registry.MergePreviewLine(
                "Phiếu đánh giá, xếp loại của đơn vị cũ chuyển sang đơn vị mới",
                count=Evaluation.objects.filter(unit__in=plan.sources).count(),
            )
        ]

    def move(self, *, merge, sources, target) -> None:
        moved = Evaluation.objects.filter(unit__in=sources)
        pks = list(moved.values_list("pk", flat=True))
        moved.update(unit=target, version=F("version") + 1)
        figures_changed()
        copy_to_history(
            Evaluation,
            pks,
            user=merge.performed_by,
            reason=change_reason(f"Sáp nhập đơn vị vào {target.name}"),
            created=False,
        )


MERGE_PARTICIPANT = EvaluationMerge()


# --- The succession review ----------------------------------------------------------------------


def ratings(cadre_ids: Iterable[int]) -> dict[int, registry.Rating]:
    """``registry.RatingsProvider``: each cadre's latest decided yearly classification."""
    return {
        cadre_id: registry.Rating(
            year=evaluation.year,
            label=evaluation.get_classification_display(),
            failed=evaluation.classification == Classification.FAILED,
        )
        for cadre_id, evaluation in latest_classifications(cadre_ids).items()
    }
