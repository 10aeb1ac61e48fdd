"""Demo evaluations (``fieldwork.demo.seed`` calls ``seed`` after the year's trips): the yearly
evaluation of the demo's year, on the scheme in force, for every working cadre of the offices
the trips demo sends out (Tỉnh đoàn Gia Lai, the Đoàn Khối cơ quan Đảng, district-level ones when
there are) and of the demo commune (the commune editor ``xa``'s).

- Every step is there: in each unit of ten cadres or more a few wait for their self-assessment,
  a few for the collective's review, a few for the decision; most are decided, by the province's
  approver (``lanhdao``), one decision per unit.
- The field-work criterion gets the points ``services.suggested_points`` gives the cadre's days
  of the year against their quota; the others add up to a total drawn for a classification
  drawn per cadre, the cadres with the most days more often "xuất sắc". The self-assessment is
  at most a few points above the collective's review; the decision keeps the review's points.
- The 20% rule ("xuất sắc" at most a fifth of "tốt"): the province office keeps it; the first
  office below the province is decided over it, with the override's reason; the demo commune is
  over it at the decision step — deciding one of its "xuất sắc" without a reason is refused.
- The province office's previous year is decided too (its field-work points drawn: that year's
  trips are not in the demo), so its cadres' pages show two years.

Everything is written in bulk (``common.bulk.insert_new``) with what ``services.record_step``
would have written — totals, classifications, comments, who and when — and, up to
``HISTORY_MAX`` evaluations, each evaluation's history step by step at the steps' dates (the
points' history at once). One random stream per unit, year and seed: the same seed makes the
same evaluations; seeded once: a re-run that finds evaluations adds nothing.
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from cadres.demo import HISTORY_LIMIT
from cadres.models import Cadre, Unit
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR
from common.bulk import copy_to_history, insert_new

from ..services import QuotaBook
from ..workdays import is_working_day
from .models import (
    Classification,
    Criterion,
    CriterionKind,
    Evaluation,
    EvaluationStatus,
    Period,
    Scheme,
    Score,
)
from .services import figures_changed, scheme_for, scheme_problem, suggested_points, year_days

HISTORY_MAX = HISTORY_LIMIT  # evaluations written to the history too
BATCH = 5_000  # rows inserted at a time

ORDINARY, DECIDED_OVER, DECISION_OVER = "ordinary", "decided-over-the-rule", "decision-over-the-rule"
# (status, share of an ordinary unit's cadres): the steps still waiting; the others are decided.
WAITING = ((EvaluationStatus.SELF, 0.06), (EvaluationStatus.REVIEW, 0.08), (EvaluationStatus.DECISION, 0.08))
WAITING_OVER = (
    (EvaluationStatus.SELF, 0.1),
    (EvaluationStatus.REVIEW, 0.1),
    (EvaluationStatus.DECISION, 0.3),
)
ALL_STEPS_FROM = 10  # a unit of at least this many cadres has someone at every step
STEPS = (EvaluationStatus.SELF, EvaluationStatus.REVIEW, EvaluationStatus.DECISION, EvaluationStatus.DECIDED)
# A classification's totals (in points), drawn for the latest step.
TOTALS = {
    Classification.EXCELLENT: (90, 97),
    Classification.GOOD: (71, 88),
    Classification.DONE: (54, 68),
    Classification.FAILED: (38, 48),
}
SELF_ABOVE = 5  # the self-assessment is up to this many half points above the review
NOISE = 0.08  # a criterion's share of its maximum around the total's (±)
# A cadre who only assessed themselves: the classification they gave themselves.
SELF_ONLY = ((Classification.EXCELLENT, 0.2), (Classification.GOOD, 0.55), (Classification.DONE, 0.25))
# Days from the opening of a year's evaluations to the collective's review and to the decision
# (the self-assessments in between).
REVIEW_DAY, DECISION_DAY = 16, 28
DECISION_SUFFIX = "QĐ/TĐTN-TCKT"
OPENING_BEFORE_ANCHOR = 35  # the demo year's evaluations open this many days before the demo's day
PREVIOUS_OPENING = (12, 1)  # the previous year's, on this day of that December
SELF_COMMENTS = {
    Classification.EXCELLENT: (
        "Hoàn thành xuất sắc các nhiệm vụ được giao, nhiều việc vượt tiến độ; chủ động tham mưu, đề xuất "
        "cách làm mới trong công tác Đoàn; đi cơ sở đầy đủ theo chế độ “1+2”."
    ),
    Classification.GOOD: (
        "Hoàn thành tốt các nhiệm vụ theo chương trình công tác; giữ gìn phẩm chất, đạo đức, lối sống; "
        "đoàn kết, phối hợp tốt với đồng chí, đồng nghiệp."
    ),
    Classification.DONE: (
        "Hoàn thành các nhiệm vụ được giao; một số việc còn chậm so với kế hoạch, cần chủ động hơn trong "
        "tham mưu và đi cơ sở."
    ),
    Classification.FAILED: (
        "Chưa hoàn thành một số nhiệm vụ trọng tâm được giao; nhận thấy hạn chế và sẽ khắc phục "
        "trong năm tới."
    ),
}
REVIEW_COMMENTS = {
    Classification.EXCELLENT: (
        "Tập thể thống nhất đánh giá đồng chí hoàn thành xuất sắc nhiệm vụ; có nhiều sáng kiến, là tấm gương "
        "về tinh thần trách nhiệm trong công việc."
    ),
    Classification.GOOD: (
        "Tập thể thống nhất đánh giá đồng chí hoàn thành tốt nhiệm vụ; đề nghị tiếp tục phát huy, tăng cường "
        "nắm tình hình cơ sở."
    ),
    Classification.DONE: (
        "Tập thể đánh giá đồng chí hoàn thành nhiệm vụ; cần khắc phục việc chậm tiến độ, tăng số ngày "
        "đi cơ sở."
    ),
    Classification.FAILED: (
        "Tập thể đánh giá đồng chí chưa hoàn thành nhiệm vụ được giao; đề nghị có kế hoạch khắc phục cụ thể."
    ),
}
OVERRIDE_REASON = (
    "Đơn vị có nhiều thành tích nổi bật trong năm, được Trung ương Đoàn tặng Bằng khen; Ban Thường vụ "
    "Tỉnh đoàn thống nhất giữ xếp loại xuất sắc cho các đồng chí có đóng góp trực tiếp."
)
STEP_REASONS = ("Mở phiếu", "Tự đánh giá", "Tập thể nhận xét", "Quyết định xếp loại")  # record_step's


def seed(
    *,
    offices: Sequence[Unit],
    commune: Unit | None,
    anchor: datetime.date,
    seed: int,
    log: Callable[[str], None],
) -> None:
    """The evaluations of ``offices`` (the province office first) and ``commune``."""
    started = time.monotonic()
    units = [*offices, *([commune] if commune else [])]
    existing = Evaluation.objects.filter(unit__in=units)
    if existing.exists():
        log(f"Đánh giá, xếp loại: đã có {existing.count()} phiếu, không thêm.")
        return
    year = anchor.year
    scheme = scheme_for(year)
    if scheme is None or scheme_problem(scheme):
        log(f"Đánh giá, xếp loại: chưa có bộ tiêu chí dùng được cho năm {year}, bỏ qua.")
        return
    people = People.load(units)
    roles = [(office, DECIDED_OVER if index == 1 else ORDINARY) for index, office in enumerate(offices)]
    roles += [(commune, DECISION_OVER)] if commune else []
    writer = Writer()
    with transaction.atomic():
        for unit, role in roles:
            rng = random.Random(f"{seed}:evaluation:{year}:{unit.code}")
            writer.add(UnitYear(unit, year, scheme, people, rng, opened_on=_opening(anchor)).plan(role))
        previous = scheme_for(year - 1)
        if offices and previous is not None and not scheme_problem(previous):
            office = offices[0]
            rng = random.Random(f"{seed}:evaluation:{year - 1}:{office.code}")
            opened_on = datetime.date(year - 1, *PREVIOUS_OPENING)
            unit_year = UnitYear(
                office, year - 1, previous, people, rng, opened_on=opened_on, days_known=False
            )
            writer.add(unit_year.plan(ORDINARY, all_decided=True))
        writer.write()
        figures_changed()
    log(_summary(units, year, time.monotonic() - started))


def _summary(units: list[Unit], year: int, seconds: float) -> str:
    evaluations = Evaluation.objects.filter(unit__in=units)
    steps = Counter(evaluations.filter(year=year).values_list("status", flat=True))
    previous = evaluations.filter(year=year - 1).count()
    return (
        f"Đánh giá, xếp loại: {steps.total()} phiếu năm {year} ({steps[EvaluationStatus.SELF]} chờ tự đánh "
        f"giá, {steps[EvaluationStatus.REVIEW]} chờ tập thể nhận xét, {steps[EvaluationStatus.DECISION]} "
        f"chờ quyết định, {steps[EvaluationStatus.DECIDED]} đã quyết định), {previous} phiếu năm {year - 1} "
        f"({seconds:.1f} s)."
    )


def _opening(anchor: datetime.date) -> datetime.date:
    return anchor - datetime.timedelta(days=OPENING_BEFORE_ANCHOR)


# --- Who rates -------------------------------------------------------------------------------


@dataclass
class People:
    """The units' working cadres (pk, position) and the demo's users who take the steps."""

    cadres: dict[int, list[tuple[int, int | None]]]  # unit pk → its cadres, in pk order
    editors: dict[str, User]
    approver: User | None

    @classmethod
    def load(cls, units: list[Unit]) -> "People":
        cadres: dict[int, list[tuple[int, int | None]]] = {unit.pk: [] for unit in units}
        rows = Cadre.objects.active().filter(unit__in=units).order_by("pk")
        for pk, unit_id, position_id in rows.values_list("pk", "unit_id", "position_id"):
            cadres[unit_id].append((pk, position_id))
        editors = {
            user.username: user
            for user in User.objects.filter(username__in=[PROVINCE_EDITOR, COMMUNE_EDITOR])
        }
        province = units[0] if units else None
        approver = User.objects.filter(role=Role.APPROVER, unit=province).order_by("pk").first()
        return cls(cadres, editors, approver)

    def editor_of(self, unit: Unit) -> User | None:
        """The commune editor for her commune, the province editor for the offices."""
        commune_editor = self.editors.get(COMMUNE_EDITOR)
        if commune_editor is not None and commune_editor.unit_id == unit.pk:
            return commune_editor
        return self.editors.get(PROVINCE_EDITOR)


# --- One unit's year -------------------------------------------------------------------------


@dataclass
class Rated:
    """A cadre's evaluation as it will be written: its step, and the points in half points of
    each criterion at each step taken (self, review; the decision keeps the review's)."""

    cadre: int
    status: str
    self_points: dict[int, int] | None = None
    review_points: dict[int, int] | None = None
    self_at: datetime.datetime | None = None


@dataclass
class Planned:
    """A unit's evaluations of a year, with what the unit's steps share: its editor, approver,
    the day it opened them, the collective's meeting and the decision."""

    unit: Unit
    year: int
    scheme: Scheme
    criteria: list[Criterion]
    rated: list[Rated]
    editor: User | None
    approver: User | None
    opened_at: datetime.datetime
    review_at: datetime.datetime
    decided_at: datetime.datetime
    decision_number: str
    override: bool  # the unit's "xuất sắc" keep the override's reason


class UnitYear:
    """Who of the unit is at which step, with which classification and points."""

    def __init__(
        self,
        unit: Unit,
        year: int,
        scheme: Scheme,
        people: People,
        rng: random.Random,
        *,
        opened_on: datetime.date,
        days_known: bool = True,
    ):
        self.unit, self.year, self.scheme, self.people, self.rng = unit, year, scheme, people, rng
        self.opened_on = opened_on
        self.criteria = list(scheme.criteria.order_by("order", "pk"))
        self.fieldwork = [c for c in self.criteria if c.kind == CriterionKind.FIELDWORK]
        self.manual = [c for c in self.criteria if c.kind != CriterionKind.FIELDWORK]
        self.cadres = people.cadres[unit.pk]
        self.field_points = self._field_points(days_known)

    def plan(self, role: str, *, all_decided: bool = False) -> Planned:
        cadres = [pk for pk, _ in self.cadres]
        statuses = self._statuses(len(cadres), role, all_decided)
        self.rng.shuffle(cadres)
        rated = [Rated(pk, status) for pk, status in zip(cadres, statuses, strict=True)]
        # The cadres with the most field work more often rated higher.
        rank = {
            r.cadre: float(sum(self.field_points[r.cadre].values())) + self.rng.uniform(0, 12) for r in rated
        }
        rated.sort(key=lambda r: -rank[r.cadre])
        for r, classification in self._classes(rated, role):
            self._points(r, classification)
        rated.sort(key=lambda r: r.cadre)
        opened = _working_day(self.opened_on)
        reviewed = _working_day(opened + datetime.timedelta(days=REVIEW_DAY))
        # The self-assessments on the working days between the opening and the review.
        days = [opened + datetime.timedelta(days=n) for n in range(1, (reviewed - opened).days)]
        days = [day for day in days if is_working_day(day)] or [opened]
        for r in rated:
            if r.status != EvaluationStatus.SELF:
                moment = datetime.time(self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45)))
                r.self_at = _at(self.rng.choice(days), moment)
        return Planned(
            unit=self.unit,
            year=self.year,
            scheme=self.scheme,
            criteria=self.criteria,
            rated=rated,
            editor=self.people.editor_of(self.unit),
            approver=self.people.approver,
            opened_at=_at(opened, datetime.time(8)),
            review_at=_at(reviewed, datetime.time(14, 30)),
            decided_at=_at(_working_day(opened + datetime.timedelta(days=DECISION_DAY)), datetime.time(16)),
            decision_number=f"{self.rng.randint(150, 480)}-{DECISION_SUFFIX}",
            override=role == DECIDED_OVER,
        )

    def _statuses(self, count: int, role: str, all_decided: bool) -> list[str]:
        if all_decided or role == DECIDED_OVER:
            return [EvaluationStatus.DECIDED] * count
        shares = WAITING_OVER if role == DECISION_OVER else WAITING
        statuses = []
        for status, share in shares:
            statuses += [status] * max(round(count * share), 1 if count >= ALL_STEPS_FROM else 0)
        return statuses + [EvaluationStatus.DECIDED] * (count - len(statuses))

    def _classes(self, rated: list[Rated], role: str) -> list[tuple[Rated, str]]:
        """Each evaluation's classification, the ones ranked first the highest; those reviewed
        or decided count in the 20% rule."""
        counted = [r for r in rated if r.status in (EvaluationStatus.DECISION, EvaluationStatus.DECIDED)]
        found = [(r, _pick(self.rng, SELF_ONLY)) for r in rated if r.status == EvaluationStatus.REVIEW]
        if role == DECISION_OVER:  # the decided within the rule, the decision step over it
            decided = [r for r in counted if r.status == EvaluationStatus.DECIDED]
            waiting = [r for r in counted if r.status == EvaluationStatus.DECISION]
            done = round(len(decided) * 0.25)
            good = len(decided) - done
            # The fewest "xuất sắc" waiting for the decision that take the unit over its share.
            excellent = min(1, len(waiting))
            while excellent < len(waiting) and excellent <= self.scheme.allowed_excellent(
                good + len(waiting) - excellent
            ):
                excellent += 1
            found += _ranked(decided, good=good, done=done)
            found += _ranked(waiting, excellent=excellent, good=len(waiting) - excellent)
            return found
        count = len(counted)
        if not count:
            return found
        if role == DECIDED_OVER:
            excellent, done, failed = max(1, round(count * 0.3)), round(count * 0.1), 0
        else:
            failed = 1 if count >= 20 else 0
            done = round(count * 0.2)
            excellent = round(count * 0.12)
            while excellent and excellent > self.scheme.allowed_excellent(count - failed - done - excellent):
                excellent -= 1
        found += _ranked(counted, excellent=excellent, good=count - excellent - done - failed, done=done)
        return found

    def _points(self, rated: Rated, classification: str) -> None:
        """Points per criterion for a total drawn in the classification's range: the review's
        (the decision keeps them), and the self-assessment's a little above."""
        field = {pk: int(points * 2) for pk, points in self.field_points[rated.cadre].items()}
        field_total = sum(field.values())
        manual_caps = [int(c.max_points * 2) for c in self.manual]
        low, high = TOTALS[classification]
        total = self.rng.randint(low * 2, high * 2)
        total = max(field_total, min(total, field_total + sum(manual_caps)))
        if rated.status == EvaluationStatus.REVIEW:  # assessed themselves only
            rated.self_points = {**field, **self._spread(total - field_total, manual_caps)}
            return
        own = min(total + self.rng.randint(0, SELF_ABOVE), field_total + sum(manual_caps))
        rated.self_points = {**field, **self._spread(own - field_total, manual_caps)}
        rated.review_points = {**field, **self._spread(total - field_total, manual_caps)}

    def _spread(self, total: int, caps: list[int]) -> dict[int, int]:
        """``total`` half points over the manual criteria, each near its share."""
        share = total / sum(caps) if caps else 0
        values = [min(cap, max(0, round(cap * (share + self.rng.uniform(-NOISE, NOISE))))) for cap in caps]
        left = total - sum(values)
        order = list(range(len(caps)))
        while left:
            self.rng.shuffle(order)
            for index in order:
                if left > 0 and values[index] < caps[index]:
                    values[index], left = values[index] + 1, left - 1
                elif left < 0 and values[index] > 0:
                    values[index], left = values[index] - 1, left + 1
                if not left:
                    break
        return {criterion.pk: value for criterion, value in zip(self.manual, values, strict=True)}

    def _field_points(self, days_known: bool) -> dict[int, dict[int, Decimal]]:
        """Each cadre's points per field-work criterion: from the days of the year against
        their quota (``services.suggested_points``), or drawn when the year's trips are not
        in the demo."""
        if not days_known:
            return {
                pk: {
                    c.pk: Decimal(self.rng.randint(int(c.max_points), int(c.max_points * 2))) / 2
                    for c in self.fieldwork
                }
                for pk, _ in self.cadres
            }
        days = year_days([pk for pk, _ in self.cadres], self.year)
        book = QuotaBook(self.year)
        quotas: dict[int | None, Decimal | None] = {}
        found = {}
        for pk, position_id in self.cadres:
            if position_id not in quotas:
                rule = book.for_cadre(Cadre(unit=self.unit, position_id=position_id))
                quotas[position_id] = rule.min_days if rule else None
            quota = quotas[position_id]
            found[pk] = {c.pk: suggested_points(c.max_points, days[pk], quota) for c in self.fieldwork}
        return found


