import datetime
import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.models import (
    AccessAction,
    AccessLog,
    Education,
    ExportJob,
    ExportStatus,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Religion,
)

URL = reverse("cadres:cadre-export")
START_URL = reverse("cadres:cadre-export-start")
LIST_URL = reverse("cadres:cadre-list")
HEADER_ROW = 3


@pytest.fixture(autouse=True)
def _tasks_within_the_request(settings, tmp_path):
    """Tasks run as they are enqueued (tests/cadres/test_tasks.py runs them through real workers);
    files are stored in a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def table(response) -> tuple[list[str], list[tuple]]:
    """Header and data rows of an exported roster."""
    sheet = workbook_of(response).active
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    return list(rows[0]), rows[1:]


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


@pytest.fixture
def roster(tree, make_cadre):
    return {
        "lan": make_cadre(
            tree.commune_a,
            full_name="Nguyễn Thị Lan",
            gender=Gender.FEMALE,
            code="bi-thu",
            ethnicity="Tày",
            religion=Religion.BUDDHISM,
            national_id="001095000123",
            phone="0905123456",
            email="lan@example.com",
            youth_union_joined_on=datetime.date(2010, 3, 26),
            party_joined_on=datetime.date(2018, 5, 19),
            education=Education.BACHELOR,
            major="Luật",
            political_theory=PoliticalTheory.INTERMEDIATE,
            foreign_language="Tiếng Anh",
            foreign_language_level=LanguageLevel.B1,
            it_level=ItLevel.BASIC,
        ),
        "mai": make_cadre(tree.branch_a, full_name="Võ Thị Mai", gender=Gender.FEMALE),
        "duc": make_cadre(tree.commune_a, full_name="Đặng Văn Đức"),
        "hoa": make_cadre(tree.commune_b, full_name="Trần Thị Hoa", gender=Gender.FEMALE),
        "outside": make_cadre(tree.other_commune, full_name="Phạm Thị Ngoài", gender=Gender.FEMALE),
    }


def expected_row(cadre) -> list:
    level = {0: "", 3: " B1"}[cadre.foreign_language_level]
    return [
        cadre.full_name,
        cadre.birth_date,
        cadre.get_gender_display(),
        cadre.ethnicity,
        cadre.get_religion_display(),
        cadre.national_id,
        cadre.phone or None,
        cadre.email or None,
        cadre.unit.name,
        cadre.unit.code,
        cadre.position.name,
        cadre.youth_union_joined_on,
        cadre.party_joined_on,
        cadre.get_education_display(),
        cadre.major or None,
        cadre.get_political_theory_display(),
        (cadre.foreign_language + level) or None,
        cadre.get_it_level_display() if cadre.it_level else None,
        cadre.get_employment_display(),
        cadre.get_status_display(),
    ]


def test_it_exports_the_filtered_list_cell_by_cell(client, province_editor, roster, tree):
    client.force_login(province_editor)
    filters = {"unit": tree.commune_a.pk, "gender": Gender.FEMALE}
    listed = list(client.get(LIST_URL, filters).context["page"].object_list)
    assert {cadre.full_name for cadre in listed} == {"Nguyễn Thị Lan", "Võ Thị Mai"}

    header, rows = table(client.get(URL, filters))

    assert header[:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert len(rows) == len(listed)
    for number, (row, cadre) in enumerate(zip(rows, listed, strict=True), start=1):
        assert row[0] == number
        assert [as_date(value) for value in row[1:]] == expected_row(cadre)


def test_it_writes_real_dates_text_ids_frozen_header_and_autofilter(client, province_editor, roster):
    client.force_login(province_editor)
    sheet = workbook_of(client.get(URL, {"q": "Nguyễn Thị Lan"})).active
    header = [cell.value for cell in sheet[HEADER_ROW]]
    row = dict(zip(header, sheet[HEADER_ROW + 1], strict=True))

    assert row["Ngày sinh"].is_date and row["Ngày sinh"].number_format == "DD/MM/YYYY"
    assert row["Số CCCD"].value == "001095000123" and row["Số CCCD"].data_type == "s"
    assert row["Điện thoại"].value == "0905123456" and row["Điện thoại"].data_type == "s"
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:U{HEADER_ROW + 1}"
    assert sheet.column_dimensions["B"].width > 20
    assert "Tìm kiếm: Nguyễn Thị Lan" in sheet["A2"].value


def download_names(response) -> tuple[str, str]:
    """The ASCII file name and the UTF-8 one of an attachment."""
    match = re.fullmatch(
        r"attachment; filename=\"([^\"]+)\"; filename\*=UTF-8''(\S+)", response["Content-Disposition"]
    )
    assert match, response["Content-Disposition"]
    return match.group(1), unquote(match.group(2))


@pytest.fixture
def vietnam_new_year(monkeypatch):
    """Half past midnight on 1 January 2026 in Hà Nội, still 31 December in UTC."""
    moment = datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_it_names_the_file_after_the_filtered_unit_and_the_day_in_vietnam(
    client, province_editor, roster, tree, vietnam_new_year
):
    client.force_login(province_editor)
    response = client.get(URL, {"unit": tree.commune_b.pk, "download_token": "abc123xyz"})

    assert download_names(response) == (
        "can-bo_doan-phuong-bac-son_2026-01-01.xlsx",
        "Cán bộ_Đoàn phường Bắc Sơn_2026-01-01.xlsx",
    )
    assert response.cookies["download_token"].value == "abc123xyz"
    _, rows = table(response)
    assert [row[1] for row in rows] == ["Trần Thị Hoa"]


def test_it_names_the_file_after_the_users_unit_without_a_unit_filter(
    client, province_editor, system_admin, roster, vietnam_new_year
):
    client.force_login(province_editor)
    assert download_names(client.get(URL, {"gender": Gender.FEMALE})) == (
        "can-bo_tinh-doan-thu_2026-01-01.xlsx",
        "Cán bộ_Tỉnh đoàn Thử_2026-01-01.xlsx",
    )
    client.force_login(system_admin)
    assert download_names(client.get(URL)) == (
        "can-bo_toan-he-thong_2026-01-01.xlsx",
        "Cán bộ_Toàn hệ thống_2026-01-01.xlsx",
    )


def test_it_logs_exports_of_sensitive_data(client, province_editor, viewer, roster):
    client.force_login(province_editor)
    client.get(URL, {"gender": Gender.FEMALE})
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows) == (province_editor, AccessAction.EXPORT, 3)
    assert log.detail == "gender=female"

    client.force_login(viewer)  # a viewer's export holds no sensitive data
    client.get(URL)
    assert AccessLog.objects.count() == 1


def test_it_writes_formula_looking_text_as_text(client, province_editor, tree, make_cadre):
    make_cadre(tree.commune_a, full_name='=HYPERLINK("http://x.example","bấm")', major="+1+2", email="@x")
    client.force_login(province_editor)
    response = client.get(URL)
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[HEADER_ROW]]
    row = dict(zip(header, sheet[HEADER_ROW + 1], strict=True))

    for name, text in [
        ("Họ và tên", '=HYPERLINK("http://x.example","bấm")'),
        ("Chuyên ngành", "+1+2"),
        ("Email", "@x"),
    ]:
        assert row[name].value == text
        assert row[name].data_type == "s"
        assert row[name].quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_it_exports_only_the_commune_editors_subtree(client, commune_editor, roster):
    client.force_login(commune_editor)
    _, rows = table(client.get(URL))
    assert {row[1] for row in rows} == {"Nguyễn Thị Lan", "Võ Thị Mai", "Đặng Văn Đức"}


def test_it_answers_404_for_a_unit_outside_the_scope(client, commune_editor, roster, tree):
    client.force_login(commune_editor)
    response = client.get(URL, {"unit": tree.commune_b.pk})
    assert response.status_code == 404
    assert "Trần Thị Hoa" not in response.content.decode()
    assert not response.get("Content-Disposition")


def test_it_refuses_an_invalid_filter_with_a_message(client, commune_editor, roster):
    client.force_login(commune_editor)
    response = client.get(URL, {"age_min": "abc"})
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()
    assert not response.get("Content-Disposition")


def test_it_leaves_sensitive_columns_out_for_viewers(client, viewer, roster):
    client.force_login(viewer)
    header, rows = table(client.get(URL))
    assert not {"Dân tộc", "Tôn giáo", "Ngày vào Đảng"} & set(header)
    cells = {value for row in rows for value in row}
    assert "Tày" not in cells
    assert "Phật giáo" not in cells
    assert datetime.datetime(2018, 5, 19) not in cells
    assert "Nguyễn Thị Lan" in cells


def test_it_runs_a_constant_number_of_queries(client, province_editor, tree, make_cadre):
    client.force_login(province_editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    make_cadre(tree.commune_a)
    few = queries()
    for _ in range(12):
        make_cadre(tree.branch_b, code="bi-thu")
    assert queries() == few


def test_it_asks_anonymous_users_to_log_in(client, roster):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_echoes_the_download_token_for_the_progress_indicator(client, province_editor, roster):
    client.force_login(province_editor)
    response = client.get(URL, {"download_token": "abc123xyz"})
    assert response.cookies["download_token"].value == "abc123xyz"
    assert "download_token" not in client.get(URL, {"download_token": "<script>"}).cookies


# --- Large lists: a task writes the file, the user downloads it when ready --------------------


@pytest.fixture
def large(settings):
    settings.EXPORT_BACKGROUND_MIN_ROWS = 2


def test_it_offers_a_task_for_a_large_list_instead_of_writing_it_in_the_request(
    client, province_editor, roster, large
):
    client.force_login(province_editor)
    response = client.get(URL, {"gender": Gender.FEMALE, "download_token": "abc123xyz"})

    assert response.status_code == 200 and not response.get("Content-Disposition")
    content = response.content.decode()
    assert "Danh sách có <strong>3 cán bộ</strong> (Giới tính: Nữ;" in content
    assert f'action="{START_URL}?gender=female&amp;status=active"' not in content
    assert f'action="{START_URL}?gender=female"' in content  # the filters, not the download token
    assert not AccessLog.objects.exists() and not ExportJob.objects.exists()


def test_it_exports_a_large_filtered_list_through_a_task_cell_by_cell(
    client, province_editor, roster, tree, large
):
    client.force_login(province_editor)
    filters = {"unit": tree.commune_a.pk, "gender": Gender.FEMALE}
    listed = list(client.get(LIST_URL, filters).context["page"].object_list)

    response = client.post(f"{START_URL}?unit={tree.commune_a.pk}&gender=female&download_token=abc123xyz")

    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.user, job.status, job.rows) == (province_editor, ExportStatus.DONE, 2)
    assert job.query == f"unit={tree.commune_a.pk}&gender=female"
    assert job.file.name.startswith("exports/")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tệp đã sẵn sàng: 2 cán bộ." in page and job.get_download_url() in page
    download = client.get(job.get_download_url())
    assert download_names(download)[1].startswith("Cán bộ_Đoàn xã An Bình_")
    header, rows = table(download)
    assert header[:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    for number, (row, cadre) in enumerate(zip(rows, listed, strict=True), start=1):
        assert row[0] == number
        assert [as_date(value) for value in row[1:]] == expected_row(cadre)
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows, log.detail) == (
        province_editor,
        AccessAction.EXPORT,
        2,
        job.query,
    )


def test_it_leaves_sensitive_columns_out_of_a_viewers_large_export(client, viewer, roster, large):
    client.force_login(viewer)
    client.post(START_URL)
    header, rows = table(client.get(ExportJob.objects.get().get_download_url()))
    assert not {"Dân tộc", "Tôn giáo", "Ngày vào Đảng"} & set(header)
    assert len(rows) == 4  # the province, not the other province's cadre


def test_it_refuses_a_bad_export_request(client, commune_editor, roster, tree, large):
    client.force_login(commune_editor)
    assert client.get(START_URL).status_code == 405  # starting an export is a change: POST only
    assert client.post(f"{START_URL}?unit={tree.commune_b.pk}").status_code == 404
    response = client.post(f"{START_URL}?age_min=abc")
    assert response.status_code == 400 and "Bộ lọc không hợp lệ" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_it_keeps_a_users_export_from_other_users(client, province_editor, commune_editor, roster, large):
    client.force_login(province_editor)
    client.post(START_URL)
    job = ExportJob.objects.get()
    client.force_login(commune_editor)
    for url in (job.get_absolute_url(), job.get_status_url(), job.get_download_url()):
        assert client.get(url).status_code == 404


def test_it_removes_an_export_file_after_a_day(client, province_editor, roster, large):
    client.force_login(province_editor)
    client.post(START_URL)
    old = ExportJob.objects.get()
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))

    client.post(START_URL)

    old.refresh_from_db()
    assert not old.file
    assert client.get(old.get_download_url()).status_code == 404
    assert "Tệp đã được xoá khỏi máy chủ sau một ngày." in client.get(old.get_absolute_url()).content.decode()
