"""The evaluation's summary of a period (tổng hợp kết quả đánh giá, xếp loại): for a unit's
subtree, one line per rating unit — its evaluations, how many in each classification, how many
wait at each step — with the 20% rule checked on each, and the chosen unit's own evaluations.

Every figure is counted in SQL, one grouped query for all the units; the page formats what
these functions return."""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.db.models import Count, Max, Q

from cadres.models import Unit
from units.scope import subtree_condition

from .models import Classification, Evaluation, EvaluationStatus, Period, Scheme, format_points
from .services import ShareCheck

# What the 20% rule counts (``services.share_check``): an evaluation the collective has
# reviewed or the competent level has decided, by its latest classification.
RATED = Q(status__in=(EvaluationStatus.DECISION, EvaluationStatus.DECIDED))


@dataclass(frozen=True)
class SummaryFilters:
    year: int
    period: str = Period.YEAR
    unit: Unit | None = None  # the subtree summed up; None: everything the user sees

    @property
    def period_label(self) -> str:
        """ "năm 2026", "quý I năm 2026"."""
        if self.period == Period.YEAR:
            return f"năm {self.year}"
        return f"{Period(self.period).label.replace('Quý', 'quý')} năm {self.year}"

    def query(self) -> str:
        """The summary's query string for these filters (also the documents')."""
        params = {"year": self.year, "period": self.period}
        if self.unit is not None:
            params["unit"] = self.unit.pk
        return urlencode(params)


@dataclass
class UnitLine:
    """A rating unit's figures for the period (or the total of several)."""

    unit_id: int | None
    rated: int = 0  # its evaluations, at every step
    excellent: int = 0  # classifications of those reviewed or decided
    good: int = 0
    done: int = 0
    failed: int = 0
    waiting_self: int = 0
    waiting_review: int = 0
    waiting_decision: int = 0
    decided: int = 0
    share: ShareCheck | None = None  # the 20% rule, for a unit's line
    unit: Unit | None = None  # loaded for the lines shown

    @property
    def exceeded(self) -> bool:
        return self.share is not None and self.share.exceeded


COUNTED = [f.name for f in fields(UnitLine) if f.name not in ("unit_id", "share", "unit")]
COUNTS = {
    "rated": Count("pk"),
    "excellent": Count("pk", filter=RATED & Q(classification=Classification.EXCELLENT)),
    "good": Count("pk", filter=RATED & Q(classification=Classification.GOOD)),
    "done": Count("pk", filter=RATED & Q(classification=Classification.DONE)),
    "failed": Count("pk", filter=RATED & Q(classification=Classification.FAILED)),
    "waiting_self": Count("pk", filter=Q(status=EvaluationStatus.SELF)),
    "waiting_review": Count("pk", filter=Q(status=EvaluationStatus.REVIEW)),
    "waiting_decision": Count("pk", filter=Q(status=EvaluationStatus.DECISION)),
    "decided": Count("pk", filter=Q(status=EvaluationStatus.DECIDED)),
}


def evaluations_for(user, filters: SummaryFilters):
    """The period's evaluations the user sees in the chosen unit's subtree."""
    evaluations = Evaluation.objects.visible_to(user).period(filters.year, filters.period)
    if filters.unit is not None:
        # The subtree's units first, then their evaluations on the (unit, year, period…) index:
        # a commune's few units cost a few probes, not a scan of the whole period.
        subtree = Unit.objects.filter(subtree_condition("path", filters.unit.path)).values("pk")
        evaluations = evaluations.filter(unit__in=subtree)
    return evaluations


def unit_lines(user, filters: SummaryFilters) -> list[UnitLine]:
    """One line per rating unit with evaluations for the period, in the tree's order, each with
    its 20% check. Two queries however many units."""
    rows = list(
        evaluations_for(user, filters)
        .values("unit_id", "unit__path")
        # A period's evaluations share the scheme in force when they opened.
        .annotate(scheme_id=Max("scheme_id"), **COUNTS)
        .order_by("unit__path")
    )
    schemes = Scheme.objects.in_bulk({row["scheme_id"] for row in rows})
    lines = []
    for row in rows:
        line = UnitLine(unit_id=row["unit_id"], **{name: row[name] for name in COUNTED})
        scheme = schemes[row["scheme_id"]]
        line.share = ShareCheck(
            excellent=line.excellent,
            good=line.good,
            allowed=scheme.allowed_excellent(line.good),
            share=scheme.excellent_share,
        )
        lines.append(line)
    return lines


def load_units(lines: Iterable[UnitLine]) -> None:
    """Attach each line's unit, named with its parent's (one query)."""
    lines = list(lines)
    units = Unit.objects.with_parent_name().in_bulk([line.unit_id for line in lines])
    for line in lines:
        line.unit = units.get(line.unit_id)


def total_of(lines: Iterable[UnitLine]) -> UnitLine:
    total = UnitLine(unit_id=None)
    for line in lines:
        for name in COUNTED:
            setattr(total, name, getattr(total, name) + getattr(line, name))
    return total


# The steps as a list's narrow column names them.
STEP_LABELS = {
    EvaluationStatus.SELF: "Chờ tự đánh giá",
    EvaluationStatus.REVIEW: "Chờ tập thể nhận xét",
    EvaluationStatus.DECISION: "Chờ quyết định",
    EvaluationStatus.DECIDED: "Đã quyết định",
}


@dataclass(frozen=True)
class EvaluationRow:
    """An evaluation of the unit's list, its points as Vietnamese write them."""

    evaluation: Evaluation
    self_points: str
    review_points: str
    final_points: str

    @property
    def step_label(self) -> str:
        return STEP_LABELS[self.evaluation.status]

    @property
    def can_be_decided(self) -> bool:
        return self.evaluation.status == EvaluationStatus.DECISION


def own_evaluations(user, filters: SummaryFilters):
    """The chosen unit's own evaluations for the period (its cadres, not its units'), by post,
    then name."""
    if filters.unit is None:
        return Evaluation.objects.none()
    return (
        Evaluation.objects.visible_to(user)
        .period(filters.year, filters.period)
        .filter(unit=filters.unit)
        .select_related("cadre__position")
        .order_by("cadre__position_order", "cadre__search_text", "pk")
    )


def evaluation_rows(evaluations: Iterable[Evaluation]) -> list[EvaluationRow]:
    return [
        EvaluationRow(
            evaluation=evaluation,
            self_points=format_points(evaluation.self_points),
            review_points=format_points(evaluation.review_points),
            final_points=format_points(evaluation.final_points),
        )
        for evaluation in evaluations
    ]


def unit_evaluations(user, filters: SummaryFilters) -> list[EvaluationRow]:
    """All the chosen unit's own evaluations (the documents list them whole)."""
    return evaluation_rows(own_evaluations(user, filters))
