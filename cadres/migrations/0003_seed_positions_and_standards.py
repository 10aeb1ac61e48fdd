"""Seed the position catalogue and the age limits and standards of Quyết định 289-QĐ/TW.

Values marked unconfirmed in shared/DOMAIN.md are seeded with is_confirmed=False; admins
edit all of them in Django admin.
"""

import datetime

from django.db import migrations

SOURCE = "Quy chế cán bộ Đoàn, Quyết định 289-QĐ/TW ngày 08/02/2010"
EFFECTIVE_FROM = datetime.date(2010, 2, 8)

# code, name, level ("" = any), order, is_key, organisation
POSITIONS = [
    ("bi-thu", "Bí thư", "", 10, True, "doan"),
    ("pho-bi-thu", "Phó Bí thư", "", 20, True, "doan"),
    ("uv-btv", "Ủy viên Ban Thường vụ", "", 30, True, "doan"),
    ("uv-bch", "Ủy viên Ban Chấp hành", "", 40, True, "doan"),
    ("truong-ban", "Trưởng ban", "", 50, False, "doan"),
    ("pho-truong-ban", "Phó Trưởng ban", "", 60, False, "doan"),
    ("chuyen-vien", "Chuyên viên", "", 70, False, "doan"),
    ("chu-tich-hoi", "Chủ tịch Hội LHTN Việt Nam", "", 110, True, "hoi"),
    ("pho-chu-tich-hoi", "Phó Chủ tịch Hội LHTN Việt Nam", "", 120, False, "hoi"),
    ("chu-tich-hoi-dong-doi", "Chủ tịch Hội đồng Đội", "", 130, False, "doi"),
    ("tong-phu-trach-doi", "Tổng phụ trách Đội", "base", 140, False, "doi"),
]

# Education: 3 Cao đẳng, 4 Đại học. Political theory: 1 Sơ cấp, 2 Trung cấp, 3 Cao cấp.
# position code (None = every other position of the level), level, school staff,
# first, holding, holding in hardship areas, min education, in hardship areas, min LLCT, confirmed
STANDARDS = [
    ("bi-thu", "central", False, 40, 42, None, None, None, None, True),
    ("pho-bi-thu", "central", False, 37, 42, None, None, None, None, True),
    ("uv-btv", "central", False, 37, 42, None, None, None, None, True),
    ("bi-thu", "province", False, 35, 40, None, 4, None, 3, True),
    ("pho-bi-thu", "province", False, 33, 38, None, None, None, None, True),
    ("uv-btv", "province", False, 32, 37, None, None, None, None, True),
    (None, "province", False, 32, 37, None, None, None, None, False),
    ("bi-thu", "district", False, 30, 35, 37, 4, 3, 2, True),
    ("pho-bi-thu", "district", False, 30, 35, 37, 4, 3, 2, True),
    (None, "district", False, 30, 35, 37, None, None, None, True),
    (None, "base", False, 30, 35, 37, None, None, None, False),
    (None, "base", True, None, 37, None, 3, None, 1, True),
    (None, "branch", False, 30, 35, 37, None, None, None, False),
]


def seed(apps, schema_editor):
    Position = apps.get_model("cadres", "Position")
    PositionStandard = apps.get_model("cadres", "PositionStandard")
    positions = {}
    for code, name, level, order, is_key, organisation in POSITIONS:
        positions[code], _ = Position.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "order": order,
                "is_key": is_key,
                "organisation": organisation,
            },
        )
    for (
        code,
        level,
        school_staff,
        first,
        holding,
        hardship,
        education,
        education_hardship,
        theory,
        confirmed,
    ) in STANDARDS:
        PositionStandard.objects.update_or_create(
            position=positions[code] if code else None,
            level=level,
            for_school_staff=school_staff,
            effective_from=EFFECTIVE_FROM,
            defaults={
                "max_age_first_appointment": first,
                "max_age_holding": holding,
                "max_age_holding_hardship": hardship,
                "min_education": education,
                "min_education_hardship": education_hardship,
                "min_political_theory": theory,
                "source": SOURCE,
                "is_confirmed": confirmed,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("cadres", "PositionStandard").objects.filter(source=SOURCE).delete()
    apps.get_model("cadres", "Position").objects.filter(code__in=[p[0] for p in POSITIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_cadre_roster")]

    operations = [migrations.RunPython(seed, unseed)]
