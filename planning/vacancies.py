"""Vacancies (chức danh đang khuyết): key posts of the units in a user's scope held by fewer
people than the unit's staffing norm, each with the candidates ready now. A constant number of
queries, however many units the scope holds."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from cadres.models import Appointment, Position, Unit

from .models import Candidate, Readiness, StaffingNorm


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
    held = Counter(
        Appointment.objects.open()
        .filter(unit__in=Unit.objects.visible_to(user).values("pk"), position_id__in=position_ids)
        .filter(cadre__status="active")
        .values_list("unit_id", "position_id")
    )
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
