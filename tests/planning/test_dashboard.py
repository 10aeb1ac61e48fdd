"""The dashboard's planning card and alerts: the vacancies and the key posts of the current plans
with 0 or 1 person planned, each counted in SQL as its list on the vacancies page shows it
(``?show=few_successors`` for the second), within the user's scope, in a constant number of
queries cached until the data change."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cadres.registry import DashboardAlert, DashboardCard
from planning.dashboard import dashboard, planning_figures
from planning.models import Candidate, RemovalReason, StaffingNorm, SuccessionPlan, Term
from planning.vacancies import thin_successions_in_scope, vacancies_in_scope
from tests.factories import UnitFactory, position

from .conftest import client_for, young

pytestmark = pytest.mark.django_db

VACANCIES = "/planning/vacancies/"
FEW = f"{VACANCIES}?show=few_successors"


def items_for(user) -> tuple[dict[str, DashboardCard], dict[str, DashboardAlert]]:
    request = RequestFactory().get("/")
    request.user = user
    items = dashboard(request)
    cards = {item.title: item for item in items if isinstance(item, DashboardCard)}
    return cards, {item.link: item for item in items if isinstance(item, DashboardAlert)}


def candidate(plan, code: str, cadre, **fields) -> Candidate:
    return Candidate.objects.create(
        plan=plan, position=position(code), cadre=cadre, added_year=2025, **fields
    )


@pytest.fixture
def plans(tree, term, make_cadre):
    """The province's plan with two people for Bí thư, one for Phó Bí thư (another proposed
    for removal); commune A's with one for Bí thư; an old term's plan of commune B with nobody;
    another province's plan with nobody. Commune A has its Bí thư; the others none."""
    province = SuccessionPlan.objects.create(unit=tree.province, term=term)
    commune = SuccessionPlan.objects.create(unit=tree.commune_a, term=term)
    SuccessionPlan.objects.create(unit=tree.commune_b, term=Term.objects.get(start_year=2022, end_year=2027))
    SuccessionPlan.objects.create(unit=tree.other_province, term=term)
    people = [young(make_cadre, tree.branch_a, f"Người {n}") for n in range(5)]
    candidate(province, "bi-thu", people[0])
    candidate(province, "bi-thu", people[1])
    candidate(province, "pho-bi-thu", people[2])
    candidate(province, "pho-bi-thu", people[3], removed_year=2026, removal_reason=RemovalReason.OTHER)
    candidate(commune, "bi-thu", people[4])
    young(make_cadre, tree.commune_a, "Bí Thư Xã", code="bi-thu")
    return {"province": province, "commune": commune}


@pytest.fixture(autouse=True)
def today_2026(monkeypatch):
    """The year the plans are current in: 2022–2027 has not ended, 2025–2030 neither."""
    monkeypatch.setattr("planning.vacancies.today", lambda: datetime.date(2026, 12, 3))
    monkeypatch.setattr("planning.dashboard.today", lambda: datetime.date(2026, 12, 3))


def test_it_counts_the_key_posts_with_0_or_1_person_planned_as_the_list_shows_them(province_editor, plans):
    _, alerts = items_for(province_editor)

    thin = thin_successions_in_scope(province_editor)
    # Province: Phó Bí thư (1, the other proposed for removal), Ủy viên BTV, Ủy viên BCH, Chủ tịch
    # Hội (0); commune A: Bí thư (1) and the four others (0); commune B's 2022–2027 plan: five (0).
    assert len(thin) == 14
    assert sum(1 for post in thin if not post.candidates) == 12
    alert = alerts[FEW]
    assert (
        alert.message
        == "14 chức danh chủ chốt chỉ có 0–1 người quy hoạch (trong đó 12 chức danh chưa có ai)."
    )
    assert alert.tone == "danger"
    page = client_for(province_editor).get(alert.link)
    assert page.context["page"].paginator.count == 14
    assert {(post.unit.name, post.position.code) for post in page.context["page"]} == {
        (post.unit.name, post.position.code) for post in thin
    }
    html = page.content.decode()
    assert "Chức danh chủ chốt chỉ có 0–1 người quy hoạch" in html and 'id="successor-table"' in html
    assert "Tỉnh đoàn Khác" not in html


def test_it_leaves_out_a_finished_terms_plan_and_a_dissolved_units(province_editor, plans, tree, monkeypatch):
    monkeypatch.setattr("planning.vacancies.today", lambda: datetime.date(2027, 3, 1))
    monkeypatch.setattr("planning.dashboard.today", lambda: datetime.date(2027, 3, 1))
    tree.commune_a.dissolved_on = datetime.date(2027, 1, 1)
    tree.commune_a.save()

    figures = planning_figures(province_editor)

    # Only the province's 2025–2030 plan: 2022–2027 has ended by 2027, commune A is dissolved.
    assert (figures.thin, figures.uncovered, figures.plans) == (4, 3, 1)
    assert len(thin_successions_in_scope(province_editor)) == 4


