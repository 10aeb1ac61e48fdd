"""Seed the kinds of activity at the grassroots and the "1+2" quota (DOMAIN.md §7): 60 days a
year for the cadres of the province- and district-level offices, the report due 10 days after a
trip. Both are data an admin edits in Django admin (per year, unit, level or post)."""

from decimal import Decimal

from django.db import migrations

SOURCE = "Hướng dẫn 03-HD/TWĐTN-BTC ngày 21/3/2018 (chế độ “1+2”); số ngày mặc định, quản trị viên sửa được"
ACTIVITIES = [
    ("kiem-tra-giam-sat", "Kiểm tra, giám sát"),
    ("du-sinh-hoat-chi-doan", "Dự sinh hoạt chi đoàn"),
    ("du-hoi-nghi-bch-btv", "Dự hội nghị Ban Chấp hành, Ban Thường vụ cấp dưới"),
    ("phoi-hop-to-chuc-hoat-dong", "Phối hợp tổ chức hoạt động"),
    ("nam-tinh-hinh", "Nắm tình hình thanh niên, cơ sở"),
    ("khac", "Khác"),
]
LEVELS = ["province", "district"]


def seed(apps, schema_editor):
    ActivityKind = apps.get_model("fieldwork", "ActivityKind")
    Quota = apps.get_model("fieldwork", "Quota")
    for order, (code, name) in enumerate(ACTIVITIES, start=1):
        ActivityKind.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
    for level in LEVELS:
        Quota.objects.get_or_create(
            year=None,
            unit=None,
            position=None,
            level=level,
            defaults={"min_days": Decimal(60), "report_due_days": 10, "source": SOURCE},
        )


def unseed(apps, schema_editor):
    apps.get_model("fieldwork", "Quota").objects.filter(source=SOURCE).delete()
    apps.get_model("fieldwork", "ActivityKind").objects.filter(
        code__in=[code for code, _ in ACTIVITIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_trips")]
    operations = [migrations.RunPython(seed, unseed)]
