"""Bounded imports: files that unpack to too much are refused while streaming, before they
are read; an import runs within its time budget; its user can cancel it; a job whose worker
died ends. The hostile files are written straight into a zip (openpyxl would take minutes to
write a million rows); they are small when deflated, as the real ones were."""

import importlib
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cadres.imports import jobs, read_sheet, service
from cadres.imports.jobs import import_job_cancel
from cadres.models import Cadre, ImportJob, ImportStatus
from tests.cadres.test_tasks import BACKENDS, roster_file, run_db_worker
from tests.factories import xlsx_bytes

IMPORT_URL = reverse("cadres:cadre-import")
ROWS = 60  # as tests/cadres/test_tasks.py: above IMPORT_BACKGROUND_MIN_ROWS as set below

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"]
HEADER_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for column, text in zip("ABCDE", HEADER, strict=True)
    )
    + "</row>"
)


def workbook_zip(
    path: Path, rows, *, dimension: str = "", strings: int = 0, compression=zipfile.ZIP_DEFLATED
) -> Path:
    """An .xlsx file whose sheet has the roster's header row, then the XML of ``rows``; its
    table of shared strings holds ``strings`` strings, used by no cell."""
    with zipfile.ZipFile(path, "w", compression, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "".join(f"<si><t>{n}</t></si>" for n in range(strings))
            + "</sst>",
        )
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/workbook.xml", WORKBOOK)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>" + HEADER_ROW.encode())
            for chunk in rows:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def million_rows(path: Path) -> Path:
    """A million rows with a value each and no dimension record: ~200 KB, 28 MB unpacked."""

    def chunks():
        for start in range(2, 1_000_002, 1000):
            yield "".join(f"<row><c><v>{n % 997}</v></c></row>" for n in range(start, start + 1000))

    return workbook_zip(path, chunks())


def padded_rows(path: Path, *, rows: int = 20, cells: int = 16_000, compression=zipfile.ZIP_DEFLATED) -> Path:
    """Rows of one value followed by thousands of empty cells."""
    row = '<row spans="1:16384"><c><v>1</v></c>' + "<c/>" * cells + "</row>"
    return workbook_zip(path, (row for _ in range(rows)), compression=compression)


def lying_dimension(path: Path, *, rows: int) -> Path:
    """Rows of one value, each ending in an empty cell in the last column (XFD), under a
    dimension record that says every row is 16,384 cells wide."""

    def chunks():
        for n in range(2, rows + 2):
            yield f'<row r="{n}" spans="1:16384"><c r="A{n}"><v>{n}</v></c><c r="XFD{n}" s="0"/></row>'

    return workbook_zip(path, chunks(), dimension=f"A1:XFD{rows + 1}")


def upload(client, path_or_content, name: str = "danh-sach.xlsx"):
    content = path_or_content.read_bytes() if isinstance(path_or_content, Path) else path_or_content
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return SimpleNamespace(
        million_rows=million_rows(folder / "million.xlsx"),
        padded_rows=padded_rows(folder / "padded.xlsx"),
        padded_rows_stored=padded_rows(folder / "padded-stored.xlsx", compression=zipfile.ZIP_STORED),
    )


