import datetime
import io
import re
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadres.imports import Action, ImportJob, JobStatus, cadre_import_check
from cadres.models import (
    AccessAction,
    AccessLog,
    Appointment,
    Cadre,
    Education,
    Employment,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Religion,
)
from tests.factories import position, xlsx_bytes

IMPORT_URL = reverse("cadres:cadre-import")
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ", "Điện thoại"]


@pytest.fixture(autouse=True)
def _imports_in_request(settings, tmp_path):
    settings.IMPORT_BACKGROUND = False
    settings.IMPORT_TEMP_DIR = tmp_path / "imports"


def upload(client, content: bytes, name: str = "danh-sach.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def job_page(client, content: bytes):
    """Upload a file and follow to its page (checked within the request in tests)."""
    response = upload(client, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"], client.get(response["Location"])


def problems_of(response) -> list[str]:
    return response.context["state"]["problems"]


def cells(problems: list[str]) -> set[tuple[int, str]]:
    found = set()
    for problem in problems:
        match = re.match(r"Dòng (\d+), cột ([^:]+):", problem)
        assert match, problem
        found.add((int(match.group(1)), match.group(2)))
    return found


def row(name, national_id, unit="Đoàn xã An Bình", *, birth="15/03/1995", gender="Nam", post="", phone=""):
    return [None, name, birth, gender, national_id, unit, post, phone]


# --- The messy file: every bad row by number and column, nothing saved ---------------------


def messy_file() -> bytes:
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    return xlsx_bytes(
        [
            HEADER,
            row("  Trần   Văn Bình ", "001095000001", " Đoàn xã  An Bình ", gender=" nam "),  # 2: fine
            row("Lê Thị Hạnh", "001095000002", birth="31/02/1999", gender="Nữ"),  # 3: no such day
            row("Phạm Văn Cường", "001095000003"),  # 4: same CCCD as row 5
            row("Phạm Văn Cương", "001095000003"),  # 5
            row("Hồ Văn Dũng", "001095000004", "Đoàn xã Không Có"),  # 6: unknown unit
            row("Đỗ Thị Em", "001095000005", "Đoàn xã Ngoài"),  # 7: a unit of another province
            row('=HYPERLINK("http://x.example","a")', "001095000006"),  # 8: a formula cell
            row("@Nguyễn Văn Giàu", "001095000007"),  # 9: text that looks like a formula
            row(nfd_name, "001095000008", gender="nu"),  # 10: fine (decomposed Unicode)
            row("Vũ Văn Hải", "12345"),  # 11: not 12 digits
        ]
    )


def test_it_reports_every_bad_row_of_a_messy_file_and_saves_nothing(client, province_editor):
    client.force_login(province_editor)
    before = Cadre.objects.count()

    url, page = job_page(client, messy_file())

    assert page.context["job"].status == JobStatus.INVALID
    problems = problems_of(page)
    assert cells(problems) == {
        (3, "Ngày sinh"),
        (4, "Số CCCD"),
        (5, "Số CCCD"),
        (6, "Đơn vị"),
        (7, "Đơn vị"),
        (8, "Họ và tên"),
        (9, "Họ và tên"),
        (11, "Số CCCD"),
    }
    content = page.content.decode()
    assert "Dòng 3, cột Ngày sinh: ngày “31/02/1999” không tồn tại." in content
    assert "Dòng 4, cột Số CCCD: số CCCD 001095000003 trùng với dòng 5." in problems
    assert "Dòng 5, cột Số CCCD: số CCCD 001095000003 trùng với dòng 4." in problems
    (formula_like,) = [problem for problem in problems if problem.startswith("Dòng 9, cột Họ và tên:")]
    assert "có dạng công thức" in formula_like
    # A unit outside the scope reads exactly like a unit that does not exist.
    unknown = next(p for p in problems if p.startswith("Dòng 6"))
    outside = next(p for p in problems if p.startswith("Dòng 7"))
    assert outside.replace("Dòng 7", "Dòng 6").replace("Đoàn xã Ngoài", "Đoàn xã Không Có") == unknown

    assert client.post(url).status_code == 302  # confirming an invalid file does nothing
    assert Cadre.objects.count() == before


def test_it_refuses_another_units_cccd_without_revealing_the_cadre(client, commune_editor, tree, make_cadre):
    make_cadre(tree.commune_b, full_name="Trần Thị Bí Mật", national_id="001095000042")
    client.force_login(commune_editor)

    _, page = job_page(client, xlsx_bytes([HEADER, row("Lê Văn Mới", "001095000042")]))

    (problem,) = problems_of(page)
    assert problem.startswith("Dòng 2, cột Số CCCD:")
    assert "Bí Mật" not in page.content.decode()
    assert "Đoàn phường Bắc Sơn" not in page.content.decode()
    assert Cadre.objects.get(national_id="001095000042").full_name == "Trần Thị Bí Mật"


def test_it_reports_missing_required_columns_once(client, province_editor):
    client.force_login(province_editor)
    response = upload(client, xlsx_bytes([["Họ và tên", "Giới tính", "Đơn vị"], ["Lê Văn A", "Nam", "P"]]))
    page = client.get(response["Location"])
    assert page.context["job"].status == JobStatus.FAILED
    assert page.context["job"].message == "Thiếu cột bắt buộc: Ngày sinh, Số CCCD (dòng tiêu đề là dòng 1)."


# --- Clean files: creation, NFC, appointments, history, updates --------------------------------


def test_it_creates_cadres_with_nfc_names_and_first_appointments(client, province_editor, tree):
    client.force_login(province_editor)
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    content = xlsx_bytes(
        [
            HEADER,
            row(nfd_name, "001095000101", "P-A", gender="Nữ", post="Bí thư", phone="0905 123 456"),
            row("  Trần   Văn Bình ", "001095000102", " chi doan  thon 1 "),
        ]
    )
    url, page = job_page(client, content)
    assert page.context["job"].status == JobStatus.READY
    assert [r["action"] for r in page.context["state"]["rows"]] == [Action.CREATE, Action.CREATE]
    assert Cadre.objects.count() == 0  # a preview saves nothing

    client.post(url)

    assert client.get(url).context["job"].status == JobStatus.DONE
    anh = Cadre.objects.get(national_id="001095000101")
    assert anh.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert (anh.unit, anh.position, anh.gender, anh.phone) == (
        tree.commune_a,
        position("bi-thu"),
        Gender.FEMALE,
        "0905 123 456",
    )
    appointment = anh.appointments.get()
    assert appointment.is_open and appointment.started_on == timezone.localdate()
    assert (appointment.unit, appointment.position) == (tree.commune_a, position("bi-thu"))
    assert anh.history.get().history_user == province_editor
    assert appointment.history.get().history_user == province_editor
    binh = Cadre.objects.get(national_id="001095000102")
    assert binh.full_name == "Trần Văn Bình"
    assert binh.unit == tree.branch_a and binh.position is None and not binh.appointments.exists()


def test_it_updates_a_cadre_of_the_same_cccd_instead_of_duplicating(client, province_editor, tree):
    client.force_login(province_editor)
    first = xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000201", post="Phó Bí thư", phone="0905000001")])
    url, _ = job_page(client, first)
    client.post(url)
    cadre = Cadre.objects.get(national_id="001095000201")

    _, again = job_page(client, first)
    assert [r["action"] for r in again.context["state"]["rows"]] == [Action.UNCHANGED]

    moved_row = row("Trần Văn Bình", "001095000201", "Đoàn phường Bắc Sơn", post="Bí thư", phone="0905000002")
    moved = xlsx_bytes([HEADER, moved_row])
    url, preview = job_page(client, moved)
    (planned,) = preview.context["state"]["rows"]
    assert planned["action"] == Action.UPDATE
    assert planned["changes"] == "Điện thoại, Đơn vị, Chức vụ"
    client.post(url)

    assert Cadre.objects.filter(national_id="001095000201").count() == 1
    cadre.refresh_from_db()
    assert (cadre.unit, cadre.position, cadre.phone) == (tree.commune_b, position("bi-thu"), "0905000002")
    assert cadre.version > 1
    old, new = cadre.appointments.order_by("pk")
    assert not old.is_open and new.is_open
    assert (new.unit, new.position) == (tree.commune_b, position("bi-thu"))
    assert cadre.history.latest().history_user == province_editor


def test_it_keeps_existing_values_for_empty_cells(client, province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a, full_name="Lê Văn An", national_id="001095000301", phone="0905111222")
    client.force_login(province_editor)
    same = row("Lê Văn An", "001095000301", "P-A", birth="15/06/1995", post="", phone="")
    _, preview = job_page(client, xlsx_bytes([HEADER, same]))
    assert [r["action"] for r in preview.context["state"]["rows"]] == [Action.UNCHANGED]
    cadre.refresh_from_db()
    assert cadre.phone == "0905111222" and cadre.position == position("uv-bch")


def test_it_reads_header_and_values_in_their_many_forms(province_editor, tree, tmp_path):
    # (header as typed, value): headers without accents, odd case and spacing; values in many forms
    columns = [
        ("stt", 1),
        ("HO VA TEN", "Hà Thị Cúc"),
        ("ngay  sinh", datetime.datetime(1996, 7, 2)),
        ("GIOI TINH", "nu"),
        ("so cccd", 1095000401),  # a number: Excel dropped the leading zeros
        ("don vi", "P-A-1"),
        ("Dan toc", "tay"),
        ("Ton giao", "phat giao"),
        ("Trinh do chuyen mon", "dai hoc"),
        ("ly luan chinh tri", "Trung cấp"),
        ("Ngoai ngu", "Anh - Bậc 3"),
        ("tin hoc", "Cơ bản"),
        ("Chuyên trách / Kiêm nhiệm", "Bán chuyên trách"),
        ("Ngày vào Đoàn", "26-03-2012"),
        ("Ghi chú", "bỏ qua"),
    ]
    title = [["Danh sách cán bộ xã An Bình"], []]  # the header row need not be the first
    header, values = [name for name, _ in columns], [value for _, value in columns]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes([*title, header, values]))

    plan = cadre_import_check(path, user=province_editor)

    assert plan.problems == []
    cadre = plan.rows[0].cadre
    assert cadre.national_id == "001095000401"
    assert (cadre.full_name, cadre.birth_date) == ("Hà Thị Cúc", datetime.date(1996, 7, 2))
    assert cadre.gender == Gender.FEMALE
    assert (cadre.unit, cadre.ethnicity, cadre.religion) == (tree.branch_a, "Tày", Religion.BUDDHISM)
    assert (cadre.education, cadre.political_theory) == (Education.BACHELOR, PoliticalTheory.INTERMEDIATE)
    assert (cadre.foreign_language, cadre.foreign_language_level) == ("Tiếng Anh", LanguageLevel.B1)
    assert (cadre.it_level, cadre.employment) == (ItLevel.BASIC, Employment.PART_TIME)
    assert cadre.youth_union_joined_on == datetime.date(2012, 3, 26)


def test_it_reports_progress_while_checking(province_editor, tree, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes([HEADER] + [row(f"Cán Bộ {n}", f"0010950{n:05d}") for n in range(250)]))
    seen = []

    plan = cadre_import_check(path, user=province_editor, progress=lambda *args: seen.append(args))

    assert plan.counts()[Action.CREATE] == 250
    assert ("check", 100, 250) in seen and seen[-1] == ("check", 250, 250)


def test_it_checks_again_when_committing(client, province_editor, tree):
    client.force_login(province_editor)
    url, preview = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000501")]))
    assert preview.context["job"].status == JobStatus.READY
    tree.commune_a.dissolved_on = datetime.date(2025, 7, 1)
    tree.commune_a.save()

    client.post(url)

    page = client.get(url)
    assert page.context["job"].status == JobStatus.INVALID
    assert problems_of(page) == ["Dòng 2, cột Đơn vị: đơn vị “Đoàn xã An Bình” đã giải thể ngày 01/07/2025."]
    assert not Cadre.objects.exists()


def test_it_round_trips_an_export(client, province_editor, tree, make_cadre):
    make_cadre(
        tree.commune_a,
        full_name="Nguyễn Thị Lan",
        gender=Gender.FEMALE,
        code="bi-thu",
        ethnicity="Tày",
        religion=Religion.CATHOLIC,
        phone="0905123456",
        email="lan@example.com",
        youth_union_joined_on=datetime.date(2010, 3, 26),
        party_joined_on=datetime.date(2018, 5, 19),
        education=Education.MASTER,
        major="Kinh tế",
        political_theory=PoliticalTheory.ADVANCED,
        foreign_language="Tiếng Pháp",
        foreign_language_level=LanguageLevel.B2,
        it_level=ItLevel.ADVANCED,
        employment=Employment.CONCURRENT,
    )
    make_cadre(tree.branch_a, full_name="Đặng Văn Đức")
    make_cadre(tree.district_branch, full_name="Lò Văn Hùng", ethnicity="Thái")
    client.force_login(province_editor)
    exported = b"".join(client.get(reverse("cadres:cadre-export")).streaming_content)

    url, preview = job_page(client, exported)

    assert preview.context["state"]["counts"] | {"total": 3} == {
        Action.CREATE: 0,
        Action.UPDATE: 0,
        Action.UNCHANGED: 3,
        "total": 3,
        "problems": 0,
    }
    workbook = load_workbook(io.BytesIO(exported))
    workbook.active["H5"] = "0905999888"  # Điện thoại of the second row (after title, filters, header)
    edited = io.BytesIO()
    workbook.save(edited)
    url, preview = job_page(client, edited.getvalue())
    assert [r["action"] for r in preview.context["state"]["rows"]].count(Action.UPDATE) == 1
    client.post(url)
    assert Cadre.objects.filter(phone="0905999888").count() == 1
    assert Cadre.objects.count() == 3


def test_it_leaves_history_to_the_importing_user_through_the_service(province_editor, tree, tmp_path):
    from cadres.imports import cadre_import_commit

    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000601", post="Bí thư")]))
    assert cadre_import_commit(path, user=province_editor, filename="ds.xlsx").committed
    cadre = Cadre.objects.get()
    assert cadre.history.get().history_user == province_editor
    assert Appointment.history.get().history_user == province_editor
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows) == (province_editor, AccessAction.IMPORT, 1)
    assert log.detail == "ds.xlsx"


