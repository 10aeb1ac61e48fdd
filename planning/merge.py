"""Planning's part in a unit merge: plans and the sourcing pool move to the merged unit. A
source's plan for a term the target already has a plan for stays with the dissolved unit, where
it remains readable; the preview says which."""

from cadres import registry
from common.models import change_reason

from .models import SourcePerson, SuccessionPlan


class PlanningMerge(registry.MergeParticipant):
    key = "planning"
    title = "Quy hoạch cán bộ"
    order = 10
    models = (SuccessionPlan, SourcePerson)

    def _split(self, sources, target):
        plans = list(SuccessionPlan.objects.filter(unit__in=sources).select_related("unit", "term"))
        taken = set()
        if target is not None:
            taken = set(SuccessionPlan.objects.filter(unit=target).values_list("term_id", flat=True))
        moving, staying = [], []
        for plan in plans:
            if plan.term_id in taken:
                staying.append(plan)
            else:
                moving.append(plan)
                taken.add(plan.term_id)
        return moving, staying

    def preview(self, plan) -> list[registry.MergePreviewLine]:
        moving, staying = self._split(plan.sources, plan.target)
        lines = [
            registry.MergePreviewLine("Quy hoạch chuyển sang đơn vị mới", rows=[str(p) for p in moving]),
            registry.MergePreviewLine(
                "Nguồn cán bộ chuyển sang đơn vị mới",
                count=SourcePerson.objects.filter(unit__in=plan.sources).count(),
            ),
        ]
        if staying:
            lines.append(
                registry.MergePreviewLine(
                    "Quy hoạch giữ lại ở đơn vị cũ (đơn vị mới đã có quy hoạch nhiệm kỳ này)",
                    rows=[str(p) for p in staying],
                )
            )
        return lines

    def move(self, *, merge, sources, target) -> None:
        moving, _ = self._split(sources, target)
        for plan in moving:
            plan.unit = target
            plan._change_reason = change_reason(f"Sáp nhập đơn vị vào {target.name}")
            plan.save(update_fields=["unit"])
        for person in SourcePerson.objects.filter(unit__in=sources):
            person.unit = target
            person.save(update_fields=["unit"])


PARTICIPANT = PlanningMerge()
