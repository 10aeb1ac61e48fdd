"""The dashboard ``/``, its charts ``/reports/charts/`` and the reports' hub ``/reports/``: the
roster's figures (shares, average age), alerts that open lists showing exactly what they count,
the charts (each with its table) in a second request after the page, the other apps' cards,
alerts and charts through the registry, the user's scope, and query counts that do not grow
with the data, cold or cached."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from cadres import registry
from cadres.models import Cadre, Education, PoliticalTheory
from common.dates import add_months, today, years_before
from fieldwork.models import FieldTrip, TripStatus
from fieldwork.services import trip_save
from planning.models import Candidate, SuccessionPlan, Term
from reports.views import dashboard as dashboard_views
from reports.views.dashboard import roster_chart_figures
from tests.factories import position
from training.models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus

pytestmark = pytest.mark.django_db


def page_of(client, user, path="/"):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response


CHARTS = "/reports/charts/"


def charts_fragment_of(client, user):
    """What the dashboard's htmx request for its charts gets."""
    client.force_login(user)
    response = client.get(CHARTS, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response


def cards_of(response) -> dict:
    return {card.title: card for card in response.context["cards"]}


def charts_of(response) -> dict:
    return {chart.key: chart for chart in response.context["charts"]}


def late_cards_of(response) -> dict:
    return {card.title: card for card in response.context["late_cards"]}


def alert_to(response, path: str):
    found = [alert for alert in response.context["alerts"] if alert.link.startswith(path)]
    assert len(found) == 1, [alert.message for alert in response.context["alerts"]]
    return found[0]


def leading_number(message: str) -> int:
    return int(re.match(r"[\d.]+", message).group().replace(".", ""))


# --- The roster's figures --------------------------------------------------------------------


def test_it_counts_the_users_scope_and_its_warnings(client, commune_editor, tree, make_cadre):
    day = today()
    make_cadre(tree.commune_a, birth_date=years_before(day, 37), gender="female")
    make_cadre(tree.branch_a, birth_date=years_before(day, 25))
    make_cadre(tree.commune_b, birth_date=years_before(day, 40))

    figures = page_of(client, commune_editor).context["figures"]

    assert figures["total"] == 2
    assert figures["women"] == 1
    assert figures["over_age"] == 1
    assert figures["near_age"] == 0


def test_it_names_the_warning_period_from_the_setting(client, province_editor, tree, make_cadre, settings):
    settings.AGE_WARNING_MONTHS = 18
    # 36 in six months: past the commune's limit of 35 within the 18 months.
    make_cadre(tree.commune_a, birth_date=add_months(years_before(today(), 36), 6))

    html = page_of(client, province_editor).content.decode()

    assert "1 cán bộ sắp quá tuổi đảm nhiệm (trong 18 tháng tới)." in html
    assert "12 tháng" not in html


@pytest.fixture
def roster(tree, make_cadre):
    """Six cadres of the province's subtree and one of another province's."""
    day = today()
    people = [
        make_cadre(tree.province, birth_date=years_before(day, 42), gender="female", code="uv-btv"),
        make_cadre(
            tree.commune_a,
            birth_date=years_before(day, 29) + datetime.timedelta(days=3),  # 28 for three more days
            party_joined_on=datetime.date(2015, 5, 1),
            education=Education.BACHELOR,
            political_theory=PoliticalTheory.INTERMEDIATE,
        ),
        make_cadre(
            tree.commune_a,
            birth_date=years_before(day, 31),
            gender="female",
            party_joined_on=datetime.date(2018, 5, 1),
            education=Education.MASTER,
        ),
        make_cadre(tree.branch_a, birth_date=years_before(day, 23), education=Education.BACHELOR),
        make_cadre(tree.commune_b, birth_date=years_before(day, 36), gender="female"),  # over the age limit
        make_cadre(
            tree.district, birth_date=years_before(day, 33), political_theory=PoliticalTheory.ADVANCED
        ),
        # The province's Bí thư without a degree: below the post's standard.
        make_cadre(tree.province, birth_date=years_before(day, 35), code="bi-thu", gender="female"),
    ]
    make_cadre(tree.other_commune, birth_date=years_before(day, 50), gender="female")
    return people


def test_it_shows_the_shares_of_women_and_party_members_and_the_average_age(client, province_editor, roster):
    day = today()
    ages = [cadre.age_on(day) for cadre in roster]
    assert ages == [42, 28, 31, 23, 36, 33, 35]

    cards = cards_of(page_of(client, province_editor))

    assert cards["Cán bộ đang công tác"].value == 7
    assert cards["Cán bộ đang công tác"].note == "nam: 3 · nữ: 4"
    assert (cards["Tỷ lệ nữ"].value, cards["Tỷ lệ nữ"].link) == ("57,1%", "/cadres/?gender=female")
    # The Party share reads every row, the average age every row's age: the page holds their
    # places, the charts' request fills them in.
    assert (cards["Tỷ lệ đảng viên"].value, cards["Tỷ lệ đảng viên"].key) == ("…", "party-share")
    assert (cards["Tuổi bình quân"].value, cards["Tuổi bình quân"].key) == ("…", "average-age")
    late = late_cards_of(charts_fragment_of(client, province_editor))
    assert list(late) == ["Tỷ lệ đảng viên", "Tuổi bình quân"]
    party = late["Tỷ lệ đảng viên"]
    assert party.value == "28,6%"  # 2 of 7
    assert party.link == "/cadres/?party_member=yes" and party.note == "2 đảng viên"
    assert party.key == "party-share"
    assert late["Tuổi bình quân"].value == "32,6"  # 228 / 7 = 32.57
    assert late["Tuổi bình quân"].note == f"tuổi tròn năm, tính đến {day:%d/%m/%Y}"
    assert late["Tuổi bình quân"].key == "average-age"
    assert sum(ages) == 228


def test_the_charts_fill_in_the_pages_cards_kept_for_them(client, province_editor, roster):
    page = page_of(client, province_editor).content.decode()
    fragment = charts_fragment_of(client, province_editor).content.decode()

    for key, title, value in (
        ("party-share", "Tỷ lệ đảng viên", "28,6%"),
        ("average-age", "Tuổi bình quân", "32,6"),
    ):
        assert f'<div class="col" id="dashboard-card-{key}" aria-busy="true">' in page
        card = re.search(
            rf'<div class="col" id="dashboard-card-{key}" hx-swap-oob="true">(.*?)</div>\s*</(a|div)>',
            fragment,
            re.S,
        )
        assert card and value in card.group(1) and title in card.group(1), key


def test_it_hides_the_party_share_from_a_viewer(client, viewer, roster):
    response = page_of(client, viewer)
    charts = charts_fragment_of(client, viewer)

    assert "Tỷ lệ đảng viên" not in cards_of(response)
    assert "đảng viên" not in response.content.decode().lower()
    assert list(late_cards_of(charts)) == ["Tuổi bình quân"]
    assert "đảng viên" not in charts.content.decode().lower()


def test_it_shows_dashes_for_an_empty_scope(client, commune_editor):
    cards = cards_of(page_of(client, commune_editor))
    late = late_cards_of(charts_fragment_of(client, commune_editor))

    assert (cards["Tỷ lệ nữ"].value, late["Tỷ lệ đảng viên"].value, late["Tuổi bình quân"].value) == (
        "—",
    ) * 3


def test_the_roster_alerts_open_lists_that_show_what_they_count(client, province_editor, roster, settings):
    response = page_of(client, province_editor)
    for warning in ("over_age", "below_standard"):
        alert = alert_to(response, f"/cadres/?warning={warning}")
        listed = client.get(alert.link).context["page"].paginator.count
        assert leading_number(alert.message) == listed == response.context["figures"][warning] > 0


def test_it_draws_the_age_pyramid_and_the_levels_from_an_independent_count(client, province_editor, roster):
    day = today()
    charts = charts_of(charts_fragment_of(client, province_editor))

    pyramid = charts["roster-age-pyramid"]
    assert pyramid.kind == "pyramid"
    assert pyramid.labels == ("Trên 45", "41–45", "36–40", "31–35", "26–30", "Đến 25")
    bands = [(46, 200), (41, 45), (36, 40), (31, 35), (26, 30), (0, 25)]
    for series, gender in zip(pyramid.datasets, ("male", "female"), strict=True):
        expected = tuple(
            sum(1 for c in roster if c.gender == gender and low <= c.age_on(day) <= high)
            for low, high in bands
        )
        assert series.values == expected
    assert [series.label for series in pyramid.datasets] == ["Nam", "Nữ"]
    assert pyramid.links[-1] == "/cadres/?age_max=25" and pyramid.links[1] == "/cadres/?age_min=41&age_max=45"

    education = charts["roster-education"]
    assert dict(zip(education.labels, education.datasets[0].values, strict=True)) == {
        label: sum(1 for c in roster if c.education == value) for value, label in Education.choices
    }
    theory = charts["roster-political-theory"]
    assert dict(zip(theory.labels, theory.datasets[0].values, strict=True)) == {
        label: sum(1 for c in roster if c.political_theory == value)
        for value, label in PoliticalTheory.choices
    }


def test_a_charts_band_link_lists_the_cadres_of_its_bar(client, province_editor, roster):
    pyramid = charts_of(charts_fragment_of(client, province_editor))["roster-age-pyramid"]
    for label, link, men, women in zip(
        pyramid.labels, pyramid.links, *[s.values for s in pyramid.datasets], strict=True
    ):
        assert client.get(link).context["page"].paginator.count == men + women, label


def test_each_chart_carries_its_data_its_summary_and_its_table(client, province_editor, roster):
    html = charts_fragment_of(client, province_editor).content.decode()

    found = re.search(
        r'<script id="chart-data-roster-age-pyramid" type="application/json">(.*?)</script>', html
    )
    data = json.loads(found.group(1))
    assert data["kind"] == "pyramid" and data["labels"][0] == "Trên 45"
    assert [series["label"] for series in data["datasets"]] == ["Nam", "Nữ"]
    assert 'data-chart="chart-data-roster-age-pyramid"' in html
    assert 'aria-label="Tháp tuổi cán bộ theo giới tính. Nam — Trên 45: 0' in html
    assert "<summary>Xem số liệu</summary>" in html
    # A fragment: no layout, nothing inline for the CSP (the only <script> elements are JSON data).
    assert "<html" not in html and "<nav" not in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", html)
    page = page_of(client, province_editor).content.decode()
    assert "/static/vendor/chartjs/chart.umd.min.js" in page and "/static/js/dashboard-charts.js" in page
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", page)


def test_the_page_asks_for_its_charts_after_it_is_shown(client, province_editor, roster):
    response = page_of(client, province_editor)
    html = response.content.decode()

    assert "charts" not in response.context and "canvas" not in html
    section = re.search(r'<section class="mt-4" id="dashboard-charts"[^>]*>', html).group()
    assert f'hx-get="{CHARTS}"' in section and 'hx-trigger="load"' in section
    assert 'hx-swap="outerHTML"' in section and 'aria-busy="true"' in section
    assert "Đang tải biểu đồ…" in html and 'class="spinner-border' in html
    assert f'<noscript><p class="mb-0"><a href="{CHARTS}">Xem biểu đồ và số liệu</a></p></noscript>' in html
    # The fragment replaces the section: it is a section of the same id.
    fragment = charts_fragment_of(client, province_editor)
    assert '<section class="mt-4" id="dashboard-charts"' in fragment.content.decode()
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]


