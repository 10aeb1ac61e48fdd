"""The roster in a real Chromium: search without accents, open a profile, edit it, and see the
change in its history."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_smoke import assert_everything_came_from, log_in

pytestmark = pytest.mark.browser


def test_it_finds_edits_and_shows_the_change_in_history(
    browser_page, live_server, tree, province_editor, make_cadre, tmp_path
):
    make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan", code="bi-thu", national_id="052196001111")
    make_cadre(tree.commune_b, full_name="Trần Văn Hùng", national_id="052196002222")
    page = browser_page
    log_in(page, live_server, "tinhdoan")

    page.locator('#main-nav a[href="/cadres/"]').click()
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").fill("nguyen thi lan")
    page.get_by_label("Tìm theo tên, số CCCD, điện thoại").press("Enter")
    expect(page.get_by_role("link", name="Trần Văn Hùng")).to_have_count(0)
    page.get_by_role("link", name="Nguyễn Thị Lan").click()

    expect(page.get_by_role("heading", name="Nguyễn Thị Lan")).to_be_visible()
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.get_by_label("Chuyên ngành").fill("Công tác thanh niên")
    # The date picker shows and takes dd/mm/yyyy whatever the browser's language.
    youth_date = page.locator("#id_youth_union_joined_on + input")
    youth_date.fill("26/03/2010")
    youth_date.press("Enter")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("status").or_(page.locator(".alert-success"))).to_contain_text("Đã lưu hồ sơ")
    history = page.locator("#h-history").locator("xpath=..")
    expect(history).to_contain_text("Chuyên ngành")
    expect(history).to_contain_text("Công tác thanh niên")
    expect(history).to_contain_text("26/03/2010")
    expect(history).to_contain_text(province_editor.get_full_name())
    assert_everything_came_from(page, live_server)


def test_it_downloads_the_filtered_list_and_ends_the_progress_indicator(
    browser_page, live_server, tree, province_editor, make_cadre, tmp_path
):
    import openpyxl

    make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")
    make_cadre(tree.commune_b, full_name="Trần Văn Hùng")
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/cadres/?q=lan")

    button = page.get_by_role("link", name="Xuất Excel")
    with page.expect_download() as download_info:
        button.click()
    path = tmp_path / "export.xlsx"
    download_info.value.save_as(path)
    expect(button).not_to_have_class("disabled")
    expect(button).to_have_text("Xuất Excel")
    names = [row[1] for row in openpyxl.load_workbook(path).active.iter_rows(min_row=4, values_only=True)]
    assert names == ["Nguyễn Thị Lan"]


def test_the_date_picker_shows_the_year_and_takes_it_typed(browser_page, live_server, tree, province_editor):
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/cadres/new/")

    page.locator("#id_birth_date + input").click()
    calendar = page.locator(".flatpickr-calendar.open")
    year = calendar.locator("input.cur-year")
    expect(year).to_be_visible()
    # Nothing covers the year box: the month's name once did, so a birth date 30 years back
    # took 360 clicks on the arrows.
    box = year.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).className", [box["x"] + box["width"] / 2, box["y"] + 5]
    )
    assert "cur-year" in on_top
    assert box["width"] >= 40

    year.fill("1996")
    year.press("Enter")
    calendar.locator("select.flatpickr-monthDropdown-months").select_option(label="Tháng 3")
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="15").first.click()

    expect(page.locator("#id_birth_date")).to_have_value("1996-03-15")
    expect(page.locator("#id_birth_date + input")).to_have_value("15/03/1996")
