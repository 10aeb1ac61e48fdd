"""The quality statistics in a real Chromium, as a province office uses them: the province as of
today against the database, a commune picked in the searchable select and a past date typed as
dd/mm/yyyy, a drill-down, the Excel file downloaded through its button and read back, a date in
the future refused on the page; at desktop and phone widths without sideways scrolling.
Screenshots go to /tmp/h2_statistics-<width>.png."""

import datetime

import openpyxl
import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cadres.models import Cadre, CadreStatus
from cadres.services import appointment_add
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import log_in
from tests.browser.test_training import no_sideways_scrolling
from tests.factories import UserFactory, position

pytestmark = pytest.mark.browser


def type_date(page, typed: str, iso: str) -> None:
    """Type a dd/mm/yyyy date into the box flatpickr shows, as a person does, and click away
    (Enter would submit the form, racing the picker on a busy machine)."""
    box = page.locator("#id_date + input")
    box.fill(typed)
    page.locator("h1").click()
    expect(page.locator("#id_date")).to_have_value(iso)
    expect(page.locator(".flatpickr-calendar.open")).to_have_count(0)


def submit(page) -> None:
    """ "Xem" from the keyboard: on a busy machine the unit's list, just closed, can still lie
    over the button for a moment and take a click."""
    page.get_by_role("button", name="Xem").press("Enter")


@pytest.fixture
def office(tree, make_cadre):
    UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)
    for unit in (tree.province, tree.commune_a, tree.branch_a, tree.branch_a, tree.commune_b, tree.district):
        make_cadre(unit, started_on=datetime.date(2023, 1, 1))
    moved = make_cadre(tree.branch_a, started_on=datetime.date(2023, 1, 1))
    appointment_add(
        cadre=moved,
        unit=tree.commune_b,
        position=position("pho-bi-thu"),
        started_on=datetime.date(2026, 2, 1),
        close_current=True,
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_the_statistics_from_the_province_down_to_a_commune_and_its_excel_file(
    browser_page, live_server, tree, office, width, tmp_path
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "tinhdoan")

    page.goto(live_server.url + "/reports/statistics/")
    in_province = Cadre.objects.filter(status=CadreStatus.ACTIVE, unit_path__startswith=tree.province.path)
    expect(page.locator("#statistics-total td").first).to_have_text(str(in_province.count()))
    assert no_sideways_scrolling(page)

    # The commune as of the end of last year: the cadre who moved to commune B in February
    # was still in its branch.
    type_date(page, "31/12/2025", "2025-12-31")
    choose_unit(page, "An Bình", "Đoàn xã An Bình")
    submit(page)
    expect(page.locator("#statistics-heading")).to_contain_text("Tính đến ngày 31/12/2025")
    expect(page.locator("#statistics-total td").first).to_have_text("4")
    expect(page.locator("[data-direct] td").first).to_have_text("1")
    assert f"unit={tree.commune_a.pk}" in page.url and "date=2025-12-31" in page.url
    assert no_sideways_scrolling(page)
    page.screenshot(path=f"/tmp/h2_statistics-{width}.png", full_page=True)

    # The Excel file of what the page shows, through its button.
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    path = tmp_path / "thong-ke.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A7"].value == "Tính đến ngày 31/12/2025"
    total_row = next(row for row in range(11, 30) if sheet.cell(row, 2).value == "Tổng cộng")
    assert sheet.cell(total_row, 3).value == 4

    # Back up through the breadcrumb, then down into the province's communes by a click.
    page.locator(f'[data-crumb="{tree.province.pk}"]').click()
    expect(page.locator(f'tr[data-unit="{tree.commune_b.pk}"] td').first).to_have_text("1")
    page.locator(f'tr[data-unit="{tree.district.pk}"] a').click()
    expect(page.locator("#statistics-heading")).to_contain_text("Huyện đoàn Cũ")
    expect(page.locator("#statistics-heading")).to_contain_text("31/12/2025")

    # A date in the future: refused with a message, on the page.
    type_date(page, "01/01/2999", "2999-01-01")
    submit(page)
    expect(page.locator("#filter-errors")).to_contain_text("Không thống kê được cho ngày trong tương lai")
    assert no_sideways_scrolling(page)
    assert page.failed_responses == []