def test_the_charts_open_as_a_page_without_javascript(client, province_editor, roster):
    html = page_of(client, province_editor, CHARTS).content.decode()

    assert '<h1 class="h3 mb-0">Biểu đồ tổng quan</h1>' in html
    assert 'data-chart="chart-data-roster-age-pyramid"' in html and "<summary>Xem số liệu</summary>" in html
    assert "28,6%" in html and "hx-swap-oob" not in html and "hx-get" not in html
    assert '<li class="breadcrumb-item"><a href="/">Tổng quan</a></li>' in html
    assert "/static/js/dashboard-charts.js" in html


def test_the_page_computes_no_chart_figures(client, province_editor, roster, monkeypatch):
    """The roster's chart figures read every row of the scope: only the charts' request does."""
    calls = []

    def counted(cadres):
        calls.append(cadres)
        return roster_chart_figures(cadres)

    monkeypatch.setattr(dashboard_views, "roster_chart_figures", counted)
    page_of(client, province_editor)
    assert calls == []
    charts_fragment_of(client, province_editor)
    assert len(calls) == 1


def test_it_keeps_to_the_commune_editors_subtree(client, commune_editor, roster):
    cards = cards_of(page_of(client, commune_editor))
    fragment = charts_fragment_of(client, commune_editor)
    charts = charts_of(fragment)

    assert cards["Cán bộ đang công tác"].value == 3  # commune A and its chi đoàn
    pyramid = charts["roster-age-pyramid"]
    assert sum(sum(series.values) for series in pyramid.datasets) == 3
    assert fragment.context["chart_figures"]["total"] == 3
    assert sum(charts["roster-education"].datasets[0].values) == 3
    assert late_cards_of(fragment)["Tỷ lệ đảng viên"].value == "66,7%"  # 2 of 3
    assert late_cards_of(fragment)["Tuổi bình quân"].value == "27,3"  # (28 + 31 + 23) / 3


