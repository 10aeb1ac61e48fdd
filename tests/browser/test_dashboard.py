"""The dashboard in a real Chromium, as the province office (``tinhdoan``) reads it: the charts
loaded after the page (htmx) and drawn by Chart.js under the CSP, each alert clicked and the list
it opens compared with a count made here from the database, the reports' hub from the
navigation, and the dashboard at 1,366 and 390 px without sideways scrolling. Screenshots go to
/tmp/h8_*.png."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cadres.models import Cadre, CadreStatus
from common.dates import add_months, add_years, today, years_before
from fieldwork.evaluation.models import Evaluation, EvaluationStatus, Period
from fieldwork.evaluation.services import open_evaluations
from fieldwork.models import FieldTrip, TripStatus
from fieldwork.services import trip_save
from planning.models import Candidate, SuccessionPlan, Term
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.browser.test_smoke import assert_everything_came_from, log_in
from tests.factories import position
from training.models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus

pytestmark = pytest.mark.browser

SHOTS = "/tmp/h8_{}.png"


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def fits_once_laid_out_again(page, seconds: float = 5) -> bool:
    """After the window was made narrower: whether the page fits within ``seconds``, the time
    Chart.js takes to redraw its canvases for the new width (a resize observer, a frame later)."""
    wait_for_charts(page)
    for _ in range(int(seconds * 10)):
        if no_sideways_scrolling(page):
            return True
        page.wait_for_timeout(100)
    return no_sideways_scrolling(page)


def wait_for_charts(page) -> None:
    """Until the charts' fragment has replaced the loading notice and Chart.js holds a chart for
    every canvas (polled from here: the CSP refuses the string predicate ``wait_for_function``
    would evaluate in the page)."""
    expect(page.locator("#dashboard-charts[hx-get]")).to_have_count(0)
    canvases = "Array.from(document.querySelectorAll('canvas[data-chart]'))"
    drawn = f"{canvases}.length > 0 && {canvases}.every(c => Chart.getChart(c))"
    for _ in range(100):
        if page.evaluate(f"typeof Chart !== 'undefined' && {drawn}"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the charts were not drawn")


def leading_number(text: str) -> int:
    return int(re.match(r"[\d.]+", text.strip()).group().replace(".", ""))


@pytest.fixture
def office(tree, make_cadre, province_editor):
    """A province with every kind of alert: cadres past and near the age limit and below the
    standard, posts without a Bí thư, a plan with one person for Bí thư, an overdue trip report,
    the province office behind its 60 days, evaluations waiting, a new Bí thư untrained, and a
    course with learners this year."""
    day = today()
    make_cadre(tree.commune_b, birth_date=years_before(day, 40), gender="female", full_name="Quá Tuổi")
    make_cadre(tree.commune_a, birth_date=add_months(years_before(day, 36), 6), full_name="Sắp Quá Tuổi")
    # The province's Bí thư without a degree: below the post's standard.
    make_cadre(tree.province, code="bi-thu", birth_date=years_before(day, 38), full_name="Chưa Đạt Chuẩn")
    # A commune's Bí thư appointed a month ago, without the title course.
    make_cadre(
        tree.commune_a,
        code="bi-thu",
        started_on=day - datetime.timedelta(days=30),
        birth_date=years_before(day, 30),
        full_name="Bí Thư Mới",
    )
    office = [
        make_cadre(
            tree.province, code="uv-btv", birth_date=years_before(day, 30 + n), gender=gender, full_name=name
        )
        for n, (name, gender) in enumerate(
            [
                ("Trần Thị Lan", "female"),
                ("Lê Văn Minh", "male"),
                ("Đỗ Thị Hoa", "female"),
                ("Vũ Văn Nam", "male"),
            ]
        )
    ]
    plan = SuccessionPlan.objects.create(
        unit=tree.province, term=Term.objects.get(start_year=2025, end_year=2030)
    )
    Candidate.objects.create(plan=plan, position=position("bi-thu"), cadre=office[0], added_year=2025)
    # A trip made three weeks ago (its report due after ten days), never reported.
    start = day - datetime.timedelta(days=21)
    trip = FieldTrip(
        organiser=tree.province, host=tree.branch_a, starts_on=start, ends_on=start, status=TripStatus.DONE
    )
    trip_save(trip=trip, cadres=office[:1], days=Decimal(1), user=None)
    open_evaluations(unit=tree.province, year=day.year, period=Period.YEAR, user=province_editor)
    course = Course.objects.create(
        kind=CourseKind.objects.get(code="llct-trung-cap"),
        organiser=tree.province,
        name="Lớp trung cấp lý luận chính trị",
        starts_on=datetime.date(day.year, 1, 2),
        ends_on=datetime.date(day.year, 12, 30),
        status=CourseStatus.RUNNING,
    )
    for cadre in office:
        Enrollment.objects.create(course=course, cadre=cadre, status=EnrollmentStatus.ATTENDING)
    return office


def expected_counts(user) -> dict[str, int]:
    """Each alert's figure, counted here from the rows themselves (not the app's SQL)."""
    day = today()
    active = list(Cadre.objects.visible_to(user).filter(status=CadreStatus.ACTIVE).select_related("unit"))

    def over(cadre, on) -> bool:
        return cadre.age_limit is not None and cadre.age_on(on) > cadre.age_limit

    from django.conf import settings

    later = add_months(day, settings.AGE_WARNING_MONTHS)
    plans = SuccessionPlan.objects.visible_to(user).filter(term__end_year__gt=day.year)
    keys = ["bi-thu", "pho-bi-thu", "uv-btv", "uv-bch", "chu-tich-hoi"]
    thin = sum(
        1
        for plan in plans
        for code in keys
        if Candidate.objects.filter(plan=plan, position__code=code, removed_year__isnull=True).count() < 2
    )
    overdue = [
        trip
        for trip in FieldTrip.objects.all()
        if trip.report_due_on < day and trip.status not in (TripStatus.REPORTED, TripStatus.CANCELLED)
    ]
    return {
        "/cadres/?warning=over_age": sum(over(c, day) for c in active),
        "/cadres/?warning=near_age": sum(
            not over(c, day) and c.age_limit is not None and add_years(c.birth_date, c.age_limit + 1) <= later
            for c in active
        ),
        "/cadres/?warning=below_standard": sum(c.below_standard for c in active),
        # The province office, 60 days a year, has made 1 day: all four behind from July.
        "/fieldwork/progress/?state=behind": sum(c.unit.level in ("province", "district") for c in active),
        "/fieldwork/progress/?state=overdue#overdue": len(overdue),
        "/planning/vacancies/?show=few_successors": thin,
        "/fieldwork/evaluations/": Evaluation.objects.filter(status=EvaluationStatus.SELF).count(),
        "/training/needs/?missing=title": 1,
    }


def landing_count(page, link: str) -> int:
    """What the list the alert opened counts."""
    if link.endswith("#overdue"):
        return int(page.locator("#overdue [data-count]").get_attribute("data-count"))
    if link.startswith("/fieldwork/evaluations/"):
        cells = page.locator("#unit-table tbody tr[data-unit] [data-waiting-self]")
        return sum(int(text) for text in cells.all_inner_texts())
    if link.startswith("/training/needs/"):
        # The group's pill (the page's badge is every need); its rows are the list's.
        count = int(
            page.locator('#need-groups [aria-current="page"] [data-count]').get_attribute("data-count")
        )
        assert page.locator("#needs-table tbody tr").count() == count
        return count
    return int(page.locator("[data-total]").first.get_attribute("data-total"))


def test_each_alert_opens_the_list_of_what_it_counts(browser_page, live_server, office, province_editor):
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    # The charts' request is held until the page has been seen without them.
    held = []
    page.route("**/reports/charts/", lambda route: held.append(route))
    log_in(page, live_server, "tinhdoan")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    loading = page.locator("#dashboard-charts [data-charts-loading]")
    expect(loading).to_be_visible()
    expect(loading).to_have_text("Đang tải biểu đồ…")
    expect(loading.locator(".spinner-border")).to_be_visible()
    party, age = page.locator("#dashboard-card-party-share"), page.locator("#dashboard-card-average-age")
    expect(party).to_contain_text("…")
    expect(age).to_contain_text("…")
    assert page.locator("canvas[data-chart]").count() == 0
    page.screenshot(path=SHOTS.format("dashboard-loading"), full_page=True)
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1 and held[0].request.headers.get("hx-request") == "true"
    held[0].continue_()
    page.unroute("**/reports/charts/")

    # The charts come and are drawn once each (Chart.js holds a chart for each canvas), under
    # the CSP; the cards kept for them are filled in.
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(5)
    wait_for_charts(page)
    assert page.evaluate("Object.keys(Chart.instances).length") == 5
    expect(loading).to_have_count(0)
    expect(party.locator(".display-6")).to_have_text(re.compile(r"^\d+(,\d)?%$"))
    expect(age.locator(".display-6")).to_have_text(re.compile(r"^\d+(,\d)?$"))
    assert page.evaluate("window.cspViolations") == []
    assert console_errors == []
    # The pyramid's table opens under it, with the figures of the chart.
    pyramid = page.locator("#chart-roster-age-pyramid")
    pyramid.get_by_text("Xem số liệu").click()
    expect(pyramid.locator("table")).to_be_visible()
    expect(pyramid.locator("thead")).to_contain_text("Nam")
    assert no_sideways_scrolling(page)
    page.screenshot(path=SHOTS.format("dashboard-1366"), full_page=True)

    expected = expected_counts(province_editor)
    if today() < datetime.date(today().year, 7, 1):  # before July nobody is flagged behind yet
        del expected["/fieldwork/progress/?state=behind"]
    alerts = page.locator("#dashboard-alerts a.alert-link")
    links = {alerts.nth(i).get_attribute("href"): alerts.nth(i).inner_text() for i in range(alerts.count())}
    vacancies = [link for link in links if link == "/planning/vacancies/"]
    assert vacancies, links  # the units without a Bí thư
    evaluations = [link for link in links if link.startswith("/fieldwork/evaluations/")]
    assert len(evaluations) == 1, links
    for link, count in expected.items():
        href = evaluations[0] if link == "/fieldwork/evaluations/" else link
        assert href in links, (link, links)
        message = links[href]
        shown = leading_number(message.split(": ", 1)[1] if href in evaluations else message)
        page.locator(f'#dashboard-alerts a.alert-link[href="{href}"]').click()
        page.wait_for_load_state()
        assert shown == landing_count(page, href) == count, (message, href)
        assert count > 0, href
        page.go_back()

    # The vacancies alert: the page lists what the alert counts.
    page.locator('#dashboard-alerts a.alert-link[href="/planning/vacancies/"]').click()
    assert leading_number(links["/planning/vacancies/"]) == landing_count(page, "/planning/vacancies/")
    assert_everything_came_from(page, live_server)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboard_and_the_hub_fit_the_screen(browser_page, live_server, office, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, live_server, "tinhdoan")
    wait_for_charts(page)
    for canvas in page.locator("canvas[data-chart]").all():
        box = canvas.bounding_box()
        assert 0 < box["width"] <= width and box["height"] > 100
    assert no_sideways_scrolling(page)
    page.screenshot(path=SHOTS.format(f"dashboard-{width}"), full_page=True)

    # The navigation's "Báo cáo" opens the hub (in the menu on a phone).
    if width < 992:
        page.get_by_role("button", name="Mở menu").click()
    page.locator("#main-nav").get_by_role("link", name="Báo cáo").click()
    expect(page).to_have_url(live_server.url + "/reports/")
    expect(page.get_by_role("heading", name="Báo cáo", exact=True)).to_be_visible()
    expect(page.locator("#report-links a")).to_have_count(3)
    assert no_sideways_scrolling(page)
    page.screenshot(path=SHOTS.format(f"hub-{width}"), full_page=True)

    page.goto(live_server.url + "/planning/vacancies/?show=few_successors")
    expect(page.locator("#successor-table tbody tr")).to_have_count(5)
    assert no_sideways_scrolling(page)
    page.screenshot(path=SHOTS.format(f"few-successors-{width}"), full_page=True)


def test_the_dashboard_shows_its_new_figures_once_the_worker_has_computed_them(
    browser_page, live_server, office, settings
):
    """With the task worker (a real ``db_worker``, run here between two looks), the first visit
    says the figures are being computed and the page reloads itself with them; after a change
    it shows the previous figures with their time, then reloads itself with the new ones."""
    from django_tasks_db.models import DBTaskResult

    from tests.cadres.test_tasks import run_db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    page = browser_page
    days_card = page.locator(".card", has_text=f"Ngày đi cơ sở năm {today().year}")
    status = page.locator("#dashboard-status")
    log_in(page, live_server, "tinhdoan")
    expect(status).to_contain_text("đang được tính lần đầu")
    expect(days_card).to_have_count(0)
    page.screenshot(path=SHOTS.format("dashboard-first-visit"), full_page=True)

    run_db_worker()
    expect(days_card).to_have_count(1, timeout=15_000)  # the page has reloaded itself
    expect(status).to_contain_text("Số liệu nghiệp vụ tổng hợp lúc")
    expect(status).not_to_contain_text("đang")
    before = leading_number(days_card.locator(".display-6").inner_text())

    cadre = Cadre.objects.filter(unit=office[0].unit, status=CadreStatus.ACTIVE).first()
    starts_on = max(datetime.date(today().year, 1, 2), today() - datetime.timedelta(days=3))
    ends_on = starts_on + datetime.timedelta(days=2)
    trip = FieldTrip(
        organiser=cadre.unit, host=cadre.unit, starts_on=starts_on, ends_on=ends_on, status=TripStatus.DONE
    )
    trip_save(trip=trip, cadres=[cadre], days=Decimal(3), user=None)
    page.reload()
    expect(status).to_contain_text("đang cập nhật theo dữ liệu mới")
    assert leading_number(days_card.locator(".display-6").inner_text()) == before
    page.screenshot(path=SHOTS.format("dashboard-stale"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # the status line on a phone
    expect(status).to_be_in_viewport()
    assert fits_once_laid_out_again(page)
    page.screenshot(path=SHOTS.format("dashboard-stale-390"))
    page.set_viewport_size({"width": 1366, "height": 768})
    # One refresh queued for each snapshot: the apps' figures (the page), the roster's charts.
    wait_for_charts(page)
    queued = DBTaskResult.objects.filter(status="READY").values_list("args_kwargs", flat=True)
    assert sorted(args["args"][0] for args in queued) == ["dashboard", "dashboard-roster-charts"]

    run_db_worker()
    expect(status).not_to_contain_text("đang", timeout=15_000)
    assert leading_number(days_card.locator(".display-6").inner_text()) == before + 3
