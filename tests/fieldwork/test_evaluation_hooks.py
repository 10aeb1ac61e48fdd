"""The evaluation beyond its own pages: the schemes in Django admin (criteria adding up to 100, a
scheme that rated someone read-only) and the evaluations there (read-only, scoped); the card on
the cadre's page; the dashboard's evaluations waiting for each step; the evaluations in the
cadre's history; a unit merge moving them; the latest yearly rating the succession review
weighs."""

import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import Role
from cadres import registry
from cadres.history import cadre_history
from cadres.merge import unit_merge
from fieldwork.evaluation import hooks, services
from fieldwork.evaluation.admin import IN_USE
from fieldwork.evaluation.models import (
    Criterion,
    Evaluation,
    EvaluationStatus,
    Period,
    Scheme,
    Score,
)
from fieldwork.sections import evaluations_section
from tests.factories import UserFactory
from tests.test_admin import admin_url, change_page_data

from .conftest import client_for

pytestmark = pytest.mark.django_db

YEAR = 2026
DECIDED_ON = datetime.date(2026, 12, 20)
STEPS = {
    EvaluationStatus.SELF: (),
    EvaluationStatus.REVIEW: ("self",),
    EvaluationStatus.DECISION: ("self", "review"),
    EvaluationStatus.DECIDED: ("self", "review", "decide"),
}


@pytest.fixture
def scheme():
    return services.scheme_for(YEAR)  # seeded by migration fieldwork.0004, from 2025


def points_for(scheme, total) -> dict[int, Decimal]:
    """Points per criterion adding up to ``total``: every criterion its share, the last the rest."""
    criteria = list(scheme.criteria.order_by("order"))
    points = {c.pk: (c.max_points * Decimal(total) / 100).quantize(Decimal("0.01")) for c in criteria[:-1]}
    points[criteria[-1].pk] = Decimal(total) - sum(points.values())
    return points


def evaluate(cadre, unit, user, *, status=EvaluationStatus.DECIDED, total=80, year=YEAR, period=Period.YEAR):
    """The cadre's evaluation by ``unit``, taken through the steps up to ``status``."""
    scheme = services.scheme_for(year)
    evaluation = Evaluation.objects.create(
        cadre=cadre, unit=unit, year=year, period=period, scheme=scheme, created_by=user
    )
    for step in STEPS[status]:
        evaluation = services.record_step(
            evaluation,
            step=step,
            points=points_for(scheme, total),
            comment="",
            user=user,
            base_version=evaluation.version,
            decision_number="12-QĐ/TĐTN" if step == "decide" else "",
            decision_date=max(DECIDED_ON, datetime.date(year, 12, 20)) if step == "decide" else None,
            override_reason="Có thành tích đặc biệt xuất sắc.",  # "xuất sắc" without a "tốt" beside
        )
    return evaluation


@pytest.fixture
def approver(tree):
    return UserFactory(username="lanhdao", unit=tree.province, role=Role.APPROVER)


# --- Admin: the schemes ------------------------------------------------------------------------