# --- The other apps, through the registry ------------------------------------------------------


def test_a_chart_refuses_an_unknown_kind_and_values_that_do_not_match_its_labels():
    series = registry.ChartSeries("Cán bộ", (1, 2))
    with pytest.raises(ValueError, match="Unknown chart kind"):
        registry.DashboardChart(key="x", title="X", labels=("a", "b"), datasets=(series,), kind="pie")
    with pytest.raises(ValueError, match="has 2 values for 3 labels"):
        registry.DashboardChart(key="x", title="X", labels=("a", "b", "c"), datasets=(series,))
    with pytest.raises(ValueError, match="two datasets"):
        registry.DashboardChart(key="x", title="X", labels=("a", "b"), datasets=(series,), kind="pyramid")


def test_a_chart_writes_its_numbers_as_vietnamese_do():
    chart = registry.DashboardChart(
        key="x",
        title="Ngày",
        labels=("T1", "T2"),
        datasets=(registry.ChartSeries("Ngày", (Decimal("1234.5"), 3)),),
        unit="ngày",
        links=("/a/", ""),
    )

    assert chart.rows == [("T1", ["1.234,5"], "/a/"), ("T2", ["3"], "")]
    assert chart.summary == "Ngày. T1: 1.234,5, T2: 3 ngày."
    assert chart.as_json()["datasets"] == [{"label": "Ngày", "data": [1234.5, 3]}]
    assert not chart.is_empty


