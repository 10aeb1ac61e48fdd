import datetime
from decimal import Decimal

from accounts.models import Role
from cadres.merge import unit_merge, unit_merge_plan
from reports.models import AnnualPlan, Target
from tests.factories import UserFactory


def make_plan(unit, year: int) -> AnnualPlan:
    return AnnualPlan.objects.create(
        unit=unit, year=year, issuer="BCH", place="Gia Lai", subject="Công tác cán bộ"
    )


def make_target(unit, year: int) -> Target:
    return Target.objects.create(
        unit=unit, year=year, text="Ít nhất 3 cán bộ", metric="course_completions", goal=Decimal(3)
    )


def test_a_merge_moves_plans_and_targets_by_year_and_keeps_a_year_the_target_has(tree):
    admin = UserFactory(unit=None, role=Role.ADMIN, is_superuser=True)
    kept_plan, kept_target = make_plan(tree.commune_b, 2026), make_target(tree.commune_b, 2026)
    moved_plan, moved_target = make_plan(tree.commune_b, 2025), make_target(tree.commune_b, 2025)
    lone_target = make_target(tree.commune_b, 2024)  # targets without a plan move with their year
    own_plan = make_plan(tree.commune_a, 2026)
    arguments = {
        "sources": [tree.commune_b],
        "target": tree.commune_a,
        "new_target": None,
        "parent": None,
        "effective_on": datetime.date(2026, 7, 1),
        "user": admin,
    }

    preview = dict(unit_merge_plan(**arguments).participants)
    lines = {line.label: line.rows for found in preview.values() for line in found}
    name = tree.commune_b.name
    assert lines["Kế hoạch, chỉ tiêu chuyển sang đơn vị mới"] == [f"{name} — năm 2024", f"{name} — năm 2025"]
    assert lines["Kế hoạch, chỉ tiêu giữ lại ở đơn vị cũ (đơn vị mới đã có kế hoạch, chỉ tiêu năm đó)"] == [
        f"{name} — năm 2026"
    ]

    unit_merge(**arguments, decision_number="9-QĐ")

    assert AnnualPlan.objects.get(pk=moved_plan.pk).unit == tree.commune_a
    assert Target.objects.get(pk=moved_target.pk).unit == tree.commune_a
    assert Target.objects.get(pk=lone_target.pk).unit == tree.commune_a
    assert AnnualPlan.objects.get(pk=kept_plan.pk).unit == tree.commune_b
    assert Target.objects.get(pk=kept_target.pk).unit == tree.commune_b
    assert AnnualPlan.objects.get(pk=own_plan.pk).unit == tree.commune_a
    assert AnnualPlan.history.filter(id=moved_plan.pk).latest().history_change_reason.startswith("Sáp nhập")
