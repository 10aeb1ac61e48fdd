"""Seed the evaluation's scheme (DOMAIN.md §8): the 100-point scale of Quy định 366-QĐ/TW and
Nghị định 335/2025/NĐ-CP from 2025 — ≥ 90 "xuất sắc", 70 to < 90 "tốt", 50 to < 70 "hoàn thành",
"xuất sắc" at most 20% of "tốt" — with criteria in two groups, one of them the year's field work.
The points of each criterion are the default an admin adjusts in Django admin."""

from decimal import Decimal

from django.db import migrations

NAME = "Khung tiêu chí đánh giá, xếp loại cán bộ theo thang 100 điểm"
SOURCE = "Quy định 366-QĐ/TW ngày 30/8/2025; Nghị định 335/2025/NĐ-CP"
POLITICS = "I. Phẩm chất chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật"
DUTIES = "II. Năng lực và kết quả thực hiện chức trách, nhiệm vụ được giao"
CRITERIA = [
    (POLITICS, "Phẩm chất chính trị, tư tưởng; chấp hành chủ trương, đường lối, nghị quyết", 10, "manual"),
    (POLITICS, "Đạo đức, lối sống, tác phong, lề lối làm việc", 10, "manual"),
    (POLITICS, "Ý thức tổ chức kỷ luật, tinh thần trách nhiệm, đoàn kết nội bộ", 10, "manual"),
    (DUTIES, "Kết quả thực hiện nhiệm vụ theo chương trình, kế hoạch công tác được giao", 40, "manual"),
    (DUTIES, "Năng lực đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm", 10, "manual"),
    (DUTIES, "Đi cơ sở theo chế độ “1+2” (số ngày trong năm so với định mức)", 10, "fieldwork"),
    (DUTIES, "Kết quả hoạt động của đơn vị, lĩnh vực được phân công phụ trách", 10, "manual"),
]


def seed(apps, schema_editor):
    Scheme = apps.get_model("fieldwork", "Scheme")
    Criterion = apps.get_model("fieldwork", "Criterion")
    scheme, created = Scheme.objects.get_or_create(
        from_year=2025,
        defaults={
            "name": NAME,
            "source": SOURCE,
            "excellent_min": Decimal(90),
            "good_min": Decimal(70),
            "done_min": Decimal(50),
            "excellent_share": 20,
        },
    )
    if created:
        for order, (group, name, points, kind) in enumerate(CRITERIA, start=1):
            Criterion.objects.create(
                scheme=scheme, group=group, name=name, max_points=Decimal(points), kind=kind, order=order
            )


def unseed(apps, schema_editor):
    apps.get_model("fieldwork", "Scheme").objects.filter(from_year=2025, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0003_evaluations")]
    operations = [migrations.RunPython(seed, unseed)]
