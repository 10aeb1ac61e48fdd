"""The planning lists' filter forms in a real Chromium, filled and submitted as a person does
(Enter in the search box, the "Lọc" button), each total compared with a count from the
database; at 1,366 and 390 px without sideways scrolling."""

import pytest
from playwright.sync_api import expect

from planning.models import PlanStatus, SuccessionPlan, Term
from planning.vacancies import vacancies_in_scope
from tests.browser.test_smoke import log_in

pytestmark = pytest.mark.browser


def shown_total(page) -> int:
    return int(page.locator("[data-total]").first.get_attribute("data-total"))


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_plan_filter_form_counts_what_the_database_counts(
    browser_page, live_server, tree, province_editor, width
):
    current = Term.objects.get(start_year=2025, end_year=2030)
    later = Term.objects.get(start_year=2030, end_year=2035)
    SuccessionPlan.objects.create(unit=tree.province, term=current, status=PlanStatus.SUBMITTED)
    SuccessionPlan.objects.create(unit=tree.province, term=later)
    SuccessionPlan.objects.create(unit=tree.commune_a, term=current)
    SuccessionPlan.objects.create(unit=tree.commune_b, term=current)
    SuccessionPlan.objects.create(unit=tree.other_commune, term=current)  # another province's
    visible = SuccessionPlan.objects.visible_to(province_editor)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/planning/")
    assert shown_total(page) == visible.count() == 4
    assert no_sideways_scrolling(page)

    # A unit's name typed in part, then Enter.
    page.get_by_label("Tên đơn vị").fill("doan xa")
    page.get_by_label("Tên đơn vị").press("Enter")
    expect(page.locator("[data-total]")).to_have_attribute(
        "data-total", str(visible.filter(unit__name__startswith="Đoàn xã").count())
    )
    expect(page.locator("#plan-table tbody tr")).to_have_count(1)

    # A term and a status, then "Lọc".
    page.get_by_role("link", name="Xoá lọc").click()
    page.get_by_label("Nhiệm kỳ").select_option(label="Nhiệm kỳ 2025–2030")
    page.get_by_label("Trạng thái").select_option(label="Dự thảo")
    page.get_by_role("button", name="Lọc").click()
    expected = visible.filter(term=current, status=PlanStatus.DRAFT).count()
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(expected))
    expect(page.locator("#plan-table tbody tr")).to_have_count(expected)
    assert expected == 2
    assert no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_vacancy_filter_counts_what_the_database_counts(
    browser_page, live_server, tree, province_editor, width
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/planning/vacancies/")
    everything = vacancies_in_scope(province_editor)
    assert shown_total(page) == len(everything) > 0
    assert no_sideways_scrolling(page)

    page.get_by_label("Cấp").select_option(label="Cấp tỉnh")
    page.get_by_role("button", name="Lọc").click()
    province_level = [v for v in everything if v.unit.level == "province"]
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(len(province_level)))
    expect(page.locator("#vacancy-table tbody tr")).to_have_count(len(province_level))
    expect(page.locator("#vacancy-table tbody")).to_contain_text("Tỉnh đoàn Thử")
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/planning-vacancies-{width}.png", full_page=True)
