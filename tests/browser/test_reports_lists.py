"""The filter forms of the reports' two list pages, filled and submitted as a person does, against
an independent count of the database (the demo data of ``seed_demo``):

- the targets of a unit's year (``reports:targets``): the year typed in its number box, the unit
  picked in the searchable select ("Tất cả" is the user's own unit);
- the yearly cadre-work plans (``reports:plans``): a year and a unit (with the units below).

Each page is also looked at on a phone (390 px): no sideways scrolling of the page. Screenshots
go to /tmp/h7_*.png.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from common.dates import today
from reports.models import AnnualPlan, Target
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import assert_everything_came_from, log_in
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE
from units.models import Unit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def shoot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/h7_{name}.png", full_page=True)


def submitted(page, **query) -> None:
    """Wait for the page the form's submission loaded: its URL carries ``query``."""
    for name, value in query.items():
        expect(page).to_have_url(re.compile(rf"[?&]{name}={re.escape(str(value))}(&|$)"))
    page.wait_for_load_state()


# --- The targets --------------------------------------------------------------------------------


def shown_targets(page) -> int:
    return page.locator("#target-table tbody tr[data-target]").count()


def counted_targets(unit: Unit, year: int) -> int:
    return Target.objects.filter(unit=unit, year=year).count()


def test_the_target_filter_form_counts_what_the_database_counts(browser_page, live_server, demo):
    page = browser_page
    year = today().year
    user = User.objects.get(username="tinhdoan")
    province = Unit.objects.get(code=PROVINCE_CODE)
    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    assert user.unit_id == province.pk
    log_in(page, live_server, "tinhdoan")

    # 1. As loaded: this year's targets of the user's own unit, "Tất cả" in the unit select.
    page.goto(live_server.url + "/reports/targets/")
    expect(page.locator("#id_year")).to_have_value(str(year))
    expect(page.locator("#id_unit")).to_have_value("")
    expect(page.locator("#targets-heading")).to_have_text(f"{province.name} · năm {year}")
    expected = counted_targets(province, year)
    assert expected > 0
    assert shown_targets(page) == expected
    expect(page.locator("#targets-summary")).to_contain_text(f"/{expected} chỉ tiêu")

    # The untouched form, submitted with "Xem", lists the same.
    page.get_by_role("button", name="Xem").click()
    submitted(page, year=year, unit="")
    expect(page.locator("#filter-errors")).to_have_count(0)
    assert shown_targets(page) == expected

    # 2. Last year, typed in the year box, then Enter.
    year_box = page.locator("#id_year")
    year_box.fill(str(year - 1))
    year_box.press("Enter")
    submitted(page, year=year - 1)
    expect(page.locator("#targets-heading")).to_have_text(f"{province.name} · năm {year - 1}")
    expected = counted_targets(province, year - 1)
    assert expected > 0
    assert shown_targets(page) == expected
    expect(page.locator("#targets-summary")).to_contain_text("đến hết ngày 31/12")

    # 3. Back to this year, and the demo commune picked in the searchable select, then "Xem".
    page.locator("#id_year").fill(str(year))
    choose_unit(page, "quy nhon", f"{commune.name} – {province.name}")
    expect(page.locator("#id_unit")).to_have_value(str(commune.pk))
    page.get_by_role("button", name="Xem").click()
    submitted(page, year=year, unit=commune.pk)
    expect(page.locator("#targets-heading")).to_have_text(f"{commune.name} · năm {year}")
    expected = counted_targets(commune, year)
    assert expected > 0
    assert shown_targets(page) == expected
    # Each of them is the commune's own: the rows name its targets.
    shown_ids = {
        int(pk)
        for pk in page.locator("#target-table tbody tr").evaluate_all(
            "rows => rows.map(row => row.dataset.target)"
        )
    }
    assert shown_ids == set(Target.objects.filter(unit=commune, year=year).values_list("pk", flat=True))
    assert_everything_came_from(page, live_server)

    # On a phone, the page does not scroll sideways.
    page.set_viewport_size(PHONE)
    page.reload()
    shoot(page, "targets-390")
    assert no_sideways_scrolling(page)
    page.goto(live_server.url + "/reports/targets/")
    shoot(page, "targets-own-390")
    assert no_sideways_scrolling(page)