def scheme_data(*criteria, **fields) -> dict:
    """What admin's add page posts: the scheme and its criteria (group, name, points)."""
    data = {
        "name": "Khung tiêu chí thử nghiệm",
        "from_year": "2030",
        "source": "Hướng dẫn 01-HD/TĐTN",
        "excellent_min": "90",
        "good_min": "70",
        "done_min": "50",
        "excellent_share": "20",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, (group, name, points) in enumerate(criteria):
        data |= {
            f"criteria-{index}-order": str(index + 1),
            f"criteria-{index}-group": group,
            f"criteria-{index}-name": name,
            f"criteria-{index}-max_points": points,
            f"criteria-{index}-kind": "manual",
        }
    return data


def test_it_refuses_a_scheme_whose_criteria_do_not_add_up_to_100(system_admin):
    admin = client_for(system_admin)
    short = scheme_data(("I. Phẩm chất", "Chính trị", "60"), ("II. Kết quả", "Nhiệm vụ", "30"))

    refused = admin.post(admin_url(Scheme, "add"), short)

    assert refused.status_code == 200
    assert "Tổng điểm tối đa các tiêu chí là 90, phải bằng 100." in refused.content.decode()
    assert not Scheme.objects.filter(from_year=2030).exists()

    saved = admin.post(admin_url(Scheme, "add"), short | {"criteria-1-max_points": "40"})

    assert saved.status_code == 302
    assert Scheme.objects.get(from_year=2030).criteria.count() == 2


def test_it_refuses_a_change_that_takes_a_schemes_total_off_100(system_admin):
    admin = client_for(system_admin)
    admin.post(admin_url(Scheme, "add"), scheme_data(("I", "Chính trị", "60"), ("II", "Nhiệm vụ", "40")))
    added = Scheme.objects.get(from_year=2030)
    url = admin_url(Scheme, "change", added.pk)

    refused = admin.post(url, change_page_data(admin.get(url), **{"criteria-0-max_points": "55"}))

    assert "Tổng điểm tối đa các tiêu chí là 95, phải bằng 100." in refused.content.decode()
    assert set(added.criteria.values_list("max_points", flat=True)) == {Decimal(60), Decimal(40)}
    moved = change_page_data(admin.get(url), **{"criteria-0-max_points": "55", "criteria-1-max_points": "45"})
    assert admin.post(url, moved).status_code == 302
    assert set(added.criteria.values_list("max_points", flat=True)) == {Decimal(55), Decimal(45)}


def test_a_scheme_that_rated_someone_is_read_only_with_a_note(
    tree, make_cadre, province_editor, system_admin, scheme
):
    evaluate(make_cadre(tree.province), tree.province, province_editor, status=EvaluationStatus.SELF)
    admin = client_for(system_admin)
    url = admin_url(Scheme, "change", scheme.pk)
    criterion = scheme.criteria.first()

    page = admin.get(url)

    assert page.status_code == 200 and IN_USE in page.content.decode()
    assert not page.context["has_change_permission"]
    (criteria,) = page.context["inline_admin_formsets"]
    assert not criteria.has_change_permission and not criteria.has_delete_permission
    assert admin.post(url, {"name": "Đổi tên"}).status_code == 403
    assert admin.post(admin_url(Scheme, "delete", scheme.pk), {"post": "yes"}).status_code == 403
    assert admin.post(admin_url(Criterion, "change", criterion.pk), {"name": "Đổi"}).status_code == 403
    assert admin.post(admin_url(Criterion, "delete", criterion.pk), {"post": "yes"}).status_code == 403
    scheme.refresh_from_db()
    assert scheme.criteria.count() == 7 and scheme.name != "Đổi tên"


def test_an_unused_scheme_is_deleted_with_its_criteria(system_admin):
    admin = client_for(system_admin)
    admin.post(admin_url(Scheme, "add"), scheme_data(("I", "Chính trị", "60"), ("II", "Nhiệm vụ", "40")))
    added = Scheme.objects.get(from_year=2030)

    assert admin.post(admin_url(Scheme, "delete", added.pk), {"post": "yes"}).status_code == 302
    assert not Scheme.objects.filter(pk=added.pk).exists()
    assert not Criterion.objects.filter(scheme_id=added.pk).exists()


def test_a_criterion_is_deleted_on_its_schemes_page_only(system_admin, scheme):
    criterion = scheme.criteria.first()

    response = client_for(system_admin).post(admin_url(Criterion, "delete", criterion.pk), {"post": "yes"})

    assert response.status_code == 302 and response.url == admin_url(Scheme, "change", scheme.pk)
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_unit_admin_reads_the_schemes_and_changes_none(unit_admin, scheme):
    admin = client_for(unit_admin)
    url = admin_url(Scheme, "change", scheme.pk)
    criterion = scheme.criteria.first()

    assert admin.get(url).status_code == 200
    assert admin.post(url, change_page_data(admin.get(url), name="Đổi")).status_code == 403
    assert admin.get(admin_url(Scheme, "add")).status_code == 403
    assert admin.post(admin_url(Criterion, "delete", criterion.pk), {"post": "yes"}).status_code == 403
    assert admin.post(admin_url(Scheme, "delete", scheme.pk), {"post": "yes"}).status_code == 403
    assert Criterion.objects.filter(pk=criterion.pk).exists()


# --- Admin: the evaluations --------------------------------------------------------------------


def test_admin_shows_evaluations_and_points_read_only_within_the_admins_subtree(
    tree, make_cadre, province_editor, unit_admin
):
    inside = evaluate(make_cadre(tree.commune_a, full_name="Lê Thị Trong"), tree.commune_a, province_editor)
    outside = evaluate(make_cadre(tree.province, full_name="Trần Văn Ngoài"), tree.province, province_editor)
    admin = client_for(unit_admin)

    listed = admin.get(admin_url(Evaluation, "changelist")).content.decode()
    scores = admin.get(admin_url(Score, "changelist")).context["cl"].result_list

    assert "Lê Thị Trong" in listed and "Trần Văn Ngoài" not in listed
    assert {score.evaluation_id for score in scores} == {inside.pk}
    assert admin.get(admin_url(Evaluation, "change", inside.pk)).status_code == 200
    assert admin.get(admin_url(Evaluation, "change", outside.pk)).status_code == 404
    assert admin.get(admin_url(Evaluation, "history", outside.pk)).status_code == 404
    assert admin.post(admin_url(Evaluation, "change", inside.pk), {"status": "self"}).status_code == 403
    assert admin.post(admin_url(Evaluation, "delete", inside.pk), {"post": "yes"}).status_code == 403
    assert admin.get(admin_url(Evaluation, "add")).status_code == 403
    inside.refresh_from_db()
    assert inside.status == EvaluationStatus.DECIDED


# --- The cadre's page --------------------------------------------------------------------------


def test_the_cadre_page_lists_the_evaluations_newest_first_linking_those_in_scope(
    tree, make_cadre, province_editor, commune_editor
):
    mai = make_cadre(tree.commune_a, full_name="Nguyễn Thị Mai")
    # Rated by the province office the year before she moved to commune A.
    old = evaluate(mai, tree.province, province_editor, total="92.5", year=2025)
    quarter = evaluate(mai, tree.commune_a, commune_editor, total=75, period=Period.Q1)
    year = evaluate(mai, tree.commune_a, commune_editor, status=EvaluationStatus.REVIEW, total="48.5")

    page = client_for(commune_editor).get(mai.get_absolute_url()).content.decode()
    start = page.index('id="evaluations-section"')
    section = page[start : page.index("</ul>", start)]

    assert section.index("Năm 2026") < section.index("Quý I năm 2026") < section.index("Năm 2025")
    assert (
        f'href="{year.get_absolute_url()}"' in section and f'href="{quarter.get_absolute_url()}"' in section
    )
    assert f'href="{old.get_absolute_url()}"' not in section  # outside the commune editor's subtree
    assert "48,5 điểm" in section and "Không hoàn thành" in section and "Chờ tập thể nhận xét" in section
    assert "92,5 điểm" in section and "Xuất sắc" in section and "Đã quyết định" in section
    assert (
        f'href="{old.get_absolute_url()}"'
        in client_for(province_editor).get(mai.get_absolute_url()).content.decode()
    )


def test_the_cadre_page_says_when_there_is_no_evaluation(tree, make_cadre, commune_editor):
    page = client_for(commune_editor).get(make_cadre(tree.commune_a).get_absolute_url()).content.decode()

    assert "Chưa có kết quả đánh giá, xếp loại." in page


@pytest.mark.parametrize("years", [1, 4])
def test_the_card_runs_the_same_queries_whatever_the_evaluations(
    tree, make_cadre, commune_editor, django_assert_num_queries, years
):
    cadre = make_cadre(tree.commune_a)
    for year in range(2025, 2025 + years):
        evaluate(cadre, tree.commune_a, commune_editor, year=year)
    request = RequestFactory().get("/")
    request.user = commune_editor

    with django_assert_num_queries(1):
        data = evaluations_section(request, cadre)

    assert [e.year for e in data["evaluations"]] == list(range(2024 + years, 2024, -1))


# --- The dashboard -----------------------------------------------------------------------------


@pytest.fixture
def year_under_way(tree, make_cadre, province_editor, commune_editor):
    """The province office's 2026 evaluations at every step, commune A's, and last year's."""
    for status, count in [
        (EvaluationStatus.SELF, 2),
        (EvaluationStatus.REVIEW, 1),
        (EvaluationStatus.DECISION, 3),
        (EvaluationStatus.DECIDED, 4),
    ]:
        for _ in range(count):
            evaluate(make_cadre(tree.province), tree.province, province_editor, status=status)
    evaluate(make_cadre(tree.commune_a), tree.commune_a, commune_editor, status=EvaluationStatus.SELF)
    cadre = make_cadre(tree.commune_a)
    evaluate(cadre, tree.commune_a, commune_editor)
    evaluate(cadre, tree.commune_a, commune_editor, status=EvaluationStatus.SELF, period=Period.Q1)
    evaluate(cadre, tree.commune_a, commune_editor, status=EvaluationStatus.DECISION, year=2025)


def items_for(user) -> tuple[dict, list]:
    request = RequestFactory().get("/")
    request.user = user
    items = hooks.dashboard(request)
    cards = {item.title: item for item in items if isinstance(item, registry.DashboardCard)}
    return cards, [item for item in items if isinstance(item, registry.DashboardAlert)]


def waiting(user, status) -> int:
    return Evaluation.objects.visible_to(user).filter(year=YEAR, period=Period.YEAR, status=status).count()


@freeze_time("2026-12-22 03:00:00")
def test_the_dashboard_counts_the_years_evaluations_by_step(
    year_under_way, province_editor, approver, django_assert_num_queries
):
    with django_assert_num_queries(1):
        cards, alerts = items_for(province_editor)

    card = cards["Đánh giá, xếp loại năm 2026"]
    decided = waiting(province_editor, EvaluationStatus.DECIDED)
    total = Evaluation.objects.visible_to(province_editor).filter(year=YEAR, period=Period.YEAR).count()
    assert (card.value, card.link) == (f"{decided}/{total}", "/fieldwork/evaluations/?year=2026")
    assert card.value == "5/12"
    counts = {status: waiting(province_editor, status) for status in EvaluationStatus.values}
    assert card.note == (
        f"{counts['self']} chờ tự đánh giá · {counts['review']} chờ tập thể nhận xét · "
        f"{counts['decision']} chờ quyết định"
    )
    assert [alert.message for alert in alerts] == [
        "Đánh giá, xếp loại năm 2026: 3 phiếu chờ tự đánh giá, 1 phiếu chờ tập thể nhận xét."
    ]
    _, alerts = items_for(approver)
    assert "3 phiếu đánh giá năm 2026 chờ cấp có thẩm quyền quyết định xếp loại." in [
        a.message for a in alerts
    ]


@freeze_time("2026-12-22 03:00:00")
def test_the_dashboard_counts_only_the_users_subtree(year_under_way, commune_editor, tree, viewer):
    cards, alerts = items_for(commune_editor)

    assert cards["Đánh giá, xếp loại năm 2026"].value == "1/2"
    assert cards["Đánh giá, xếp loại năm 2026"].note == "1 chờ tự đánh giá"
    assert [alert.message for alert in alerts] == ["Đánh giá, xếp loại năm 2026: 1 phiếu chờ tự đánh giá."]
    assert items_for(UserFactory(unit=tree.other_province, role=Role.EDITOR)) == ({}, [])
    assert items_for(viewer)[1] == []  # a viewer takes no step


@freeze_time("2027-01-08 03:00:00")
def test_until_the_new_years_are_opened_the_dashboard_shows_last_years(year_under_way, province_editor):
    cards, _ = items_for(province_editor)

    assert cards["Đánh giá, xếp loại năm 2026"].link == "/fieldwork/evaluations/?year=2026"


@freeze_time("2026-12-22 03:00:00")
def test_the_dashboard_page_shows_the_card(year_under_way, province_editor):
    page = client_for(province_editor).get(reverse("reports:dashboard")).content.decode()

    assert "Đánh giá, xếp loại năm 2026" in page and 'href="/fieldwork/evaluations/?year=2026"' in page


# --- The cadre's history -----------------------------------------------------------------------


def test_the_cadre_history_shows_each_step_of_the_evaluations(tree, make_cadre, province_editor, approver):
    cadre = make_cadre(tree.province)
    evaluation = evaluate(cadre, tree.province, province_editor, status=EvaluationStatus.DECISION, total=75)
    services.record_step(
        evaluation,
        step="decide",
        points=points_for(evaluation.scheme, 68),
        comment="",
        user=approver,
        base_version=evaluation.version,
        decision_number="12-QĐ/TĐTN",
        decision_date=DECIDED_ON,
    )

    entries = [e for e in cadre_history(cadre, sensitive=False) if e.subject == "Đánh giá, xếp loại năm 2026"]

    assert [entry.reason for entry in entries] == [
        "Quyết định xếp loại",
        "Tập thể nhận xét",
        "Tự đánh giá",
        "",
    ]
    decision = {change.label: (change.old, change.new) for change in entries[0].changes}
    assert decision["Xếp loại"] == ("Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ")
    assert decision["Điểm quyết định"] == ("—", "68.00")
    assert "Người quyết định" not in decision and "Ngày nhập quyết định" not in decision


# --- The unit merge ----------------------------------------------------------------------------


def test_a_merge_moves_the_merged_units_evaluations(tree, make_cadre, province_editor, system_admin):
    from cadres.merge import unit_merge_plan

    moved = evaluate(make_cadre(tree.commune_b), tree.commune_b, province_editor)
    open_one = evaluate(
        make_cadre(tree.commune_b), tree.commune_b, province_editor, status=EvaluationStatus.SELF
    )
    stays = evaluate(make_cadre(tree.commune_a), tree.commune_a, province_editor)
    arguments = {
        "sources": [tree.commune_b],
        "target": tree.commune_a,
        "new_target": None,
        "parent": None,
        "effective_on": datetime.date(2026, 12, 31),
        "user": system_admin,
    }
    preview = {participant.key: lines for participant, lines in unit_merge_plan(**arguments).participants}
    assert [(line.label, line.total) for line in preview["fieldwork-evaluations"]] == [
        ("Phiếu đánh giá, xếp loại của đơn vị cũ chuyển sang đơn vị mới", 2)
    ]

    unit_merge(**arguments, decision_number="9-QĐ")

    for evaluation in (moved, open_one, stays):
        version = evaluation.version
        evaluation.refresh_from_db()
        assert evaluation.unit == tree.commune_a
        assert evaluation.version == version + (evaluation != stays)
    record = moved.history.first()
    assert (record.unit_id, record.history_user, record.history_change_reason) == (
        tree.commune_a.pk,
        system_admin,
        "Sáp nhập đơn vị vào Đoàn xã An Bình",
    )


# --- The succession review ---------------------------------------------------------------------


def test_it_rates_each_cadre_by_their_latest_decided_year(tree, make_cadre, province_editor):
    lan, hung, minh = (make_cadre(tree.province) for _ in range(3))
    evaluate(lan, tree.province, province_editor, year=2025, total=95)
    evaluate(lan, tree.province, province_editor, total=40)
    evaluate(hung, tree.province, province_editor, year=2025, total=40)
    evaluate(hung, tree.province, province_editor, total=75)
    evaluate(minh, tree.province, province_editor, total=40, status=EvaluationStatus.DECISION)  # undecided

    ratings = registry.latest_ratings([lan.pk, hung.pk, minh.pk])

    assert ratings == {
        lan.pk: registry.Rating(year=2026, label="Không hoàn thành nhiệm vụ", failed=True),
        hung.pk: registry.Rating(year=2026, label="Hoàn thành tốt nhiệm vụ", failed=False),
    }


@freeze_time("2026-12-22 03:00:00")
def test_the_dashboards_figures_are_kept_until_an_evaluation_changes(
    year_under_way, commune_editor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert items_for(commune_editor)[0]["Đánh giá, xếp loại năm 2026"].note == "1 chờ tự đánh giá"
    with django_assert_num_queries(0):
        items_for(commune_editor)
    (evaluation,) = Evaluation.objects.visible_to(commune_editor).filter(
        year=YEAR, period=Period.YEAR, status=EvaluationStatus.SELF
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.record_step(
            evaluation,
            step="self",
            points=points_for(evaluation.scheme, 75),
            comment="",
            user=commune_editor,
            base_version=evaluation.version,
        )
    cards, _ = items_for(commune_editor)
    assert cards["Đánh giá, xếp loại năm 2026"].note == "1 chờ tập thể nhận xét"
