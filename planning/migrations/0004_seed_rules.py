"""Seed the planning rules' numbers (Quy định 377-QĐ/TW), the structure targets, and the deputy
secretaries' norms of provinces and communes. All are data an admin edits in Django admin; the
figures marked as provisional must be checked against the unit's own guidance."""

from django.db import migrations

RULES_SOURCE = "Quy định 377-QĐ/TW ngày 08/10/2025 về công tác quy hoạch cán bộ"
# metric, minimum percent, source
TARGETS = [
    ("women", 25, "Cơ cấu nữ trong quy hoạch không dưới 25% (theo Quy định 50-QĐ/TW, nay là 377-QĐ/TW)"),
    ("under_30", 10, "Giá trị tạm tính: cán bộ trẻ dưới 30 tuổi, cần đối chiếu hướng dẫn của cấp trên"),
]
DEPUTY_SOURCE = "Định mức tạm tính: số Phó Bí thư, cần đối chiếu hướng dẫn của cấp trên"
# kind of unit, number of Phó Bí thư
DEPUTIES = [
    ("tinh_doan", 2),
    ("thanh_doan", 2),
    ("tuong_duong_tinh", 1),
    ("doan_xa", 1),
    ("doan_phuong", 1),
    ("doan_dac_khu", 1),
]


def seed(apps, schema_editor):
    Rules = apps.get_model("planning", "PlanningRules")
    if not Rules.objects.exists():
        Rules.objects.create(source=RULES_SOURCE)
    Target = apps.get_model("planning", "StructureTarget")
    for metric, percent, source in TARGETS:
        Target.objects.get_or_create(metric=metric, defaults={"min_percent": percent, "source": source})
    deputy = apps.get_model("cadres", "Position").objects.filter(code="pho-bi-thu").first()
    if deputy is None:
        return
    Norm = apps.get_model("planning", "StaffingNorm")
    for kind, count in DEPUTIES:
        Norm.objects.get_or_create(
            unit_kind=kind, position=deputy, defaults={"count": count, "source": DEPUTY_SOURCE}
        )


def unseed(apps, schema_editor):
    apps.get_model("planning", "StaffingNorm").objects.filter(source=DEPUTY_SOURCE).delete()
    apps.get_model("planning", "StructureTarget").objects.filter(metric__in=[t[0] for t in TARGETS]).delete()
    apps.get_model("planning", "PlanningRules").objects.filter(source=RULES_SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0003_plans")]

    operations = [migrations.RunPython(seed, unseed)]