def _ranked(
    rated: list[Rated], *, excellent: int = 0, good: int = 0, done: int = 0
) -> list[tuple[Rated, str]]:
    """The classifications in rank order: ``excellent`` first, then ``good``, ``done``, and
    "không hoàn thành" for whoever is left."""
    classes = (
        [Classification.EXCELLENT] * excellent + [Classification.GOOD] * good + [Classification.DONE] * done
    )
    classes += [Classification.FAILED] * (len(rated) - len(classes))
    return list(zip(rated, classes, strict=True))


# --- Writing ---------------------------------------------------------------------------------


class Writer:
    """The planned evaluations, their points and history, inserted in bulk."""

    def __init__(self):
        self.planned: list[Planned] = []

    def add(self, planned: Planned) -> None:
        self.planned.append(planned)

    def write(self) -> None:
        rows = [
            (planned, rated, self._evaluation(planned, rated))
            for planned in self.planned
            for rated in planned.rated
        ]
        evaluations = [evaluation for _, _, evaluation in rows]
        for first in range(0, len(evaluations), BATCH):
            insert_new(evaluations[first : first + BATCH])
        for planned in self.planned:  # opened before the demo's day, not when it was seeded
            Evaluation.objects.filter(unit=planned.unit, year=planned.year).update(
                created_at=planned.opened_at
            )
        for planned, _, evaluation in rows:
            evaluation.created_at = planned.opened_at
        scores = [
            (
                planned.editor,
                Score(
                    evaluation_id=evaluation.pk,
                    criterion_id=criterion.pk,
                    self_points=_points(rated.self_points, criterion.pk),
                    review_points=_points(rated.review_points, criterion.pk),
                    final_points=_points(rated.review_points, criterion.pk)
                    if evaluation.is_decided
                    else None,
                ),
            )
            for planned, rated, evaluation in rows
            if rated.self_points is not None
            for criterion in planned.criteria
        ]
        for first in range(0, len(scores), BATCH):
            insert_new([score for _, score in scores[first : first + BATCH]])
        if len(evaluations) <= HISTORY_MAX:
            self._history(rows)
            by_editor = defaultdict(list)
            for editor, score in scores:
                by_editor[editor].append(score.pk)
            for editor, pks in by_editor.items():
                copy_to_history(Score, pks, user=editor)

    def _evaluation(self, planned: Planned, rated: Rated) -> Evaluation:
        scheme, reached = planned.scheme, STEPS.index(rated.status)
        evaluation = Evaluation(
            cadre_id=rated.cadre,
            unit=planned.unit,
            year=planned.year,
            period=Period.YEAR,
            scheme=scheme,
            status=rated.status,
            created_by=planned.editor,
            version=reached + 1,  # a save per step taken
        )
        if reached >= 1:
            own = _total(rated.self_points)
            evaluation.self_points, evaluation.self_at = own, rated.self_at
            evaluation.self_comment = SELF_COMMENTS[scheme.classify(own)]
            evaluation.self_by = planned.editor
            evaluation.classification = scheme.classify(own)
        if reached >= 2:
            total = _total(rated.review_points)
            evaluation.review_points, evaluation.review_at = total, planned.review_at
            evaluation.review_comment = REVIEW_COMMENTS[scheme.classify(total)]
            evaluation.review_by = planned.editor
            evaluation.classification = scheme.classify(total)
        if reached == 3:
            evaluation.final_points = evaluation.review_points
            evaluation.decision_number = planned.decision_number
            evaluation.decision_date = timezone.localdate(planned.decided_at)
            evaluation.decided_by, evaluation.decided_at = planned.approver, planned.decided_at
            if planned.override and evaluation.classification == Classification.EXCELLENT:
                evaluation.override_reason = OVERRIDE_REASON
        return evaluation

    def _history(self, rows: list[tuple[Planned, Rated, Evaluation]]) -> None:
        """Each evaluation's records as ``record_step`` leaves them: opened, then one per step
        taken, at the step's date and by its user."""
        history = Evaluation.history.model
        names = [field.attname for field in history.tracked_fields]
        records = []
        for planned, rated, evaluation in rows:
            final = {name: getattr(evaluation, name) for name in names}
            moments = (
                (planned.opened_at, planned.editor),
                (rated.self_at, planned.editor),
                (planned.review_at, planned.editor),
                (planned.decided_at, planned.approver),
            )
            for step in range(STEPS.index(rated.status) + 1):
                when, user = moments[step]
                records.append(
                    history(
                        **_state_at(final, step, planned.scheme),
                        history_date=when,
                        history_user=user,
                        history_change_reason=STEP_REASONS[step],
                        history_type="~" if step else "+",
                    )
                )
        for first in range(0, len(records), BATCH):
            insert_new(records[first : first + BATCH])


