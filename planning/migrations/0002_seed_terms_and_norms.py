"""Seed the terms of office in use (DOMAIN.md §5) and the one staffing norm that holds for every
kind of unit: one Bí thư. Admins edit both, and add the other norms, in Django admin."""

from django.db import migrations

# start, end, note
TERMS = [
    (2022, 2027, "Nhiệm kỳ cũ của Đoàn các cấp"),
    (2025, 2030, "Đại hội Đoàn cấp xã, cấp tỉnh"),
    (2026, 2031, "Đại hội Đoàn toàn quốc"),
    (2027, 2032, "Nhiệm kỳ kế tiếp của các quy hoạch cũ"),
    (2030, 2035, "Nhiệm kỳ kế tiếp"),
]
SECRETARY_SOURCE = "Điều lệ Đoàn: Ban Chấp hành bầu một Bí thư"
# Every kind of unit in units.models.UnitKind at this migration.
UNIT_KINDS = [
    "tw",
    "tinh_doan",
    "thanh_doan",
    "tuong_duong_tinh",
    "huyen_doan",
    "quan_doan",
    "thi_doan",
    "doan_xa",
    "doan_phuong",
    "doan_dac_khu",
    "doan_truong",
    "doan_doanh_nghiep",
    "doan_co_quan",
    "doan_luc_luong_vu_trang",
    "doan_co_so",
    "chi_doan_co_so",
    "lien_chi_doan",
    "chi_doan",
]


def seed(apps, schema_editor):
    Term = apps.get_model("planning", "Term")
    for start, end, note in TERMS:
        Term.objects.get_or_create(
            start_year=start, end_year=end, defaults={"name": f"Nhiệm kỳ {start}–{end}", "note": note}
        )
    secretary = apps.get_model("cadres", "Position").objects.filter(code="bi-thu").first()
    if secretary is None:
        return
    StaffingNorm = apps.get_model("planning", "StaffingNorm")
    for kind in UNIT_KINDS:
        StaffingNorm.objects.get_or_create(
            unit_kind=kind, position=secretary, defaults={"count": 1, "source": SECRETARY_SOURCE}
        )


def unseed(apps, schema_editor):
    apps.get_model("planning", "StaffingNorm").objects.filter(source=SECRETARY_SOURCE).delete()
    apps.get_model("planning", "Term").objects.filter(
        start_year__in=[start for start, _, _ in TERMS], end_year__in=[end for _, end, _ in TERMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_catalogues")]

    operations = [migrations.RunPython(seed, unseed)]
