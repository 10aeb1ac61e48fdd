"""Vacancies (chức danh đang khuyết): key posts of the units in a user's scope held by fewer
people than the unit's staffing norm, each with the candidates ready now; and the key posts of
the current plans with fewer than two people planned for them (``FEW_SUCCESSORS``). A constant
number of queries, however many units the scope holds."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q

from cadres.models import Appointment, Cadre, CadreStatus, Position, Unit, parent_name_of
from common.dates import today

from .models import Candidate, Readiness, StaffingNorm, SuccessionPlan

# A key post with fewer people planned for it than this has "0 or 1 successor": the dashboard's
# alert and the vacancies page's second list (``?show=few_successors``).
FEW_SUCCESSORS = 2


@dataclass
class Vacancy:
    unit: Unit
    position: Position
    norm: int
    held: int
    ready: list[Candidate] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return self.norm - self.held


def vacancies_in_scope(user, *, level: str = "") -> list[Vacancy]:
    """Every vacancy of the active units ``user`` sees (optionally of one level), by unit in
    the tree's order, then by post."""
    norms: dict[str, list[StaffingNorm]] = defaultdict(list)
    for norm in StaffingNorm.objects.select_related("position"):
        norms[norm.unit_kind].append(norm)
    units = Unit.objects.visible_to(user).active().filter(kind__in=list(norms)).with_parent_name()
    if level:
        units = units.filter(level=level)
    units = list(units)
    if not units:
        return []
    position_ids = {norm.position_id for kind in norms.values() for norm in kind}
    # The units and posts as lists of ids, and the holders' status read after: PostgreSQL then
    # reads the open posts from their partial index (``appointment_open_post``) in a few ms.
    # Joined with the cadres, it expected most posts on record to be open and scanned both
    # tables: 0.4 s at a million demo cadres, whose closed posts of Bí thư and Phó Bí thư
    # outnumber the open ones a thousand to one.
    posts = list(
        Appointment.objects.open()
        .filter(unit_id__in=[unit.pk for unit in units], position_id__in=position_ids)
        .order_by()
        .values_list("unit_id", "position_id", "cadre_id")
    )
    working = set(
        Cadre.objects.filter(pk__in={cadre for *_, cadre in posts}, status=CadreStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    held = Counter((unit, position) for unit, position, cadre in posts if cadre in working)
    found = []
    for unit in units:
        for norm in norms[unit.kind]:
            count = held[(unit.pk, norm.position_id)]
            if count < norm.count:
                found.append(Vacancy(unit=unit, position=norm.position, norm=norm.count, held=count))
    if found:
        ready = (
            Candidate.objects.visible_to(user)
            .live()
            .filter(readiness=Readiness.NOW, plan__unit_id__in={v.unit.pk for v in found})
            .exclude(added_by_review__status__in=["draft", "submitted", "returned"])
            .select_related("cadre", "plan__term")
            .order_by("cadre__birth_date")
        )
        by_post = defaultdict(list)
        for candidate in ready:
            by_post[(candidate.plan.unit_id, candidate.position_id)].append(candidate)
        for vacancy in found:
            vacancy.ready = by_post[(vacancy.unit.pk, vacancy.position.pk)]
    return found


@dataclass
class ThinPost:
    """A key post of a current plan with fewer than ``FEW_SUCCESSORS`` people planned for it."""

    plan: SuccessionPlan
    position: Position
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def unit(self) -> Unit:
        return self.plan.unit


def current_plans(user, *, level: str = "", day: datetime.date | None = None):
    """The plans of the active units ``user`` sees whose term ends after this year: the running
    term's and the next one's, not a finished term's."""
    year = (day or today()).year
    plans = SuccessionPlan.objects.visible_to(user).filter(
        term__end_year__gt=year, unit__dissolved_on__isnull=True
    )
    return plans.filter(unit__level=level) if level else plans


def key_post_condition(prefix: str = "") -> Q:
    """Candidates (or rows reaching them through ``prefix``) of a key post planned at their
    plan's level (``rules.key_positions``)."""
    return Q(**{f"{prefix}position__is_key": True}) & (
        Q(**{f"{prefix}position__level": ""})
        | Q(**{f"{prefix}position__level": F(f"{prefix}plan__unit__level")})
    )


def thin_successions_in_scope(user, *, level: str = "") -> list[ThinPost]:
    """Every key post of the current plans ``user`` sees with 0 or 1 person planned for it (the
    candidates in the plan or proposed for it, as the board's badge counts them), by unit in the
    tree's order, then term, then post. Three queries."""
    plans = list(
        current_plans(user, level=level)
        .select_related("unit", "term")
        .annotate(unit_parent_name=parent_name_of("unit__path"))
        .order_by("unit__path", "term__start_year", "pk")
    )
    if not plans:
        return []
    keys = list(Position.objects.filter(is_key=True).order_by("order", "name"))
    planned = defaultdict(list)
    live = (
        Candidate.objects.live()
        .filter(plan__in=[plan.pk for plan in plans], position__is_key=True)
        .select_related("cadre")
        .order_by("cadre__birth_date", "pk")
    )
    for candidate in live:
        planned[(candidate.plan_id, candidate.position_id)].append(candidate)
    found = []
    for plan in plans:
        plan.unit.parent_name = plan.unit_parent_name
        for position in keys:
            if position.level not in ("", plan.unit.level):
                continue
            candidates = planned[(plan.pk, position.pk)]
            if len(candidates) < FEW_SUCCESSORS:
                found.append(ThinPost(plan=plan, position=position, candidates=candidates))
    return found