# The columns each step fills (STEPS' index), blank in the records before it.
STEP_COLUMNS = {
    1: ("self_points", "self_comment", "self_by_id", "self_at"),
    2: ("review_points", "review_comment", "review_by_id", "review_at"),
    3: (
        "final_points",
        "decision_comment",
        "decision_number",
        "decision_date",
        "decided_by_id",
        "decided_at",
        "override_reason",
    ),
}
TEXT_COLUMNS = {"self_comment", "review_comment", "decision_comment", "decision_number", "override_reason"}


def _state_at(final: dict, step: int, scheme: Scheme) -> dict:
    """The evaluation's columns once ``step`` was taken."""
    state = dict(final)
    for later in range(step + 1, 4):
        for name in STEP_COLUMNS[later]:
            state[name] = "" if name in TEXT_COLUMNS else None
    state["status"], state["version"] = STEPS[step], step + 1
    points = state["review_points"] if step >= 2 else state["self_points"]
    state["classification"] = scheme.classify(points) if points is not None else ""
    return state


def _total(points: dict[int, int]) -> Decimal:
    return Decimal(sum(points.values())) / 2


def _points(points: dict[int, int] | None, criterion: int) -> Decimal | None:
    return None if points is None else Decimal(points[criterion]) / 2


def _working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """``day`` at ``at`` in the configured time zone, never later than now."""
    return min(timezone.now(), timezone.make_aware(datetime.datetime.combine(day, at)))


def _pick(rng: random.Random, weighted: Sequence[tuple]) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]
