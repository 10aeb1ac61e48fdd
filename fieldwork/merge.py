"""Field work's part in a unit merge: the trips the merged units organised or hosted, the
secondments they hosted and the quota rules naming them move to the new unit (the cadres and
their posts are moved by ``cadres`` itself)."""

from django.db.models import Q

from cadres import registry
from common.models import change_reason

from .models import FieldTrip, Quota, Secondment


class FieldworkMerge(registry.MergeParticipant):
    key = "fieldwork"
    title = "Đi cơ sở"
    order = 30
    models = (FieldTrip, Secondment, Quota)

    def preview(self, plan) -> list[registry.MergePreviewLine]:
        sources = plan.sources
        return [
            registry.MergePreviewLine(
                "Đợt đi cơ sở do đơn vị cũ cử đi hoặc tiếp nhận chuyển sang đơn vị mới",
                count=FieldTrip.objects.filter(Q(organiser__in=sources) | Q(host__in=sources)).count(),
            ),
            registry.MergePreviewLine(
                "Đợt tăng cường cơ sở tại đơn vị cũ",
                count=Secondment.objects.filter(host__in=sources).count(),
            ),
            registry.MergePreviewLine(
                "Định mức đi cơ sở riêng của đơn vị cũ", count=Quota.objects.filter(unit__in=sources).count()
            ),
        ]

    def move(self, *, merge, sources, target) -> None:
        reason = change_reason(f"Sáp nhập đơn vị vào {target.name}")
        ids = {unit.pk for unit in sources}
        for trip in FieldTrip.objects.filter(Q(organiser__in=ids) | Q(host__in=ids)):
            fields = []
            if trip.organiser_id in ids:
                trip.organiser, fields = target, [*fields, "organiser"]
            if trip.host_id in ids:
                trip.host, fields = target, [*fields, "host"]
            trip._change_reason = reason
            trip.save(update_fields=fields)
        for secondment in Secondment.objects.filter(host__in=sources):
            secondment.host = target
            secondment._change_reason = reason
            secondment.save(update_fields=["host"])
        for quota in Quota.objects.filter(unit__in=sources):
            quota.unit = target
            quota._change_reason = reason
            quota.save(update_fields=["unit"])


PARTICIPANT = FieldworkMerge()
