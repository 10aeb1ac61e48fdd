"""Training's part in a unit merge: the courses the merged units organised move to the new
unit (their learners are cadres, whom ``cadres`` moves itself)."""

from cadres import registry
from common.models import change_reason

from .models import Course


class TrainingMerge(registry.MergeParticipant):
    key = "training"
    title = "Đào tạo, bồi dưỡng"
    order = 20
    models = (Course,)

    def preview(self, plan) -> list[registry.MergePreviewLine]:
        courses = Course.objects.filter(organiser__in=plan.sources)
        return [
            registry.MergePreviewLine(
                "Khoá học do đơn vị cũ tổ chức chuyển sang đơn vị mới", count=courses.count()
            )
        ]

    def move(self, *, merge, sources, target) -> None:
        for course in Course.objects.filter(organiser__in=sources):
            course.organiser = target
            course._change_reason = change_reason(f"Sáp nhập đơn vị vào {target.name}")
            course.save(update_fields=["organiser"])


PARTICIPANT = TrainingMerge()
