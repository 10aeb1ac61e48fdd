"""The planning rules (DOMAIN.md §5, Quy định 377-QĐ/TW), checked in one place for the add form,
the bulk add and the import alike. Their numbers are data (``PlanningRules``, ``PositionStandard``,
``StructureTarget``); what breaks a rule is refused with a message that names the rule, what is
only short of a standard is added with a flag (a training need)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from cadres.models import Cadre, Education, PoliticalTheory, Position
from cadres.standards import StandardBook
from common.dates import today

from .models import Candidate, PlanningRules, StructureMetric, StructureTarget, SuccessionPlan


@dataclass
class Verdict:
    refusals: list[str] = field(default_factory=list)  # the candidate cannot be added
    flags: list[str] = field(default_factory=list)  # added, but short of the standard

    @property
    def ok(self) -> bool:
        return not self.refusals


def key_positions(unit) -> list[Position]:
    """The key posts planned in a unit: ``is_key`` and held at the unit's level."""
    return [
        p
        for p in Position.objects.filter(is_key=True).order_by("order", "name")
        if p.level in ("", unit.level)
    ]


def end_of_term_age(cadre: Cadre, plan: SuccessionPlan) -> int:
    """The age, counted by year of birth, that the cadre reaches in the term's last year."""
    return plan.term.end_year - cadre.birth_date.year


def holding_limit(book: StandardBook, plan: SuccessionPlan, cadre: Cadre, position: Position) -> int | None:
    standard = book.resolve(position.pk, plan.unit.level, cadre.is_school_staff)
    return standard.holding_limit(hardship=plan.unit.is_hardship_area) if standard else None


def age_problem(book: StandardBook, plan: SuccessionPlan, cadre: Cadre, position: Position) -> str | None:
    """Why the cadre cannot serve one full term in the post before its holding limit, if so."""
    limit = holding_limit(book, plan, cadre, position)
    if limit is None:
        return None
    reached = end_of_term_age(cadre, plan)
    if reached <= limit:
        return None
    return (
        f"Không đủ tuổi công tác trọn nhiệm kỳ: sinh năm {cadre.birth_date.year}, đầu nhiệm kỳ "
        f"{plan.term.start_year} là {plan.term.start_year - cadre.birth_date.year} tuổi, đến hết nhiệm kỳ "
        f"{plan.term.end_year} là {reached} tuổi, vượt giới hạn {limit} tuổi khi đảm nhiệm {position.name} "
        f"{plan.unit.get_level_display().lower()}."
    )


def gaps(book: StandardBook, plan: SuccessionPlan, cadre: Cadre, position: Position) -> list[str]:
    """What the cadre lacks against the standard of the post at the plan's level."""
    standard = book.resolve(position.pk, plan.unit.level, cadre.is_school_staff)
    if standard is None:
        return []
    found = []
    minimum = standard.education_minimum(hardship=plan.unit.is_hardship_area)
    if minimum is not None and cadre.education < minimum:
        found.append(f"Chuyên môn {Education(cadre.education).label}, chuẩn {Education(minimum).label}")
    theory = standard.min_political_theory
    if theory is not None and cadre.political_theory < theory:
        found.append(
            f"LLCT {PoliticalTheory(cadre.political_theory).label}, chuẩn {PoliticalTheory(theory).label}"
        )
    return found