def test_it_shows_a_registered_chart_in_order_with_its_table(client, province_editor, roster, register):
    def provider(request):
        yield registry.DashboardChart(
            key="test-chart",
            title="Biểu đồ thử",
            labels=("Một", "Hai"),
            datasets=(registry.ChartSeries("Ngày", (Decimal("2.5"), 1234)),),
            order=11,
        )

    register(registry.dashboard_providers, registry.DashboardProvider(key="test", provider=provider))
    response = charts_fragment_of(client, province_editor)

    keys = [chart.key for chart in response.context["charts"]]
    assert keys.index("roster-age-pyramid") < keys.index("test-chart") < keys.index("roster-political-theory")
    html = response.content.decode()
    assert '<td class="text-end">2,5</td>' in html and '<td class="text-end">1.234</td>' in html
    # The page leaves the charts to the fragment.
    assert "Biểu đồ thử" not in page_of(client, province_editor).content.decode()


@pytest.fixture
def register():
    added = []

    def add(kind, item):
        kind.add(item)
        added.append((kind, item.key))

    yield add
    for kind, key in added:
        kind.remove(key)


def test_it_shows_every_apps_cards_and_charts(client, province_editor, world):
    cards = cards_of(page_of(client, province_editor))
    charts = charts_of(charts_fragment_of(client, province_editor))

    year = today().year
    assert {"Chức danh chủ chốt đang khuyết", f"Ngày đi cơ sở năm {year}", "Khoá học đang diễn ra"} <= set(
        cards
    )
    assert {
        "roster-age-pyramid",
        "roster-political-theory",
        "roster-education",
        "fieldwork-days-by-month",
        "training-learners-by-category",
    } <= set(charts)