@pytest.fixture
def editor(client, province_editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(province_editor)
    return province_editor


def assert_refused(response, message: str) -> None:
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and not Cadre.objects.exists()


# --- Limits, checked while streaming --------------------------------------------------------------


def test_it_refuses_a_million_rows(client, editor, bombs):
    assert bombs.million_rows.stat().st_size < 300 * 1024

    response = upload(client, bombs.million_rows)

    assert_refused(response, "Tệp có quá nhiều dòng (tối đa 20.000).")


def test_it_refuses_rows_padded_with_empty_cells(client, editor, bombs):
    response = upload(client, bombs.padded_rows_stored)  # packed as is: only the count refuses it

    assert_refused(response, "Tệp có quá nhiều cột (tối đa 60; dòng 2 vượt quá).")


def test_it_refuses_a_member_that_unpacks_far_larger_than_it_is_packed(client, editor, bombs):
    response = upload(client, bombs.padded_rows)

    assert_refused(response, "Tệp có nội dung nén bất thường")


def test_it_refuses_a_file_that_unpacks_too_large(client, editor, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 20_000

    response = upload(client, roster_file(200))

    assert_refused(response, "Nội dung tệp khi giải nén quá lớn")


def test_it_refuses_too_many_cells(client, editor, settings):
    settings.IMPORT_MAX_CELLS = 100

    response = upload(client, roster_file(20))  # 21 rows of 6 cells

    assert_refused(response, "Tệp có quá nhiều ô (tối đa 100)")


def test_it_refuses_more_shared_strings_than_cells(client, editor, settings, tmp_path):
    settings.IMPORT_MAX_CELLS = 100
    few_cells = workbook_zip(tmp_path / "few.xlsx", ["<row><c><v>1</v></c></row>"], strings=100)
    many_strings = workbook_zip(tmp_path / "many.xlsx", ["<row><c><v>1</v></c></row>"], strings=101)

    assert_refused(upload(client, many_strings), "Tệp có quá nhiều ô (tối đa 100)")
    assert upload(client, few_cells).status_code == 302  # taken, to be checked row by row


def test_it_takes_as_many_rows_as_the_limit_and_no_more(client, editor, settings, tree):
    settings.IMPORT_MAX_ROWS = 12

    assert_refused(upload(client, roster_file(13)), "Tệp có quá nhiều dòng (tối đa 12).")

    response = upload(client, roster_file(12))
    assert response.status_code == 302
    assert ImportJob.objects.get().result["counts"]["create"] == 12


def test_it_refuses_a_value_beyond_the_last_column(client, editor):
    values = ["Trần Văn Bình", "15/03/1995", "Nam", "001095000701", "Đoàn xã An Bình"]

    response = upload(client, xlsx_bytes([HEADER, values + [None] * 55 + ["ghi chú"]]))

    assert_refused(response, "Tệp có quá nhiều cột (tối đa 60; dòng 2 vượt quá).")


def test_it_reads_no_further_than_the_values_when_the_dimension_lies(tmp_path):
    path = lying_dimension(tmp_path / "lying.xlsx", rows=2000)

    sheet = read_sheet(path)

    assert len(sheet.rows) == 2000
    assert {len(values) for _, values in sheet.rows} == {5}  # not 16,384
    assert sheet.rows[-1] == (2001, (2001, None, None, None, None))


# --- Time budget, cancel, interrupted jobs ---------------------------------------------------------


@pytest.fixture(params=["immediate", "db"])
def backend(request, settings, transactional_db, tmp_path):
    """As in tests/cadres/test_tasks.py, on the backends that need no Redis."""
    settings.TASKS = {"default": {"BACKEND": BACKENDS[request.param], "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_MIN_ROWS = 50
    importlib.import_module("cadres.migrations.0003_seed_positions_and_standards").seed(apps, None)
    work = {"immediate": lambda: None, "db": run_db_worker}[request.param]
    return SimpleNamespace(name=request.param, work=work, queued=request.param != "immediate")


def checked(client, backend) -> ImportJob:
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("danh-sach.xlsx", roster_file(ROWS))})
    backend.work()
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    return job


def committing_with(monkeypatch, at_row: int, action) -> None:
    """Run ``action`` while the batch holding the ``at_row``-th new cadre is being saved, inside
    the commit's transaction (new cadres are written ten at a time here)."""
    real_create_rows, written = service._create_rows, []

    def create_rows(rows, **kwargs):
        if len(written) < at_row <= len(written) + len(rows):
            action()
        real_create_rows(rows, **kwargs)
        written.extend(rows)

    monkeypatch.setattr(service, "CREATE_BATCH", 10)
    monkeypatch.setattr(service, "_create_rows", create_rows)


def test_it_cancels_a_save_midway_and_saves_nothing(client, backend, province_editor, tree, monkeypatch):
    monkeypatch.setattr(jobs, "CANCEL_CHECK_EVERY", 0)
    client.force_login(province_editor)
    job = checked(client, backend)
    committing_with(monkeypatch, 30, lambda: import_job_cancel(ImportJob.objects.get()))

    client.post(job.get_absolute_url())
    backend.work()

    job.refresh_from_db()
    assert not Cadre.objects.exists()
    assert job.status == ImportStatus.FAILED and job.result == {"cancelled": True}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Đã huỷ:" in page and "Bạn đã huỷ lượt nhập này; không có dữ liệu nào được lưu." in page
    assert "Không nhập được" not in page
    assert not job.file


def test_it_cancels_a_check_midway(client, backend, province_editor, tree, monkeypatch):
    monkeypatch.setattr(jobs, "CANCEL_CHECK_EVERY", 0)
    client.force_login(province_editor)
    real_check, rows = service._RowChecker.check, []

    def check(self, number, values):
        rows.append(number)
        if len(rows) == 10:
            import_job_cancel(ImportJob.objects.get())
        return real_check(self, number, values)

    monkeypatch.setattr(service._RowChecker, "check", check)

    client.post(IMPORT_URL, {"file": SimpleUploadedFile("danh-sach.xlsx", roster_file(250))})
    backend.work()

    job = ImportJob.objects.get()
    assert len(rows) < 250  # it stopped at the next look, well before the last row
    assert job.status == ImportStatus.FAILED and job.result == {"cancelled": True}
    assert "Đã huỷ:" in client.get(job.get_absolute_url()).content.decode()
    assert not job.file


def test_a_job_cancelled_while_queued_never_runs(
    client, settings, transactional_db, province_editor, tree, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": BACKENDS["db"], "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_MIN_ROWS = 50
    client.force_login(province_editor)
    client.post(IMPORT_URL, {"file": SimpleUploadedFile("danh-sach.xlsx", roster_file(ROWS))})
    job = ImportJob.objects.get()
    stored = job.file.name
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("cadres:cadre-import-cancel", args=[job.token]) in page and "Huỷ nhập" in page

    response = client.post(reverse("cadres:cadre-import-cancel", args=[job.token]))
    assert response["Location"] == job.get_absolute_url()
    run_db_worker()

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.result == {"cancelled": True}
    assert not job.file and not default_storage.exists(stored)
    assert "Đã huỷ:" in client.get(job.get_absolute_url()).content.decode()


def test_it_ends_a_save_over_its_time_budget_and_saves_nothing(
    client, backend, province_editor, tree, monkeypatch, settings
):
    settings.IMPORT_TIME_BUDGET_SECONDS = 120
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(jobs, "time", SimpleNamespace(monotonic=lambda: clock.now))
    client.force_login(province_editor)
    job = checked(client, backend)

    def two_minutes_pass():
        clock.now += 121

    committing_with(monkeypatch, 30, two_minutes_pass)
    client.post(job.get_absolute_url())
    backend.work()

    job.refresh_from_db()
    assert not Cadre.objects.exists()
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("Quá thời gian cho phép (120 giây)")
    assert "Quá thời gian cho phép (120 giây)" in client.get(job.get_absolute_url()).content.decode()


def test_it_ends_a_job_whose_worker_died_when_its_page_is_polled(client, editor, tree, settings):
    settings.IMPORT_BACKGROUND_MIN_ROWS = 10_000  # checked within the request
    upload(client, roster_file(5))
    job = ImportJob.objects.get()
    stored = job.file.name
    # As if a worker had started the save, published its progress, and was killed.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.SAVING, stage="check", updated_at=an_hour_ago
    )

    response = client.get(job.get_status_url())

    job.refresh_from_db()
    assert response["HX-Refresh"] == "true"
    assert job.status == ImportStatus.FAILED and job.message == ImportJob.INTERRUPTED_MESSAGE
    assert not job.file and not default_storage.exists(stored)
    assert "Quá trình nhập bị gián đoạn" in client.get(job.get_absolute_url()).content.decode()


def test_a_running_job_is_not_ended_by_its_poll(client, editor, tree):
    upload(client, roster_file(5))
    ImportJob.objects.update(status=ImportStatus.SAVING, stage="check", updated_at=timezone.now())
    job = ImportJob.objects.get()

    assert client.get(job.get_status_url()).status_code == 200
    assert ImportJob.objects.get().status == ImportStatus.SAVING


# --- The cancel button's refusals -----------------------------------------------------------------


def test_cancel_rejects_get(client, editor, tree):
    upload(client, roster_file(5))
    job = ImportJob.objects.get()
    assert client.get(reverse("cadres:cadre-import-cancel", args=[job.token])).status_code == 405


def test_cancel_of_another_users_job_is_404(client, editor, tree, commune_editor):
    upload(client, roster_file(5))
    ImportJob.objects.update(status=ImportStatus.CHECKING)
    job = ImportJob.objects.get()
    client.force_login(commune_editor)

    assert client.post(reverse("cadres:cadre-import-cancel", args=[job.token])).status_code == 404
    assert ImportJob.objects.get().status == ImportStatus.CHECKING


def test_cancel_forbids_viewers(client, editor, tree, viewer):
    upload(client, roster_file(5))
    ImportJob.objects.update(status=ImportStatus.CHECKING)
    job = ImportJob.objects.get()
    client.force_login(viewer)

    assert client.post(reverse("cadres:cadre-import-cancel", args=[job.token])).status_code == 403
    assert ImportJob.objects.get().status == ImportStatus.CHECKING


def test_cancel_leaves_a_finished_job_as_it_is(client, editor, tree):
    upload(client, roster_file(5))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY

    client.post(reverse("cadres:cadre-import-cancel", args=[job.token]))

    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.file


def test_it_reads_values_as_typed_and_formulas_as_formulas(tmp_path):
    """calamine gives a formula cell's last computed value (none here: openpyxl does not compute
    them) and whole numbers as floats; the reader hands on what the cells hold."""
    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"]
    path = tmp_path / "cells.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                header,
                ['=CONCAT("Trần ","Bình")', "15/03/1995", "Nam", 1095000701, "Đoàn xã An Bình"],
                ["Lê Thị Hoa", None, "", 12.5, "Đoàn xã An Bình"],
            ]
        )
    )

    sheet = read_sheet(path)

    (first_number, first), (_, second) = sheet.rows
    assert first_number == 2
    assert first[0] == '=CONCAT("Trần ","Bình")' and type(first[0]).__name__ == "Formula"
    assert first[3] == 1095000701 and type(first[3]) is int
    assert second[1] is None and second[2] is None
    assert second[3] == 12.5