class Checker:
    """Checks candidates for one plan. ``accept`` records a candidate the caller is about to add
    (a bulk add or an import), so that the next rows are counted with it."""

    def __init__(self, plan: SuccessionPlan, user, *, rules: PlanningRules | None = None):
        self.plan, self.user = plan, user
        self.rules = rules or PlanningRules.current()
        self.book = StandardBook()
        self.keys = {p.pk for p in key_positions(plan.unit)}
        live = Candidate.objects.live()
        self.per_position = Counter(live.filter(plan=plan).values_list("position_id", flat=True))
        self.in_plan = set(live.filter(plan=plan).values_list("position_id", "cadre_id"))
        # (cadre, plan, position) of the same term and level: a cadre's posts across the plans.
        self.same_level: dict[int, set[tuple[int, int]]] = {}
        rows = live.filter(plan__term=plan.term, plan__unit__level=plan.unit.level).values_list(
            "cadre_id", "plan_id", "position_id"
        )
        for cadre_id, plan_id, position_id in rows:
            self.same_level.setdefault(cadre_id, set()).add((plan_id, position_id))
        self.visible = Cadre.objects.visible_to(user)

    def check(self, cadre: Cadre, position: Position) -> Verdict:
        verdict = Verdict()
        refuse = verdict.refusals.append
        if position.pk not in self.keys:
            refuse(
                f"“{position.name}” không phải chức danh chủ chốt được quy hoạch ở "
                f"{self.plan.unit.get_level_display().lower()}."
            )
            return verdict
        if not self.visible.filter(pk=cadre.pk).exists():
            refuse("Cán bộ này không thuộc phạm vi đơn vị của bạn.")
            return verdict
        if not cadre.is_active:
            refuse(
                f"{cadre.full_name} đã thôi công tác ({cadre.get_status_display().lower()}): "
                "không thể đưa vào quy hoạch."
            )
            return verdict
        if (position.pk, cadre.pk) in self.in_plan:
            refuse(f"{cadre.full_name} đã có trong quy hoạch chức danh {position.name}.")
            return verdict
        limit = self.rules.max_candidates_per_position
        if self.per_position[position.pk] >= limit:
            refuse(
                f"Chức danh {position.name} đã có {self.per_position[position.pk]} người trong quy hoạch: "
                f"mỗi chức danh quy hoạch tối đa {limit} người."
            )
        held = self.same_level.get(cadre.pk, set())
        most = self.rules.max_positions_per_cadre
        if len(held) >= most:
            refuse(
                f"{cadre.full_name} đã được quy hoạch {len(held)} chức danh "
                f"{self.plan.unit.get_level_display().lower()} trong nhiệm kỳ này: mỗi người quy hoạch "
                f"tối đa {most} chức danh cùng cấp."
            )
        if self.rules.require_full_term and (problem := age_problem(self.book, self.plan, cadre, position)):
            refuse(problem)
        for gap in gaps(self.book, self.plan, cadre, position):
            verdict.flags.append(f"Chưa đạt chuẩn — cần đào tạo: {gap}.")
        return verdict

    def accept(self, cadre: Cadre, position: Position) -> None:
        self.per_position[position.pk] += 1
        self.in_plan.add((position.pk, cadre.pk))
        self.same_level.setdefault(cadre.pk, set()).add((self.plan.pk, position.pk))


# --- Structure (cơ cấu) ---------------------------------------------------------------------------


@dataclass
class StructureLine:
    metric: str
    label: str
    count: int
    total: int
    target: int | None  # minimum percent, if one is set
    hidden: bool = False  # sensitive: the user may not see it

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0

    @property
    def met(self) -> bool | None:
        if self.target is None or self.hidden:
            return None
        return self.total > 0 and 100 * self.count >= self.target * self.total


def structure(
    cadres: Iterable[Cadre], *, sensitive: bool, day: datetime.date | None = None
) -> list[StructureLine]:
    """The plan's structure over its distinct candidates (a person planned for two posts counts
    once), against the targets in ``StructureTarget``."""
    day = day or today()
    people = {cadre.pk: cadre for cadre in cadres}.values()
    total = len(people)
    counts = {
        StructureMetric.WOMEN: sum(c.gender == "female" for c in people),
        StructureMetric.UNDER_30: sum(c.age_on(day) < 30 for c in people),
        StructureMetric.UNDER_35: sum(c.age_on(day) < 35 for c in people),
        StructureMetric.ETHNIC_MINORITY: sum(c.is_ethnic_minority for c in people),
    }
    targets = dict(StructureTarget.objects.values_list("metric", "min_percent"))
    return [
        StructureLine(
            metric=metric.value,
            label=metric.label,
            count=counts[metric] if sensitive or metric != StructureMetric.ETHNIC_MINORITY else 0,
            total=total,
            target=targets.get(metric.value),
            hidden=not sensitive and metric == StructureMetric.ETHNIC_MINORITY,
        )
        for metric in StructureMetric
    ]
