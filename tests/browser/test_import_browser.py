"""The Excel import in a real Chromium: the template downloaded from the import page and uploaded
unchanged adds nobody and says why; a row whose unit name and code disagree is refused."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cadres.models import Cadre
from tests.browser.test_smoke import assert_everything_came_from, log_in
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.browser

IMPORT_URL = reverse("cadres:cadre-import")
TEMPLATE_SCREENSHOT = "/tmp/import-template.png"
CONFLICT_SCREENSHOT = "/tmp/import-conflict.png"


@pytest.fixture(autouse=True)
def _imports_in_a_temporary_folder(settings, tmp_path):
    settings.IMPORT_TEMP_DIR = tmp_path / "imports"


def upload(page, path) -> None:
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()


def test_it_adds_nobody_from_the_template_uploaded_unchanged(
    browser_page, live_server, tree, province_editor, tmp_path
):
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + IMPORT_URL)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    upload(page, template)

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng 2)")
    expect(alert).to_contain_text("không có gì được lưu")
    page.screenshot(path=TEMPLATE_SCREENSHOT)
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    assert not Cadre.objects.exists()
    assert_everything_came_from(page, live_server)


def test_it_shows_the_row_whose_unit_name_and_code_disagree(
    browser_page, live_server, tree, province_editor, tmp_path
):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Mã đơn vị"],
                ["Trần Văn Bình", "15/03/1995", "Nam", "001095000001", "Đoàn xã An Bình", "P-A"],
                ["Lê Thị Hạnh", "02/09/1997", "Nữ", "001095000002", "Đoàn phường Bắc Sơn", "P-A-1"],
            ]
        )
    )
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + IMPORT_URL)

    upload(page, path)

    expect(page.get_by_role("alert")).to_contain_text("Tệp có 1 lỗi; không có dữ liệu nào được lưu.")
    expect(page.locator(".import-problems li")).to_have_text(
        [
            "Dòng 3, cột Đơn vị: “Đoàn phường Bắc Sơn” nhưng cột Mã đơn vị ghi “P-A-1”, là mã của "
            "“Chi đoàn thôn 1 – Đoàn xã An Bình”; hai cột không khớp nhau, hãy sửa một trong hai cột."
        ]
    )
    page.screenshot(path=CONFLICT_SCREENSHOT)
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    assert not Cadre.objects.exists()
    assert_everything_came_from(page, live_server)
