"""The reports' demo data (``reports.demo``): the province's plan of the demo's year with its text,
steering group and targets over the whole metric catalogue (some met by the demo data, some
not), last year's plan with its year-end report, the three wards' plans (the demo commune's a
draft, two sent against the deadline, one late) with their targets copied from the province's, a
re-run that changes nothing, and a number of queries that does not grow with the roster."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from accounts import demo as accounts_demo
from cadres.demo import seed_cadres
from cadres.models import Cadre, CadreStatus, Unit
from reports import demo
from reports.markup import BULLET, HEADING, SUB_BULLET, parse
from reports.metrics import CATALOGUE, measure_all, validate_params
from reports.models import AnnualPlan, PlanStatus, SteeringMember, SteeringRole, Target
from units import demo as units_demo
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE

DEMO_DAY = "2026-11-20 09:00:00"  # late in the year, when most of the year's figures are in
YEAR = 2026
PROVINCE_ONLY = {"fieldwork_quota_share", "secondment_share", "school_to_university"}
REPORTS_MODELS = (AnnualPlan, Target, SteeringMember)


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The default demo, seeded once for this module on a fixed day and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic(), freeze_time(DEMO_DAY, tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def province_plan(seeded, db) -> AnnualPlan:
    return AnnualPlan.objects.select_related("unit").get(unit__code=PROVINCE_CODE, year=YEAR)


def rows() -> dict[str, list]:
    """Every row of the reports' tables and their history, with its version."""
    found = {}
    for model in REPORTS_MODELS:
        found[model.__name__] = sorted(model.objects.values_list("pk", "version"))
        found[f"history of {model.__name__}"] = model.history.count()
    return found


# --- Without the demo, and its size ----------------------------------------------------------
# (before the tests of the seeded demo: its data stay until the module ends)


def test_it_skips_without_the_demo_units(db):
    lines = []

    demo.seed(seed=2025, log=lines.append)

    assert lines == ["Kế hoạch công tác cán bộ: chưa có đơn vị mẫu, bỏ qua."]
    assert not AnnualPlan.objects.exists()


def queries_to_seed(cadres: int) -> int:
    with transaction.atomic():
        units_demo.seed(log=lambda line: None)
        accounts_demo.seed(password="x", log=lambda line: None)
        seed_cadres(count=cadres, seed=2025)
        with CaptureQueriesContext(connection) as captured:
            demo.seed(seed=2025, log=lambda line: None, cadres=cadres)
        assert AnnualPlan.objects.count() == 5  # the province's two years, three wards' plans
        transaction.set_rollback(True)
    return len(captured)


def test_it_seeds_in_as_many_queries_for_a_larger_roster(db):
    with freeze_time(DEMO_DAY, tick=True):
        small, large = queries_to_seed(400), queries_to_seed(1600)

    assert small == large


# --- The province's plan ------------------------------------------------------------------------


def test_it_issues_the_provinces_plan_of_the_demo_year_in_january(province_plan):
    plan = province_plan

    assert plan.parent is None
    assert plan.number.endswith("-KH/TĐTN-TCKT")
    assert plan.issued_on.year == YEAR and plan.issued_on.month == 1
    assert (plan.issuer, plan.place, plan.superior) == ("BCH ĐOÀN TỈNH GIA LAI", "Gia Lai", "")
    assert plan.subject == f"Công tác cán bộ Đoàn – Hội – Đội năm {YEAR}"
    assert plan.lower_deadline == datetime.date(YEAR, 2, 10)
    assert plan.recipient_list[-1].startswith("Lưu VP")
    assert len(plan.recipient_list) >= 5


def test_it_writes_the_sections_in_the_plans_markup(province_plan):
    plan = province_plan
    purpose = parse(plan.purpose)
    content = parse(plan.content)
    headings = [(block.level, block.text) for block in content if block.kind == HEADING]

    assert [block.text for block in purpose if block.kind == HEADING] == ["1. Mục đích:", "2. Yêu cầu:"]
    assert sum(block.kind == BULLET for block in purpose) >= 4
    assert [text for level, text in headings if level == 1] == [
        "1. Công tác quy hoạch và tạo nguồn cán bộ:",
        "2. Công tác đào tạo, bồi dưỡng cán bộ:",
        "3. Công tác nhận xét, đánh giá, luân chuyển, bố trí và đề bạt cán bộ:",
    ]
    assert [text for level, text in headings if level == 2] == [
        f"{number}.{part}. {level}:"
        for number in (1, 2, 3)
        for part, level in ((1, "Cấp tỉnh"), (2, "Cấp cơ sở"))
    ]
    spans = [span for block in content for span in block.spans]
    assert any(block.kind == SUB_BULLET for block in content)
    assert any(span.bold and not span.italic for span in spans if span.text.strip())
    assert any(span.italic and not span.bold for span in spans if span.text.strip())
    assert str(YEAR) in plan.basis and "{" not in plan.basis + plan.content + plan.organisation
    assert parse(plan.organisation) and plan.steering_duties