def test_it_counts_the_vacancies_as_the_list_shows_them(province_editor, plans, tree):
    StaffingNorm.objects.update_or_create(
        unit_kind=tree.commune_a.kind, position=position("pho-bi-thu"), defaults={"count": 2}
    )
    cards, alerts = items_for(province_editor)

    vacancies = vacancies_in_scope(province_editor)
    card = cards["Chức danh chủ chốt đang khuyết"]
    assert card.value == len(vacancies) > 0
    assert (card.link, card.tone) == (VACANCIES, "warning")
    alert = alerts[VACANCIES]
    assert alert.message == f"{len(vacancies)} chức danh chủ chốt đang khuyết so với định mức."
    page = client_for(province_editor).get(alert.link)
    assert page.context["page"].paginator.count == len(vacancies)
    assert ("Đoàn xã An Bình", "pho-bi-thu") in {(v.unit.name, v.position.code) for v in vacancies}
    assert ("Đoàn xã An Bình", "bi-thu") not in {(v.unit.name, v.position.code) for v in vacancies}


def test_a_post_held_to_its_norm_is_no_vacancy(province_editor, tree, make_cadre):
    StaffingNorm.objects.update_or_create(
        unit_kind=tree.commune_a.kind, position=position("pho-bi-thu"), defaults={"count": 2}
    )
    before = planning_figures(province_editor).vacancies
    young(make_cadre, tree.commune_a, "Phó Một", code="pho-bi-thu")
    young(make_cadre, tree.commune_a, "Phó Hai", code="pho-bi-thu")

    after = planning_figures(province_editor).vacancies

    assert after == before - 1 == len(vacancies_in_scope(province_editor))


def test_a_post_whose_holder_no_longer_works_is_vacant(province_editor, tree, make_cadre):
    from cadres.models import Cadre, CadreStatus

    def vacant() -> set:
        return {(v.unit.pk, v.position.code) for v in vacancies_in_scope(province_editor)}

    holder = young(make_cadre, tree.commune_a, "Phó Một", code="pho-bi-thu")
    assert (tree.commune_a.pk, "pho-bi-thu") not in vacant()

    # Left the Union with the post still open on record: nobody holds it.
    Cadre.objects.filter(pk=holder.pk).update(status=CadreStatus.RESIGNED, left_on=datetime.date(2026, 1, 5))

    assert (tree.commune_a.pk, "pho-bi-thu") in vacant()


def test_it_keeps_to_the_commune_editors_subtree(commune_editor, plans):
    cards, alerts = items_for(commune_editor)

    assert cards["Chức danh chủ chốt đang khuyết"].value == len(vacancies_in_scope(commune_editor))
    assert alerts[FEW].message.startswith("5 chức danh chủ chốt")  # commune A's plan only
    assert len(thin_successions_in_scope(commune_editor)) == 5


def test_it_says_nothing_when_every_post_has_two_people(commune_editor, tree, term, make_cadre):
    plan = SuccessionPlan.objects.create(unit=tree.commune_a, term=term)
    for code in ("bi-thu", "pho-bi-thu", "uv-btv", "uv-bch", "chu-tich-hoi"):
        for n in range(2):
            candidate(plan, code, young(make_cadre, tree.branch_a, f"{code} {n}"))

    _, alerts = items_for(commune_editor)

    assert FEW not in alerts
    page = client_for(commune_editor).get(FEW)
    assert "Mọi chức danh chủ chốt trong quy hoạch hiện hành đều có từ 2 người quy hoạch trở lên." in (
        page.content.decode()
    )


def test_the_list_filters_by_level_and_ignores_an_unknown_list(province_editor, plans):
    client = client_for(province_editor)

    province_only = client.get(f"{FEW}&level=province").context["page"]
    assert {post.unit.level for post in province_only} == {"province"} and province_only.paginator.count == 4
    unknown = client.get(f"{VACANCIES}?show=nonsense")
    assert unknown.status_code == 200 and unknown.context["show"] == ""


def test_the_vacancies_page_links_its_two_lists_and_keeps_the_list_when_filtered(province_editor, plans):
    html = client_for(province_editor).get(f"{FEW}&level=province").content.decode()

    assert '<a class="nav-link py-1" href="?level=province">Chức danh đang khuyết</a>' in html
    assert 'href="?show=few_successors&amp;level=province" aria-current="page"' in html
    assert '<input type="hidden" name="show" value="few_successors">' in html


@pytest.mark.parametrize("size", [1, 5])
def test_its_queries_do_not_grow_with_the_data(
    tree, term, make_cadre, province_editor, django_assert_max_num_queries, size
):
    for index in range(size):
        unit = UnitFactory(parent=tree.province, name=f"Đoàn xã {index}", kind=tree.commune_a.kind)
        plan = SuccessionPlan.objects.create(unit=unit, term=term)
        candidate(plan, "bi-thu", young(make_cadre, unit, f"Người {index}"))
        young(make_cadre, unit, f"Bí thư {index}", code="bi-thu")

    with django_assert_max_num_queries(9):
        cards, alerts = items_for(province_editor)
    with django_assert_max_num_queries(2):  # cached until the data change: the version's probes
        items_for(province_editor)

    assert alerts[FEW].message.startswith(f"{5 * size} chức danh")
    assert cards["Chức danh chủ chốt đang khuyết"].value == len(vacancies_in_scope(province_editor))


def test_a_new_candidate_shows_at_once(province_editor, plans, tree, make_cadre):
    before = planning_figures(province_editor).thin
    candidate(plans["commune"], "bi-thu", young(make_cadre, tree.branch_a, "Người thêm"))

    assert planning_figures(province_editor).thin == before - 1


def test_the_dashboard_page_shows_the_alerts(province_editor, plans):
    html = client_for(province_editor).get(reverse("reports:dashboard")).content.decode()

    assert f'<a class="alert-link" href="{FEW}">14 chức danh chủ chốt' in html
    assert "Chức danh chủ chốt đang khuyết" in html