# --- Refusals ----------------------------------------------------------------------------


def test_it_refuses_files_that_are_not_xlsx(client, province_editor):
    client.force_login(province_editor)
    response = upload(client, b"Ho va ten;Ngay sinh\n", name="danh-sach.csv")
    assert response.status_code == 400
    assert "Chỉ nhận tệp Excel định dạng .xlsx" in response.content.decode()

    response = upload(client, b"this is a text file, renamed", name="doi-ten.xlsx")
    assert response.status_code == 400
    assert "không phải tệp Excel .xlsx hợp lệ" in response.content.decode()


def test_it_refuses_files_over_the_size_limit(client, province_editor, settings):
    settings.IMPORT_MAX_BYTES = 2000
    client.force_login(province_editor)
    rows = [row(f"Cán Bộ {n}", f"0010950{n:05d}") for n in range(200)]
    response = upload(client, xlsx_bytes([HEADER, *rows]))
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not Cadre.objects.exists()


def test_it_forbids_viewers(client, viewer):
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000701")])).status_code == 403
    assert client.get(reverse("cadres:cadre-import-template")).status_code == 403
    assert not Cadre.objects.exists()


def test_it_keeps_a_users_import_from_other_users(client, province_editor, commune_editor):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000801")]))
    client.force_login(commune_editor)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Cadre.objects.exists()