def test_it_names_a_steering_group_of_the_province_offices_leaders(province_plan):
    members = list(province_plan.steering.select_related("cadre__position", "cadre__unit"))
    heads = [member for member in members if member.role == SteeringRole.HEAD]
    deputies = [member for member in members if member.role == SteeringRole.DEPUTY]

    assert 5 <= len(members) <= 7
    for member in members:
        assert member.cadre.unit.code == PROVINCE_CODE and member.cadre.status == CadreStatus.ACTIVE
    assert len(heads) == 1 and heads[0].cadre.position.code == "bi-thu"
    assert heads[0].title == "Bí thư Tỉnh đoàn"
    assert province_plan.signer_name == heads[0].cadre.full_name
    assert len(deputies) == 1 and deputies[0].cadre.position.code == "pho-bi-thu"
    assert deputies[0].title.startswith("Phó Bí thư Tỉnh đoàn")
    assert len({member.order for member in members}) == len(members)


def test_it_sets_targets_over_the_whole_catalogue_with_valid_parameters(province_plan):
    targets = list(province_plan.targets().order_by("order"))

    assert 8 <= len(targets) <= 11
    assert {target.metric for target in targets} == set(CATALOGUE)
    for target in targets:
        assert validate_params(target.metric, target.params) == target.params, target.text
        assert target.goal <= 100 or not CATALOGUE[target.metric].is_share
        assert target.text[:1].isupper() or target.text[:1].isdigit()
        assert not target.text.endswith(".")
    assert [target.order for target in targets] == sorted({target.order for target in targets})


def test_it_meets_some_targets_and_misses_others(province_plan):
    with freeze_time(DEMO_DAY):
        measures = measure_all(province_plan.targets())

    met = [pk for pk, found in measures.items() if found.met]
    assert 0 < len(met) < len(measures)


# --- Last year's plan ---------------------------------------------------------------------------


def test_it_keeps_last_years_plan_with_its_results_report(seeded, db):
    plan = AnnualPlan.objects.get(unit__code=PROVINCE_CODE, year=YEAR - 1)
    targets = list(plan.targets())

    assert plan.issued_on.year == YEAR - 1 and plan.number
    assert plan.report_number and plan.report_issued_on.year == YEAR - 1
    assert parse(plan.report_assessment) and parse(plan.report_next_steps)
    assert plan.lower_deadline is None and not plan.steering.exists()
    assert 3 <= len(targets) < 8
    for target in targets:
        assert validate_params(target.metric, target.params) == target.params


# --- The wards' plans ---------------------------------------------------------------------------


def test_it_leaves_the_demo_communes_plan_to_send_and_has_two_wards_send_theirs_one_late(
    province_plan, django_user_model
):
    lower = list(province_plan.lower_plans.select_related("unit", "submitted_by", "created_by"))
    drafts = [plan for plan in lower if plan.status == PlanStatus.DRAFT]
    sent = sorted(
        (plan for plan in lower if plan.status == PlanStatus.SUBMITTED), key=lambda p: p.submitted_at
    )

    (draft,) = drafts
    on_time, late = sent
    assert draft.unit.code == DEMO_COMMUNE_CODE
    assert draft.created_by == django_user_model.objects.get(username="xa")
    assert draft.submitted_at is None and draft.issued_on is None and draft.number == ""
    assert all(plan.year == YEAR for plan in lower)
    assert all(plan.unit.path[: -Unit.steplen] == province_plan.unit.path for plan in lower)
    assert timezone.localdate(on_time.submitted_at) <= province_plan.lower_deadline
    assert timezone.localdate(late.submitted_at) > province_plan.lower_deadline
    assert all(plan.issued_on <= timezone.localdate(plan.submitted_at) for plan in sent)
    for plan in lower:
        assert plan.superior == "TỈNH ĐOÀN GIA LAI"
        assert plan.issuer == f"BCH {plan.unit.name.upper()}"
        assert province_plan.number in plan.basis
        secretary = Cadre.objects.active().get(unit=plan.unit, position__code="bi-thu")
        assert plan.signer_name == secretary.full_name
    for plan in sent:
        assert plan.history.filter(status=PlanStatus.SUBMITTED, history_change_reason="Gửi cấp trên").exists()


def test_it_copies_the_wards_targets_from_the_provinces(province_plan):
    upper = {target.pk: target for target in province_plan.targets()}

    for plan in province_plan.lower_plans.all():
        copies = list(plan.targets())
        assert copies and all(target.source_id in upper for target in copies)
        assert {upper[target.source_id].metric for target in copies} == set(CATALOGUE) - PROVINCE_ONLY
        for target in copies:
            source = upper[target.source_id]
            assert (target.metric, target.params, target.comparison) == (
                source.metric,
                source.params,
                source.comparison,
            )
            assert target.goal <= source.goal


# --- Re-runs -------------------------------------------------------------------------------------


def test_it_changes_nothing_when_seeded_again(seeded, db):
    before = rows()
    lines = []

    with freeze_time(DEMO_DAY, tick=True):
        demo.seed(seed=2025, log=lines.append, cadres=1500)

    assert rows() == before
    assert "0 lập mới" in lines[0] and "1 trễ hạn" in lines[0]
