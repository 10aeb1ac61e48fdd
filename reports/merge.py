"""The reports' part in a unit merge: a merged unit's yearly plans move to the new unit with
their targets, year by year. A year the new unit already has a plan or targets for stays with the
dissolved unit, where it remains readable (a signed document is not merged into another); the
preview says which."""

from collections.abc import Iterable

from cadres import registry
from common.models import change_reason

from .models import AnnualPlan, Target


def _years(units: Iterable) -> dict[int, set[int]]:
    """The years each unit has a plan or targets for: ``{unit_id: {year, …}}``."""
    found: dict[int, set[int]] = {}
    for model in (AnnualPlan, Target):
        for unit_id, year in model.objects.filter(unit__in=units).values_list("unit_id", "year").distinct():
            found.setdefault(unit_id, set()).add(year)
    return found


def _split(sources, target) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(moving, staying): the (unit_id, year) pairs of the sources' plans and targets."""
    taken = _years([target]).get(target.pk, set()) if target is not None else set()
    moving, staying = [], []
    for unit_id, years in sorted(_years(sources).items()):
        for year in sorted(years):
            if year in taken:
                staying.append((unit_id, year))
            else:
                moving.append((unit_id, year))
                taken.add(year)
    return moving, staying


class ReportsMerge(registry.MergeParticipant):
    key = "reports"
    title = "Kế hoạch công tác cán bộ, chỉ tiêu"
    order = 50
    models = (AnnualPlan, Target)

    def preview(self, plan) -> list[registry.MergePreviewLine]:
        moving, staying = _split(plan.sources, plan.target)
        names = {unit.pk: unit.name for unit in plan.sources}
        lines = [
            registry.MergePreviewLine(
                "Kế hoạch, chỉ tiêu chuyển sang đơn vị mới",
                rows=[f"{names[unit_id]} — năm {year}" for unit_id, year in moving],
            )
        ]
        if staying:
            lines.append(
                registry.MergePreviewLine(
                    "Kế hoạch, chỉ tiêu giữ lại ở đơn vị cũ (đơn vị mới đã có kế hoạch, chỉ tiêu năm đó)",
                    rows=[f"{names[unit_id]} — năm {year}" for unit_id, year in staying],
                )
            )
        return lines

    def move(self, *, merge, sources, target) -> None:
        moving, _ = _split(sources, target)
        reason = change_reason(f"Sáp nhập đơn vị vào {target.name}")
        for unit_id, year in moving:
            for model in (AnnualPlan, Target):
                for row in model.objects.filter(unit_id=unit_id, year=year):
                    row.unit = target
                    row._change_reason = reason
                    row.save(update_fields=["unit"])


PARTICIPANT = ReportsMerge()