# --- Template and progress ------------------------------------------------------------------


def test_it_offers_a_template_that_imports_as_is(client, commune_editor, tree):
    client.force_login(commune_editor)
    response = client.get(reverse("cadres:cadre-import-template"))
    template = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(template)).active
    assert sheet["B1"].value == "Họ và tên" and sheet["B2"].value == "Nguyễn Văn Mẫu"

    _, preview = job_page(client, template)

    assert preview.context["job"].status == JobStatus.READY
    assert preview.context["state"]["rows"][0]["unit"] == tree.commune_a.name


def test_it_polls_progress_until_the_work_is_over(client, province_editor):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000901")]))
    job = ImportJob.get(url.rstrip("/").rsplit("/", 1)[-1], province_editor)
    status_url = reverse("cadres:cadre-import-status", args=[job.token])

    assert client.get(status_url).headers["HX-Refresh"] == "true"  # checked already: reload the page

    job.update(status=JobStatus.SAVING, stage="save", done=40, total=160)
    response = client.get(status_url)
    content = response.content.decode()
    assert "Đã lưu 40/160 dòng" in content
    assert 'hx-trigger="every 1s"' in content
    assert 'aria-valuenow="25"' in content
    assert "Đã lưu 40/160 dòng" in client.get(url).content.decode()