# --- Data of every app, at two sizes -------------------------------------------------------------


def build_world(tree, make_cadre, size: int) -> list[Cadre]:
    """``size`` cadres in each of three units, each on a trip and a course this year, a plan of
    the province with one candidate per cadre; one cadre past the age limit."""
    day = today()
    cadres = [
        make_cadre(unit, birth_date=years_before(day, 24 + index % 10), gender=("male", "female")[index % 2])
        for index in range(size)
        for unit in (tree.province, tree.commune_a, tree.commune_b)
    ]
    make_cadre(tree.commune_a, birth_date=years_before(day, 40))
    start = max(datetime.date(day.year, 1, 5), day - datetime.timedelta(days=200))
    for index, cadre in enumerate(cadres):
        starts_on = start + datetime.timedelta(days=index % 28)
        trip = FieldTrip(
            organiser=cadre.unit,
            host=tree.branch_a,
            starts_on=starts_on,
            ends_on=starts_on,
            status=TripStatus.DONE,
        )
        trip_save(trip=trip, cadres=[cadre], days=Decimal(1), user=None)
    course = Course.objects.create(
        kind=CourseKind.objects.get(code="llct-trung-cap"),
        organiser=tree.province,
        name="Lớp trung cấp",
        starts_on=datetime.date(day.year, 1, 2),
        ends_on=datetime.date(day.year, 12, 30),
        status=CourseStatus.RUNNING,
    )
    for cadre in cadres:
        Enrollment.objects.create(course=course, cadre=cadre, status=EnrollmentStatus.ATTENDING)
    plan = SuccessionPlan.objects.create(
        unit=tree.province, term=Term.objects.get(start_year=2025, end_year=2030)
    )
    for cadre in cadres[:3]:
        Candidate.objects.create(plan=plan, position=position("bi-thu"), cadre=cadre, added_year=2025)
    return cadres


@pytest.fixture
def world(tree, make_cadre):
    return build_world(tree, make_cadre, 2)


def test_the_fieldwork_and_training_charts_count_the_years_data(client, province_editor, world):
    day = today()
    charts = charts_of(charts_fragment_of(client, province_editor))

    months = charts["fieldwork-days-by-month"]
    assert months.labels[0] == "T1" and len(months.labels) == 12
    assert sum(months.datasets[0].values) == len(world)  # one day each
    learners = charts["training-learners-by-category"]
    places = dict(zip(learners.labels, learners.datasets[0].values, strict=True))
    assert places["Lý luận chính trị"] == len(world)
    assert sum(places.values()) == len(world)
    assert months.title == f"Ngày đi cơ sở theo tháng năm {day.year}"


