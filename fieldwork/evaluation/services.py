"""The evaluation's workflow: opening a unit's evaluations for a period, the three steps
(self-assessment → the collective's review → the decision), the 20% rule on "xuất sắc" and the
points suggested from field work. Views call these; each runs in one transaction and refuses,
with a Vietnamese message, what the workflow does not allow (a decided evaluation is locked)."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cadres.models import Cadre, Unit
from common.lists import bump_generation

from ..models import COUNTED, SecondmentYear, TripMember
from ..services import QuotaBook
from .models import (
    FULL_MARKS,
    GENERATION,
    Classification,
    Criterion,
    CriterionKind,
    Evaluation,
    EvaluationStatus,
    Period,
    Scheme,
    Score,
    format_points,
)

HALF = Decimal("0.5")
LOCKED = "Phiếu đã có quyết định xếp loại nên không sửa được nữa."


def figures_changed() -> None:
    """The evaluations changed (a step, a decision, opened, moved or deleted): their cached
    figures go stale once the change is committed."""
    transaction.on_commit(lambda: bump_generation(GENERATION))


# --- Schemes ------------------------------------------------------------------------------------


def scheme_for(year: int) -> Scheme | None:
    """The scheme in force in ``year``: the latest starting in or before it."""
    return Scheme.objects.filter(from_year__lte=year).order_by("-from_year").first()


def scheme_problem(scheme: Scheme) -> str:
    """Why ``scheme`` cannot rate anyone yet ("" when it can): its criteria must add up to 100."""
    total = scheme.criteria.aggregate(total=Sum("max_points"))["total"]
    if total is None:
        return f"Bộ tiêu chí “{scheme.name}” chưa có tiêu chí nào."
    if total != FULL_MARKS:
        return f"Tổng điểm tối đa các tiêu chí của “{scheme.name}” là {format_points(total)}, phải bằng 100."
    return ""


# --- Opening ------------------------------------------------------------------------------------


def open_evaluations(*, unit: Unit, year: int, period: str, user) -> list[Evaluation]:
    """An evaluation, at its first step, for each working cadre of ``unit`` (its own cadres, not
    its units') who has none for the period yet. Returns those opened."""
    scheme = scheme_for(year)
    if scheme is None:
        raise ValidationError({"year": f"Chưa có bộ tiêu chí đánh giá áp dụng cho năm {year}."})
    if problem := scheme_problem(scheme):
        raise ValidationError({"year": problem})
    with transaction.atomic():
        cadres = (
            Cadre.objects.active()
            .filter(unit=unit)
            .exclude(evaluations__year=year, evaluations__period=period)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        evaluations = [
            Evaluation(cadre_id=pk, unit=unit, year=year, period=period, scheme=scheme, created_by=user)
            for pk in cadres
        ]
        if not evaluations:
            return []
        figures_changed()
        return bulk_create_with_history(
            evaluations, Evaluation, default_user=user, default_change_reason="Mở phiếu"
        )


# --- Field work, suggested --------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    points: Decimal
    days: Decimal
    quota: Decimal | None

    @property
    def explanation(self) -> str:
        if self.quota is None:
            return f"{format_points(self.days)} ngày đi cơ sở; không có định mức áp dụng."
        return f"{format_points(self.days)}/{format_points(self.quota)} ngày đi cơ sở theo định mức."


def year_days(cadre_ids: Iterable[int], year: int) -> dict[int, Decimal]:
    """Each cadre's field-work days counted in ``year``: trips done or reported, and secondments."""
    ids = list(cadre_ids)
    days: dict[int, Decimal] = {pk: Decimal(0) for pk in ids}
    trips = (
        TripMember.objects.filter(cadre_id__in=ids, trip__status__in=COUNTED, trip__starts_on__year=year)
        .values("cadre_id")
        .annotate(days=Sum("days"))
        .order_by()
    )
    seconded = (
        SecondmentYear.objects.filter(cadre_id__in=ids, year=year)
        .values("cadre_id")
        .annotate(days=Sum("days"))
        .order_by()
    )
    for row in [*trips, *seconded]:
        days[row["cadre_id"]] += row["days"] or Decimal(0)
    return days


def suggestions(evaluation: Evaluation) -> dict[int, Suggestion]:
    """The points suggested for the scheme's field-work criteria: the criterion's maximum in
    proportion to the year's days against the cadre's quota, in half points, rounded down."""
    criteria = [c for c in evaluation.scheme.criteria.all() if c.kind == CriterionKind.FIELDWORK]
    if not criteria:
        return {}
    cadre = evaluation.cadre
    days = year_days([cadre.pk], evaluation.year)[cadre.pk]
    rule = QuotaBook(evaluation.year).for_cadre(cadre) if cadre.unit_id else None
    quota = rule.min_days if rule else None
    return {
        criterion.pk: Suggestion(
            points=suggested_points(criterion.max_points, days, quota), days=days, quota=quota
        )
        for criterion in criteria
    }


def suggested_points(max_points: Decimal, days: Decimal, quota: Decimal | None) -> Decimal:
    """A field-work criterion's points for ``days`` against ``quota`` (None: not subject to
    one, full points)."""
    share = Decimal(1) if quota is None else min(Decimal(1), days / quota)
    return (max_points * share / HALF).to_integral_value(rounding=ROUND_FLOOR) * HALF


# --- The steps ----------------------------------------------------------------------------------

STEPS = {
    # step: (the column of Score and of Evaluation it fills, the statuses it may be taken from)
    "self": ("self", (EvaluationStatus.SELF, EvaluationStatus.REVIEW)),
    "review": ("review", (EvaluationStatus.REVIEW, EvaluationStatus.DECISION)),
    "decide": ("final", (EvaluationStatus.DECISION,)),
}
NEXT_STATUS = {
    "self": EvaluationStatus.REVIEW,
    "review": EvaluationStatus.DECISION,
    "decide": EvaluationStatus.DECIDED,
}
REFUSED = {
    "self": "Chỉ tự đánh giá được trước khi tập thể nhận xét.",
    "review": "Tập thể chỉ nhận xét được sau khi cán bộ tự đánh giá và trước khi có quyết định.",
    "decide": "Chỉ quyết định được phiếu đã có nhận xét của tập thể.",
}


def check_step(evaluation: Evaluation, step: str) -> None:
    if evaluation.is_decided:
        raise ValidationError(LOCKED)
    if evaluation.status not in STEPS[step][1]:
        raise ValidationError(REFUSED[step])


def check_points(criteria: Sequence[Criterion], points: Mapping[int, Decimal]) -> None:
    """Every criterion has points between 0 and its maximum."""
    errors = []
    for criterion in criteria:
        value = points.get(criterion.pk)
        if value is None:
            errors.append(f"Chưa chấm tiêu chí “{criterion.name}”.")
        elif not Decimal(0) <= value <= criterion.max_points:
            errors.append(
                f"Tiêu chí “{criterion.name}”: điểm phải từ 0 đến {format_points(criterion.max_points)}."
            )
    if errors:
        raise ValidationError(errors)


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update().select_related("scheme", "unit", "cadre").get(pk=evaluation.pk)
    )


def _fill(evaluation: Evaluation, step: str, points: Mapping[int, Decimal]) -> Decimal:
    """Write the step's points on each criterion's score; return their total."""
    column = f"{STEPS[step][0]}_points"
    scores = {score.criterion_id: score for score in evaluation.scores.all()}
    for criterion_id, value in points.items():
        score = scores.get(criterion_id) or Score(evaluation=evaluation, criterion_id=criterion_id)
        setattr(score, column, value)
        score.save()
    return sum(points.values(), Decimal(0))


def record_step(
    evaluation: Evaluation,
    *,
    step: str,
    points: Mapping[int, Decimal],
    comment: str,
    user,
    base_version: int | None,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    override_reason: str = "",
) -> Evaluation:
    """Take ``step`` ("self", "review" or "decide") with the points given per criterion; the
    evaluation moves on to the next step. Refused on a stale form, out of order, once decided,
    and — for a decision of "xuất sắc" over the unit's 20% — without a written reason."""
    with transaction.atomic():
        if step == "decide":
            Unit.objects.select_for_update().filter(pk=evaluation.unit_id).first()  # one decision at a time
        current = _locked(evaluation)
        if base_version is not None:  # a form's edit (None: the demo, a script)
            current.check_version(base_version)  # StaleEditError, with what changed meanwhile
        check_step(current, step)
        criteria = list(current.scheme.criteria.all())
        check_points(criteria, points)
        total = _fill(current, step, {c.pk: points[c.pk] for c in criteria})
        now = timezone.now()
        prefix = STEPS[step][0]
        classification = current.scheme.classify(total)
        if step == "decide":
            _check_decision_date(current, decision_date)
            reason = _share_reason(current, classification, override_reason)
            current.decision_comment, current.decision_number = comment, decision_number
            current.decision_date, current.decided_by, current.decided_at = decision_date, user, now
            current.override_reason = reason
        else:
            setattr(current, f"{prefix}_comment", comment)
            setattr(current, f"{prefix}_by", user)
            setattr(current, f"{prefix}_at", now)
        setattr(current, f"{prefix}_points", total)
        current.classification = classification
        current.status = NEXT_STATUS[step]
        figures_changed()
        current._change_reason = {
            "self": "Tự đánh giá",
            "review": "Tập thể nhận xét",
            "decide": "Quyết định xếp loại",
        }[step]
        current.save()
        return current


def _check_decision_date(evaluation: Evaluation, day: datetime.date | None) -> None:
    """A decision is dated, and not before the year it rates."""
    if day is None:
        raise ValidationError({"decision_date": "Nhập ngày quyết định."})
    if day.year < evaluation.year:
        raise ValidationError(
            {"decision_date": f"Ngày quyết định không được trước năm được đánh giá ({evaluation.year})."}
        )


# --- The 20% rule -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareCheck:
    """A unit's "xuất sắc" against its "tốt" for a period, counting each evaluation reviewed or
    decided by its latest classification."""

    excellent: int
    good: int
    allowed: int
    share: int

    @property
    def exceeded(self) -> bool:
        return self.excellent > self.allowed

    @property
    def message(self) -> str:
        return (
            f"Đơn vị có {self.excellent} xếp loại xuất sắc trên {self.good} xếp loại tốt: vượt tỷ lệ "
            f"{self.share}% số xếp loại tốt (tối đa {self.allowed})."
        )


def share_check(
    *, unit_id: int, year: int, period: str, scheme: Scheme, changes: Mapping[int, str] | None = None
) -> ShareCheck:
    """The unit's counts for the period, with ``changes`` (evaluation → its new classification)
    applied."""
    changes = changes or {}
    rows = (
        Evaluation.objects.filter(
            unit_id=unit_id,
            year=year,
            period=period,
            status__in=(EvaluationStatus.DECISION, EvaluationStatus.DECIDED),
        )
        .exclude(pk__in=list(changes))
        .values("classification")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["classification"]: row["n"] for row in rows}
    for classification in changes.values():
        counts[classification] = counts.get(classification, 0) + 1
    good = counts.get(Classification.GOOD, 0)
    return ShareCheck(
        excellent=counts.get(Classification.EXCELLENT, 0),
        good=good,
        allowed=scheme.allowed_excellent(good),
        share=scheme.excellent_share,
    )


def _share_reason(evaluation: Evaluation, classification: str, override_reason: str) -> str:
    """The override's reason, required when deciding "xuất sắc" takes the unit over its share."""
    if classification != Classification.EXCELLENT:
        return ""
    check = share_check(
        unit_id=evaluation.unit_id,
        year=evaluation.year,
        period=evaluation.period,
        scheme=evaluation.scheme,
        changes={evaluation.pk: classification},
    )
    return _required_reason(check, override_reason)


def _required_reason(check: ShareCheck, override_reason: str) -> str:
    """The override's reason when ``check`` is over the share ("" when it is not); refused
    without one."""
    if not check.exceeded:
        return ""
    if not override_reason.strip():
        raise ValidationError(
            {"override_reason": f"{check.message} Muốn giữ xếp loại xuất sắc, hãy ghi rõ lý do."}
        )
    return override_reason.strip()


def decide_many(
    evaluations: Sequence[Evaluation],
    *,
    decision_number: str,
    decision_date: datetime.date,
    override_reason: str,
    user,
) -> int:
    """Decide a unit's reviewed evaluations at once, each at the points the collective gave
    (the bulk decision on the unit's list). All or nothing: one refusal refuses the list."""
    if not evaluations:
        raise ValidationError("Chưa chọn phiếu nào.")
    keys = {(e.unit_id, e.year, e.period) for e in evaluations}
    if len(keys) > 1:
        raise ValidationError("Chỉ quyết định cùng lúc được các phiếu của một đơn vị, cùng một kỳ.")
    ((unit_id, year, period),) = keys
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit_id).first()
        current = list(
            Evaluation.objects.select_for_update()
            .filter(pk__in=[e.pk for e in evaluations])
            .select_related("scheme", "cadre")
            .order_by("pk")
        )
        not_ready = [e for e in current if e.status != EvaluationStatus.DECISION]
        if not_ready:
            names = ", ".join(e.cadre.full_name for e in not_ready[:5])
            raise ValidationError(f"Có phiếu chưa có nhận xét của tập thể hoặc đã quyết định: {names}.")
        for evaluation in current:
            _check_decision_date(evaluation, decision_date)
        changes = {e.pk: e.scheme.classify(e.review_points) for e in current}
        reason = ""
        if Classification.EXCELLENT in changes.values():
            check = share_check(
                unit_id=unit_id, year=year, period=period, scheme=current[0].scheme, changes=changes
            )
            reason = _required_reason(check, override_reason)
        figures_changed()
        now = timezone.now()
        scores = Score.objects.filter(evaluation__in=current)
        for score in scores:
            score.final_points = score.review_points
        Score.objects.bulk_update(scores, ["final_points"])
        for evaluation in current:
            evaluation.final_points = evaluation.review_points
            evaluation.classification = changes[evaluation.pk]
            evaluation.status = EvaluationStatus.DECIDED
            evaluation.decision_number, evaluation.decision_date = decision_number, decision_date
            evaluation.decided_by, evaluation.decided_at = user, now
            evaluation.override_reason = (
                reason if evaluation.classification == Classification.EXCELLENT else ""
            )
            evaluation._change_reason = "Quyết định xếp loại (theo danh sách)"
            evaluation.save()
        return len(current)


def delete_evaluation(evaluation: Evaluation) -> None:
    with transaction.atomic():
        current = _locked(evaluation)
        if current.is_decided:
            raise ValidationError(LOCKED)
        figures_changed()
        current.delete()


def latest_classifications(cadre_ids: Iterable[int]) -> dict[int, Evaluation]:
    """Each cadre's latest decided yearly evaluation (for the succession review)."""
    found: dict[int, Evaluation] = {}
    decided = (
        Evaluation.objects.filter(
            cadre_id__in=list(cadre_ids), period=Period.YEAR, status=EvaluationStatus.DECIDED
        )
        .order_by("cadre_id", "-year")
        .only("cadre_id", "year", "classification", "final_points")
    )
    for evaluation in decided:
        found.setdefault(evaluation.cadre_id, evaluation)
    return found
