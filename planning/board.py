"""The succession board's data (bảng quy hoạch): per key position of the plan's unit, its norm,
the incumbents with the date they reach the age limit, and the candidates with their age,
readiness and gaps against the standard. One function feeds the board page and both exports;
it runs a constant number of queries however many candidates the plan holds."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from cadres.models import Appointment, Cadre, Position
from cadres.standards import StandardBook
from common.dates import add_years, today

from .models import Candidate, PlanningRules, StaffingNorm, SuccessionPlan
from .rules import StructureLine, gaps, holding_limit, key_positions, structure

INCUMBENTS_SHOWN = 5


@dataclass
class Incumbent:
    cadre: Cadre
    age: int
    limit: int | None
    over_limit_on: datetime.date | None  # the day they pass the holding limit

    @property
    def past_limit(self) -> bool:
        return self.over_limit_on is not None and self.over_limit_on <= today()


@dataclass
class BoardCandidate:
    candidate: Candidate
    cadre: Cadre
    age: int
    gaps: list[str]

    @property
    def pending_addition(self) -> bool:
        return self.candidate.pending_addition

    @property
    def pending_removal(self) -> bool:
        return self.candidate.pending_removal


@dataclass
class BoardRow:
    position: Position
    norm: int | None
    limit: int  # the rules' most candidates per position
    minimum: int  # fewer candidates than this is flagged
    incumbents: list[Incumbent] = field(default_factory=list)  # the first few (INCUMBENTS_SHOWN)
    holders: int = 0  # how many hold the post
    candidates: list[BoardCandidate] = field(default_factory=list)

    @property
    def vacancies(self) -> int:
        """Posts of the norm without a holder."""
        return max((self.norm or 0) - self.holders, 0)

    @property
    def more_holders(self) -> int:
        return self.holders - len(self.incumbents)

    @property
    def coverage(self) -> int:
        """Candidates in force (not proposed for removal), as the badge shows them (0–3)."""
        return sum(1 for c in self.candidates if not c.pending_removal)

    @property
    def coverage_tone(self) -> str:
        if self.coverage == 0:
            return "danger"
        return "warning" if self.coverage < self.minimum else "success"


@dataclass
class Board:
    plan: SuccessionPlan
    rows: list[BoardRow]
    removed: list[Candidate]  # out of the plan, with the year and the reason
    structure: list[StructureLine]
    day: datetime.date

    @property
    def candidate_count(self) -> int:
        return sum(len(row.candidates) for row in self.rows)

    @property
    def uncovered(self) -> list[BoardRow]:
        return [row for row in self.rows if row.coverage == 0]


def plan_board(plan: SuccessionPlan, *, sensitive: bool) -> Board:
    """Vacant posts first, then the others in the catalogue's order."""
    day = today()
    book = StandardBook(day)
    unit = plan.unit
    positions = key_positions(unit)
    norms = dict(StaffingNorm.objects.filter(unit_kind=unit.kind).values_list("position_id", "count"))
    rules = PlanningRules.current()
    limits = {"limit": rules.max_candidates_per_position, "minimum": rules.min_candidates_per_position}
    rows = {p.pk: BoardRow(position=p, norm=norms.get(p.pk), **limits) for p in positions}
    # Incumbents: how many hold each post, and the first few of them by date. A BCH may have
    # dozens of members; the board names a handful and counts the rest, so that its time does
    # not grow with the unit's size.
    # (Leaving closes a cadre's open posts: an open post is an active cadre's.)
    held = Appointment.objects.open().filter(unit=unit, position_id__in=rows).order_by()
    for position_id, count in held.values_list("position_id").annotate(n=Count("pk")):
        rows[position_id].holders = count
    # One short index range per post held (the key posts are a handful, whatever the data).
    shown_ids = [
        pk
        for position_id, row in rows.items()
        if row.holders
        for pk in held.filter(position_id=position_id)
        .order_by("started_on", "pk")
        .values_list("pk", flat=True)[:INCUMBENTS_SHOWN]
    ]
    shown = Appointment.objects.filter(pk__in=shown_ids)
    for appointment in shown.select_related("cadre", "cadre__unit").order_by("started_on", "pk"):
        cadre = appointment.cadre
        limit = holding_limit(book, plan, cadre, rows[appointment.position_id].position)
        rows[appointment.position_id].incumbents.append(
            Incumbent(
                cadre=cadre,
                age=cadre.age_on(day),
                limit=limit,
                over_limit_on=add_years(cadre.birth_date, limit + 1) if limit is not None else None,
            )
        )
    candidates = list(
        plan.candidates.select_related(
            "cadre", "cadre__unit", "cadre__position", "position", "added_by_review", "removed_by_review"
        ).order_by("position__order", "cadre__birth_date", "pk")
    )
    removed = []
    by_position: dict[int, list[BoardCandidate]] = defaultdict(list)
    for candidate in candidates:
        if candidate.removed_year is not None and not candidate.pending_removal:
            removed.append(candidate)
            continue
        cadre = candidate.cadre
        by_position[candidate.position_id].append(
            BoardCandidate(
                candidate=candidate,
                cadre=cadre,
                age=cadre.age_on(day),
                gaps=gaps(book, plan, cadre, candidate.position),
            )
        )
    for position_id, planned in by_position.items():
        if position_id not in rows:  # a post no longer key: still shown with its candidates
            position = planned[0].candidate.position
            rows[position_id] = BoardRow(position=position, norm=norms.get(position_id), **limits)
        rows[position_id].candidates = planned
    ordered = sorted(
        rows.values(), key=lambda row: (row.vacancies == 0, row.position.order, row.position.name)
    )
    in_force = [c.cadre for row in ordered for c in row.candidates if not c.pending_removal]
    return Board(
        plan=plan,
        rows=ordered,
        removed=removed,
        structure=structure(in_force, sensitive=sensitive, day=day),
        day=day,
    )
