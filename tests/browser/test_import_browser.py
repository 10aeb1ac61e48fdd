"""The Excel import in a real Chromium: the template downloaded from the import page and uploaded
unchanged adds nobody and says why; a row whose unit name and code disagree is refused; a large
file and a large export go through the task worker while the page shows their progress."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from cadres.models import Cadre
from tests.browser.test_smoke import assert_everything_came_from, log_in
from tests.cadres.test_tasks import ROWS, roster_file, run_db_worker
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.browser

IMPORT_URL = reverse("cadres:cadre-import")
TEMPLATE_SCREENSHOT = "/tmp/import-template.png"
CONFLICT_SCREENSHOT = "/tmp/import-conflict.png"


@pytest.fixture(autouse=True)
def _tasks_in_the_database(settings, tmp_path):
    """The default set-up: tasks queued in the database for ``db_worker``, which each test runs
    when it wants the work done; files stored in a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def large(settings):
    """Files and lists this large are tasks."""
    settings.IMPORT_BACKGROUND_MIN_ROWS = 50
    settings.EXPORT_BACKGROUND_MIN_ROWS = 3


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


def test_it_shows_the_progress_of_a_large_import_until_the_worker_has_done_it(
    browser_page, live_server, tree, province_editor, tmp_path, large
):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(roster_file())
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + IMPORT_URL)

    upload(page, path)

    expect(page.locator("#job-progress")).to_contain_text("Đang chờ đến lượt xử lý")
    run_db_worker()  # the page polls, and reloads once the check is over
    expect(page.get_by_role("status")).to_contain_text(f"Tệp hợp lệ: {ROWS} dòng.")
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("#job-progress")).to_contain_text("Đang lưu dữ liệu…")
    assert not Cadre.objects.exists()
    run_db_worker()
    expect(page.get_by_role("status")).to_contain_text(f"Đã nhập xong: thêm mới {ROWS}, cập nhật 0 cán bộ.")
    assert Cadre.objects.count() == ROWS
    assert_everything_came_from(page, live_server)


def test_it_exports_a_large_list_as_a_file_to_download_when_ready(
    browser_page, live_server, tree, province_editor, make_cadre, large
):
    for n in range(4):
        make_cadre(tree.commune_a, full_name=f"Cán Bộ Số {n}")
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + reverse("cadres:cadre-list"))

    page.get_by_role("link", name="Xuất Excel").click()
    expect(page.get_by_text("Danh sách có 4 cán bộ")).to_be_visible()
    page.get_by_role("button", name="Tạo tệp Excel").click()
    expect(page.locator("#job-progress")).to_contain_text("Đang chờ đến lượt xử lý")
    run_db_worker()
    expect(page.get_by_role("status")).to_contain_text("Tệp đã sẵn sàng: 4 cán bộ.")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp").click()

    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=4, values_only=True)) == [
        f"Cán Bộ Số {n}" for n in range(4)
    ]
    assert_everything_came_from(page, live_server)
