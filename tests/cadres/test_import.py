import datetime
import io
import re
import unicodedata

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
    UnitKind,
    UnitLevel,
)
from tests.factories import UnitFactory, position, xlsx_bytes

IMPORT_URL = reverse("cadres:cadre-import")
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ", "Điện thoại"]


@pytest.fixture(autouse=True)
def _tasks_within_the_request(settings, tmp_path):
    """Tasks run as they are enqueued (tests/cadres/test_tasks.py runs them through real workers);
    uploads are stored in a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, content: bytes, name: str = "danh-sach.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def job_page(client, content: bytes, name: str = "danh-sach.xlsx"):
    """Upload a file and follow to its page (small files are checked within the request)."""
    response = upload(client, content, name)
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
    assert problems_of(page) == [
        "Dòng 2, cột Đơn vị: đơn vị “Đoàn xã An Bình – Tỉnh đoàn Thử” đã giải thể ngày 01/07/2025."
    ]
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


# --- Units: name and code, look-alikes ---------------------------------------------------

UNIT_HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Mã đơn vị"]


def unit_row(name: str, national_id: str, unit: str | None, code: str | None) -> list:
    return [name, "15/03/1995", "Nam", national_id, unit, code]


@pytest.fixture
def look_alike(tree):
    """A second "Chi đoàn thôn 1", under the other commune."""
    return UnitFactory(
        parent=tree.commune_b,
        name="Chi đoàn thôn 1",
        code="P-B-2",
        level=UnitLevel.BRANCH,
        kind=UnitKind.BRANCH,
    )


def test_it_refuses_a_row_whose_unit_name_and_code_disagree(client, province_editor, tree):
    client.force_login(province_editor)
    content = xlsx_bytes(
        [
            UNIT_HEADER,
            unit_row("Trần Văn Bình", "001095001101", "Đoàn xã An Bình", "P-A"),  # agree
            unit_row("Lê Thị Hạnh", "001095001102", "doan xa an binh", "p-a"),  # agree, other spelling
            unit_row("Hồ Văn Dũng", "001095001103", "Đoàn phường Bắc Sơn", "P-A-1"),  # disagree
            unit_row("Phạm Văn Cường", "001095001104", None, "P-B"),  # code alone
        ]
    )

    url, page = job_page(client, content)

    assert problems_of(page) == [
        "Dòng 4, cột Đơn vị: “Đoàn phường Bắc Sơn” nhưng cột Mã đơn vị ghi “P-A-1”, là mã của "
        "“Chi đoàn thôn 1 – Đoàn xã An Bình”; hai cột không khớp nhau, hãy sửa một trong hai cột."
    ]
    assert "hai cột không khớp nhau" in page.content.decode()
    client.post(url)
    assert not Cadre.objects.exists()


def test_it_asks_for_the_unit_code_when_a_name_fits_several_units(client, province_editor, tree, look_alike):
    client.force_login(province_editor)
    content = xlsx_bytes([UNIT_HEADER, unit_row("Trần Văn Bình", "001095001201", "Chi đoàn thôn 1", None)])

    url, page = job_page(client, content)

    assert problems_of(page) == [
        "Dòng 2, cột Đơn vị: có 2 đơn vị cùng tên “Chi đoàn thôn 1”: Chi đoàn thôn 1 – Đoàn xã An Bình "
        "(mã P-A-1); Chi đoàn thôn 1 – Đoàn phường Bắc Sơn (mã P-B-2). Hãy ghi mã đơn vị vào cột "
        "“Mã đơn vị”."
    ]
    client.post(url)
    assert not Cadre.objects.exists()


def test_it_shows_units_with_their_parent_in_the_preview(client, province_editor, tree, look_alike):
    client.force_login(province_editor)
    content = xlsx_bytes(
        [
            UNIT_HEADER,
            unit_row("Trần Văn Bình", "001095001301", "Chi đoàn thôn 1", "P-A-1"),
            unit_row("Lê Thị Hạnh", "001095001302", None, "P-B-2"),
            unit_row("Hồ Văn Dũng", "001095001303", "Chi đoàn thôn 1 – Đoàn phường Bắc Sơn", None),
        ]
    )

    url, page = job_page(client, content)

    rows = page.context["state"]["rows"]
    assert [r["unit"] for r in rows] == [
        "Chi đoàn thôn 1 – Đoàn xã An Bình",
        "Chi đoàn thôn 1 – Đoàn phường Bắc Sơn",
        "Chi đoàn thôn 1 – Đoàn phường Bắc Sơn",
    ]
    assert "<td>Chi đoàn thôn 1 – Đoàn phường Bắc Sơn</td>" in page.content.decode()
    client.post(url)
    assert list(Cadre.objects.order_by("national_id").values_list("unit", flat=True)) == [
        tree.branch_a.pk,
        look_alike.pk,
        look_alike.pk,
    ]


def test_it_labels_the_units_of_any_number_of_rows_in_constant_queries(province_editor, tree, tmp_path):
    units = [tree.commune_a, tree.branch_a, tree.commune_b, tree.branch_b, tree.district_branch]

    def check(count: int) -> tuple[int, list[str]]:
        path = tmp_path / f"ds-{count}.xlsx"
        rows = [unit_row(f"Cán Bộ {n}", f"0010960{n:05d}", None, units[n % 5].code) for n in range(count)]
        path.write_bytes(xlsx_bytes([UNIT_HEADER, *rows]))
        with CaptureQueriesContext(connection) as queries:
            labels = [
                planned.summary()["unit"] for planned in cadre_import_check(path, user=province_editor).rows
            ]
        return len(queries), labels

    few, labels = check(5)
    many, _ = check(40)

    assert labels == [
        "Đoàn xã An Bình – Tỉnh đoàn Thử",
        "Chi đoàn thôn 1 – Đoàn xã An Bình",
        "Đoàn phường Bắc Sơn – Tỉnh đoàn Thử",
        "Chi đoàn tổ 2 – Đoàn phường Bắc Sơn",
        "Chi đoàn thôn Đông – Đoàn xã Đông Hà",
    ]
    assert many == few


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


def template_of(client) -> bytes:
    return b"".join(client.get(reverse("cadres:cadre-import-template")).streaming_content)


def test_it_offers_a_template_whose_unchanged_import_adds_nobody(client, commune_editor, tree):
    client.force_login(commune_editor)
    template = template_of(client)
    workbook = load_workbook(io.BytesIO(template))
    roster, instructions = workbook["Danh sách cán bộ"], workbook["Hướng dẫn"]
    assert workbook.active.title == roster.title
    assert "từ dòng 3" in roster["A1"].value and "Hướng dẫn" in roster["A1"].value
    assert roster["B2"].value == "Họ và tên" and roster.max_row == 2
    # The example cadre is on the instructions sheet, column by column.
    example = {row[0]: row[2] for row in instructions.iter_rows(values_only=True) if row[0]}
    assert (example["Họ và tên"], example["Số CCCD"]) == ("Nguyễn Văn Mẫu", "052095001234")

    url, page = job_page(client, template)

    assert page.context["job"].status == JobStatus.FAILED
    message = "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng 2); không có gì được lưu."
    assert message in page.content.decode()
    client.post(url)
    assert not Cadre.objects.exists()


def test_it_imports_a_template_filled_in_below_its_header(client, commune_editor, tree):
    client.force_login(commune_editor)
    workbook = load_workbook(io.BytesIO(template_of(client)))
    roster = workbook["Danh sách cán bộ"]
    # The units' list names each unit with its parent, as its drop-down offers them.
    units = [
        name for (name,) in workbook["Danh mục"].iter_rows(min_row=2, max_col=1, values_only=True) if name
    ]
    assert units == ["Đoàn xã An Bình – Tỉnh đoàn Thử", "Chi đoàn thôn 1 – Đoàn xã An Bình"]
    columns = {cell.value: cell.column for cell in roster[2]}
    for label, value in {
        "Họ và tên": "Lê Thị Thu",
        "Ngày sinh": "02/09/1997",
        "Giới tính": "Nữ",
        "Số CCCD": "001097000123",
        "Đơn vị": units[1],
    }.items():
        roster.cell(row=3, column=columns[label], value=value)
    filled = io.BytesIO()
    workbook.save(filled)

    url, preview = job_page(client, filled.getvalue())

    assert [(r["row"], r["full_name"]) for r in preview.context["state"]["rows"]] == [(3, "Lê Thị Thu")]
    client.post(url)
    assert Cadre.objects.get().unit == tree.branch_a


def test_it_refuses_the_example_cadre_of_an_old_template(client, province_editor, tree):
    client.force_login(province_editor)
    content = xlsx_bytes(
        [
            HEADER,
            row("Nguyễn Văn Mẫu", "052095001234", post="Phó Bí thư"),
            row("Trần Văn Bình", "001095001001"),
        ]
    )

    url, page = job_page(client, content)

    assert problems_of(page) == [
        "Dòng 2, cột Họ và tên: “Nguyễn Văn Mẫu” là cán bộ ví dụ của tệp mẫu, không phải dữ liệu; "
        "hãy xoá dòng này."
    ]
    client.post(url)
    assert not Cadre.objects.exists()


def test_it_polls_progress_until_the_work_is_over(client, province_editor):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095000901")]))
    job = ImportJob.objects.get(user=province_editor)
    status_url = reverse("cadres:cadre-import-status", args=[job.token])

    assert client.get(status_url).headers["HX-Refresh"] == "true"  # checked already: reload the page

    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.SAVING, stage="check", done=40, total=160)
    response = client.get(status_url)
    content = response.content.decode()
    assert "Đã kiểm tra 40/160 dòng" in content
    assert 'hx-trigger="every 1s"' in content
    assert 'aria-valuenow="25"' in content
    assert "Đã kiểm tra 40/160 dòng" in client.get(url).content.decode()

    # Rows are saved in one transaction, unseen by other connections: that count comes through
    # the cache.
    job.refresh_from_db()
    job.report_progress("save", 1200, 1600)
    content = client.get(status_url).content.decode()
    assert "Đang lưu dữ liệu…" in content
    assert "Đã lưu 1.200/1.600 dòng" in content
    assert 'aria-valuenow="75"' in content


# --- The job: storage, commit once, failures --------------------------------------------------


def test_it_keeps_the_upload_in_storage_until_it_is_committed(client, province_editor, tree):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095001401")]))
    job = ImportJob.objects.get()
    stored = job.file.name
    assert stored.startswith("imports/") and default_storage.exists(stored)
    assert job.task_id == ""  # a small file is checked within the request

    client.post(url)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert not job.file and not default_storage.exists(stored)


def test_it_commits_once_however_often_confirmed(client, province_editor, tree):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095001501", post="Bí thư")]))
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Cadre.objects.get().appointments.count() == 1


def test_it_saves_nothing_when_a_row_breaks_a_database_constraint_midway(
    client, province_editor, tree, monkeypatch
):
    from cadres.imports import service
    from tests.factories import CadreFactory

    client.force_login(province_editor)
    rows = [row(f"Cán Bộ {n}", f"0010950016{n:02d}") for n in range(5)]
    url, _ = job_page(client, xlsx_bytes([HEADER, *rows]))
    real_create_rows, saved = service._create_rows, []

    def someone_adds_the_fourth_cccd_meanwhile(rows, **kwargs):
        if len(saved) == 2:
            CadreFactory(unit=tree.commune_b, national_id="001095001603")
        real_create_rows(rows, **kwargs)
        saved.extend(planned.row for planned in rows)

    monkeypatch.setattr(service, "CREATE_BATCH", 2)
    monkeypatch.setattr(service, "_create_rows", someone_adds_the_fourth_cccd_meanwhile)
    client.post(url)

    page = client.get(url)
    assert saved == [2, 3]  # two rows were written before the fourth broke the unique CCCD…
    assert not Cadre.objects.exists()  # …and the whole import was rolled back
    assert page.context["job"].status == JobStatus.FAILED
    assert (
        "<strong>Không nhập được:</strong> Dữ liệu vừa thay đổi trong lúc nhập (có số CCCD vừa được thêm); "
        "không có gì được lưu. Hãy thử lại." in page.content.decode()
    )


def test_it_shows_an_import_whose_worker_died_as_failed(client, province_editor, tree):
    client.force_login(province_editor)
    url, _ = job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095001701")]))
    job = ImportJob.objects.get()
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.SAVING, stage="check", updated_at=long_ago)

    page = client.get(url)

    assert page.context["job"].current_status == JobStatus.FAILED
    assert "Quá trình nhập bị gián đoạn; không có dữ liệu nào được lưu." in page.content.decode()
    assert client.get(job.get_status_url()).headers["HX-Refresh"] == "true"
    assert not Cadre.objects.exists()


def test_it_says_so_when_a_job_waits_long_for_the_worker(client, province_editor, tree):
    client.force_login(province_editor)
    job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095001801")]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKING, stage="queued")
    assert "vẫn đang chờ trong hàng đợi" not in client.get(job.get_status_url()).content.decode()

    a_while_ago = timezone.now() - datetime.timedelta(minutes=2)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=a_while_ago)

    content = client.get(job.get_status_url()).content.decode()
    assert "Đang chờ đến lượt xử lý" in content
    assert "vẫn đang chờ trong hàng đợi" in content  # still waiting, not failed: the task is queued


def test_it_removes_files_of_previews_abandoned_for_a_day(client, province_editor, tree):
    client.force_login(province_editor)
    job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095001901")]))
    old = ImportJob.objects.get()
    old_file = old.file.name
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))

    job_page(client, xlsx_bytes([HEADER, row("Lê Thị Hạnh", "001095001902")]))

    old.refresh_from_db()
    assert not old.file and not default_storage.exists(old_file)
    assert default_storage.exists(ImportJob.objects.exclude(pk=old.pk).get().file.name)


def test_it_removes_the_file_with_the_job(client, province_editor, tree):
    client.force_login(province_editor)
    job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095002101")]))
    stored = ImportJob.objects.get().file.name

    province_editor.delete()  # the user's jobs go with them

    assert not ImportJob.objects.exists()
    assert not default_storage.exists(stored)


def test_it_lists_a_users_own_recent_imports(client, province_editor, commune_editor, tree):
    client.force_login(commune_editor)
    job_page(client, xlsx_bytes([HEADER, row("Lê Văn Khác", "001095002001")]), name="cua-xa.xlsx")
    client.force_login(province_editor)
    job_page(client, xlsx_bytes([HEADER, row("Trần Văn Bình", "001095002002")]), name="cua-tinh.xlsx")

    content = client.get(IMPORT_URL).content.decode()

    assert "cua-tinh.xlsx" in content and "Chờ xác nhận" in content
    assert "cua-xa.xlsx" not in content


def test_it_checks_the_profiles_date_rules_as_the_form_does(client, province_editor, tree):
    client.force_login(province_editor)
    header = [*HEADER, "Ngày vào Đoàn", "Ngày vào Đảng"]
    content = xlsx_bytes([header, [*row("Lê Văn Mới", "001095000042"), "26/03/2090", "01/01/1990"]])

    _, page = job_page(client, content)

    html = page.content.decode()
    assert "ngày vào Đoàn 26/03/2090 ở tương lai." in html
    assert "ngày vào Đảng 01/01/1990 trước ngày sinh." in html
    assert not Cadre.objects.filter(national_id="001095000042").exists()


def test_a_problem_with_a_field_the_file_has_no_column_for_names_it_in_vietnamese(
    tmp_path, province_editor, tree, make_cadre
):
    make_cadre(
        tree.commune_a,
        national_id="001095000777",
        party_joined_on=datetime.date(2020, 1, 1),
        party_official_on=datetime.date(2021, 1, 1),
    )
    path = tmp_path / "ds.xlsx"
    header = [*HEADER, "Ngày vào Đảng"]
    path.write_bytes(xlsx_bytes([header, [*row("Lê Văn Đảng", "001095000777"), "01/06/2022"]]))

    plan = cadre_import_check(path, user=province_editor)

    headers = {problem.column for problem in plan.problems}
    assert "Ngày chính thức" in headers and "party_official_on" not in headers