@pytest.mark.parametrize("size", [1, 4])
def test_its_queries_do_not_grow_with_the_data(
    client, tree, make_cadre, province_editor, size, django_assert_max_num_queries
):
    build_world(tree, make_cadre, size)
    client.force_login(province_editor)
    client.get("/accounts/password_change/")  # the session settles

    with django_assert_max_num_queries(COLD_QUERIES):
        cold = client.get("/")
    with django_assert_max_num_queries(WARM_QUERIES):  # cached until the data change
        client.get("/")

    assert cards_of(cold)["Cán bộ đang công tác"].value == 3 * size + 1


@pytest.mark.parametrize("size", [1, 4])
def test_the_charts_queries_do_not_grow_with_the_data(
    client, tree, make_cadre, province_editor, size, django_assert_max_num_queries
):
    build_world(tree, make_cadre, size)
    client.force_login(province_editor)
    client.get("/accounts/password_change/")  # the session settles
    client.get("/")  # the page first, as the browser does: the providers' figures are cached

    with django_assert_max_num_queries(CHARTS_AFTER_PAGE_QUERIES):
        after_page = client.get(CHARTS, headers={"HX-Request": "true"})
    cache.clear()
    with django_assert_max_num_queries(CHARTS_COLD_QUERIES):
        client.get(CHARTS, headers={"HX-Request": "true"})
    with django_assert_max_num_queries(CHARTS_WARM_QUERIES):
        client.get(CHARTS, headers={"HX-Request": "true"})

    assert after_page.context["chart_figures"]["total"] == 3 * size + 1
    assert sum(charts_of(after_page)["fieldwork-days-by-month"].datasets[0].values) == 3 * size


# The page with every app's providers: cold, their snapshot is computed (with the charts, by the
# task the page queues, run at once here) and stored; warm, it is read, with the data's version.
COLD_QUERIES = 70
WARM_QUERIES = 25
# The charts' request: the roster's chart figures computed, the providers' snapshot read (the
# page just made it); every snapshot computed again (an empty cache resets the generations, so
# both are stale); or only the probes.
CHARTS_AFTER_PAGE_QUERIES = 25
CHARTS_COLD_QUERIES = 73
CHARTS_WARM_QUERIES = 24


# --- The hub, the links and the navigation ----------------------------------------------------


def test_the_hub_links_to_every_report_with_what_it_is(client, viewer):
    html = page_of(client, viewer, reverse("reports:index")).content.decode()

    for name, title in (
        ("reports:statistics", "Thống kê chất lượng đội ngũ"),
        ("reports:targets", "Chỉ tiêu"),
        ("reports:plans", "Kế hoạch công tác cán bộ"),
    ):
        assert f'href="{reverse(name)}"' in html and title in html
    assert '<li class="breadcrumb-item active" aria-current="page">Báo cáo</li>' in html


def test_the_dashboard_links_to_the_reports_and_the_navigation_to_the_hub(client, province_editor):
    html = page_of(client, province_editor).content.decode()

    assert "sẽ có tại đây" not in html
    for name in ("reports:statistics", "reports:targets", "reports:plans"):
        assert f'href="{reverse(name)}"' in html
    assert re.search(
        r'<a class="nav-link[^"]*" href="/reports/"><i class="bi bi-bar-chart"></i> Báo cáo</a>', html
    )


def test_the_navigation_marks_the_hub_as_the_current_area(client, province_editor):
    html = page_of(client, province_editor, reverse("reports:index")).content.decode()

    assert '<a class="nav-link active" href="/reports/"><i class="bi bi-bar-chart"></i> Báo cáo</a>' in html


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:dashboard-charts", "reports:index"])
def test_it_refuses_a_post(client, province_editor, name):
    client.force_login(province_editor)

    assert client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", ["reports:index", "reports:dashboard-charts"])
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db, name):
    response = client.get(reverse(name), headers={"HX-Request": "true"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