# --- The plans --------------------------------------------------------------------------------------


def shown_plans(page) -> int:
    total = page.locator("[data-total]")
    if total.count() == 0:
        expect(page.locator("#no-plans")).to_be_visible()
        return 0
    count = int(total.first.get_attribute("data-total"))
    # Fewer than a page of them: the table lists them all.
    assert page.locator("#plan-table tbody tr[data-plan]").count() == count
    return count


def test_the_plan_filter_form_counts_what_the_database_counts(browser_page, live_server, demo):
    page = browser_page
    year = today().year
    user = User.objects.get(username="tinhdoan")
    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
    province = Unit.objects.get(code=PROVINCE_CODE)
    visible = AnnualPlan.objects.visible_to(user)
    log_in(page, live_server, "tinhdoan")

    # 1. As loaded: every plan in the user's scope, "Tất cả" in both selects.
    page.goto(live_server.url + "/reports/plans/")
    expect(page.locator("#id_year")).to_have_value("")
    expect(page.locator("#id_unit")).to_have_value("")
    expected = visible.count()
    assert expected > 2
    assert shown_plans(page) == expected

    # The untouched form, submitted with "Xem", lists the same.
    page.get_by_role("button", name="Xem").click()
    submitted(page, year="", unit="")
    expect(page.locator("#filter-errors")).to_have_count(0)
    assert shown_plans(page) == expected

    # 2. This year, chosen in the year select, then "Xem".
    page.locator("#id_year").select_option(label=str(year))
    page.get_by_role("button", name="Xem").click()
    submitted(page, year=year)
    expected = visible.filter(year=year).count()
    assert 0 < expected < visible.count()
    assert shown_plans(page) == expected
    assert set(page.locator("#plan-table td[data-label='Năm']").all_inner_texts()) == {str(year)}

    # 3. And the demo commune (with the units below it) picked in the searchable select.
    choose_unit(page, "quy nhon", f"{commune.name} – {province.name}")
    expect(page.locator("#id_unit")).to_have_value(str(commune.pk))
    page.get_by_role("button", name="Xem").click()
    submitted(page, year=year, unit=commune.pk)
    expected = visible.filter(year=year, unit__path__startswith=commune.path).count()
    assert expected > 0
    assert shown_plans(page) == expected
    shown_ids = {
        int(pk)
        for pk in page.locator("#plan-table tbody tr[data-plan]").evaluate_all(
            "rows => rows.map(row => row.dataset.plan)"
        )
    }
    assert shown_ids == set(
        visible.filter(year=year, unit__path__startswith=commune.path).values_list("pk", flat=True)
    )

    # 4. Last year, with the commune still picked: the commune had no plan then.
    page.locator("#id_year").select_option(label=str(year - 1))
    page.get_by_role("button", name="Xem").click()
    submitted(page, year=year - 1, unit=commune.pk)
    expected = visible.filter(year=year - 1, unit__path__startswith=commune.path).count()
    assert shown_plans(page) == expected
    if expected == 0:
        expect(page.locator("#no-plans")).to_contain_text("Không có kế hoạch nào khớp bộ lọc.")
    assert_everything_came_from(page, live_server)

    # On a phone, the page does not scroll sideways.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/reports/plans/")
    shoot(page, "plans-390")
    assert no_sideways_scrolling(page)
    page.goto(live_server.url + f"/reports/plans/?year={year}&unit={commune.pk}")
    shoot(page, "plans-commune-390")
    assert no_sideways_scrolling(page)
