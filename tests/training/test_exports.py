"""A course's class list and certificate list as PDF and as Excel: both files parsed back and
checked against the database, from one data function whose query count does not grow with the
learners; the official head; only the learners who completed on the certificate list; a unit
that sends learners sees only its own; scope and GET only."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import AccessAction, AccessLog, Cadre, Gender
from tests.common.test_pdf import text_of
from tests.training.conftest import client_for, kind
from training.documents import course_document
from training.models import Course, CourseStatus, Enrollment, EnrollmentStatus
from training.services import enrol
from training.views.access import get_course_for_user

pytestmark = pytest.mark.django_db

VIEWS = ("class-list-pdf", "class-list-xlsx", "certificates-pdf", "certificates-xlsx")


def new_course(unit, user, *, code="chuc-danh-bi-thu-co-so", **fields) -> Course:
    values = {
        "name": "Bồi dưỡng Bí thư, Phó Bí thư Đoàn cơ sở năm 2026",
        "starts_on": datetime.date(2026, 3, 9),
        "ends_on": datetime.date(2026, 3, 13),
        "place": "Hội trường Tỉnh đoàn",
        "status": CourseStatus.OPEN,
        **fields,
    }
    return Course.objects.create(kind=kind(code), organiser=unit, created_by=user, **values)


def complete(cadre, course, *, score="8.50", number="", day=None, **fields) -> None:
    Enrollment.objects.filter(course=course, cadre=cadre).update(
        status=EnrollmentStatus.COMPLETED,
        score=Decimal(score),
        certificate_number=number,
        certificate_date=day,
        **fields,
    )


@pytest.fixture
def learners(tree, make_cadre):
    """Two cadres of commune A (one in its chi đoàn), one of commune B, one of the old district."""
    return {
        "mai": make_cadre(
            tree.branch_a,
            full_name="Trần Thị Mai",
            gender=Gender.FEMALE,
            birth_date=datetime.date(1996, 4, 2),
            code="bi-thu",
        ),
        "an": make_cadre(tree.commune_a, full_name="Nguyễn Văn An", birth_date=datetime.date(1994, 11, 20)),
        "binh": make_cadre(tree.commune_b, full_name="Lê Văn Bình", birth_date=datetime.date(1997, 1, 5)),
        "dong": make_cadre(tree.district_branch, full_name="Phạm Văn Đông", code="pho-bi-thu"),
    }


@pytest.fixture
def course(tree, learners, province_editor):
    """A province course with the four learners: Mai and Bình completed with certificates."""
    course = new_course(tree.province, province_editor)
    enrol(course, list(learners.values()), user=province_editor)
    complete(learners["mai"], course, score="8.50", number="0012/CC", day=datetime.date(2026, 3, 20))
    complete(learners["binh"], course, score="7.00", number="0013/CC", day=datetime.date(2026, 3, 20))
    Enrollment.objects.filter(course=course, cadre=learners["an"]).update(status=EnrollmentStatus.FAILED)
    return course


def url(name: str, course) -> str:
    return reverse(f"training:{name}", args=[course.pk])


def pdf_text(response) -> str:
    """The PDF's text with every run of white space as one space: table cells wrap their lines."""
    return " ".join(text_of(PdfReader(io.BytesIO(response.content))).split())


def sheet_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def header_row(sheet) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == "STT")


def table(sheet) -> list[dict]:
    """The learner rows (an order number in column A) as dicts keyed by the header's labels."""
    header = header_row(sheet)
    labels = [cell.value for cell in sheet[header]]
    return [
        dict(zip(labels, row, strict=True))
        for row in sheet.iter_rows(min_row=header + 1, values_only=True)
        if isinstance(row[0], int)
    ]


def document_of(course, user, *, certificates=False):
    """The document as the views build it: the course read by the access helper."""
    return course_document(get_course_for_user(user, course.pk), user, certificates=certificates)


# --- PDF -------------------------------------------------------------------------------------------


def test_the_class_list_pdf_holds_the_head_the_course_and_every_learner(course, province_editor):
    response = client_for(province_editor).get(url("class-list-pdf", course))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert 'filename="danh-sach-hoc-vien-boi-duong-bi-thu-pho-bi-thu-doan-co-so-nam-2026-2026-03-09.pdf"' in (
        disposition
    )
    assert "filename*=UTF-8''Danh%20s%C3%A1ch%20h%E1%BB%8Dc%20vi%C3%AAn_" in disposition
    text = pdf_text(response)
    for part in (
        "BCH ĐOÀN TỈNH THỬ",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Thử, ngày … tháng … năm …",
        "DANH SÁCH HỌC VIÊN",
        "Bồi dưỡng Bí thư, Phó Bí thư Đoàn cơ sở năm 2026",
        "Loại khoá học: Bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở",
        "Thời gian: từ ngày 09/03/2026 đến ngày 13/03/2026",
        "Địa điểm: Hội trường Tỉnh đoàn",
        "Trần Thị Mai 02/04/1996 Nữ Chi đoàn thôn 1, Đoàn xã An Bình Bí thư Hoàn thành 8,5",
        "0012/CC 20/03/2026",
        "Nguyễn Văn An 20/11/1994 Nam Đoàn xã An Bình",
        "Không đạt",
        "Lê Văn Bình 05/01/1997",
        "Phạm Văn Đông",
        "Chi đoàn thôn Đông, Đoàn xã Đông Hà",
        "Đăng ký",
        "TM. BAN THƯỜNG VỤ",
        "BÍ THƯ",
    ):
        assert part in text, part
    assert "DANH SÁCH HỌC VIÊN ĐƯỢC CẤP CHỨNG CHỈ" not in text
    assert "Giải" not in text.split("Trần Thị Mai")[0]  # no prize column outside contests
    count = Enrollment.objects.filter(course=course).count()
    assert f"Tổng số: {count} học viên." in text
    names = Cadre.objects.filter(enrollments__course=course).values_list("full_name", flat=True)
    assert all(text.count(name) == 1 for name in names)


def test_the_certificate_pdf_holds_only_the_learners_who_completed(course, learners, province_editor):
    text = pdf_text(client_for(province_editor).get(url("certificates-pdf", course)))

    assert "DANH SÁCH HỌC VIÊN ĐƯỢC CẤP CHỨNG CHỈ" in text
    completed = Enrollment.objects.filter(course=course, status=EnrollmentStatus.COMPLETED)
    for enrollment in Enrollment.objects.filter(course=course).select_related("cadre"):
        assert (enrollment.cadre.full_name in text) == (enrollment.status == EnrollmentStatus.COMPLETED)
    assert f"Tổng số: {completed.count()} học viên." in text
    assert "Trần Thị Mai 02/04/1996 Nữ Chi đoàn thôn 1, Đoàn xã An Bình Bí thư 8,5 0012/CC 20/03/2026" in text
    assert "Hoàn thành" not in text  # the status column is left out: they all completed


def test_a_commune_course_is_headed_by_the_commune_under_the_province(tree, learners, commune_editor):
    course = new_course(tree.commune_a, commune_editor, name="Tập huấn nghiệp vụ", code="tap-huan-nghiep-vu")

    head = document_of(course, commune_editor).head
    text = pdf_text(client_for(commune_editor).get(url("class-list-pdf", course)))

    assert (head.superior, head.issuer, head.date_line) == (
        "TỈNH ĐOÀN THỬ",
        "BCH ĐOÀN XÃ AN BÌNH",
        "An Bình, ngày … tháng … năm …",
    )
    assert "TỈNH ĐOÀN THỬ BCH ĐOÀN XÃ AN BÌNH" in text
    assert "Chưa có học viên." in text


def test_an_empty_certificate_list_says_so(tree, learners, province_editor):
    course = new_course(tree.province, province_editor)
    enrol(course, [learners["mai"]], user=province_editor)

    text = pdf_text(client_for(province_editor).get(url("certificates-pdf", course)))

    assert "Chưa có học viên hoàn thành khoá học." in text
    assert "Trần Thị Mai" not in text


def test_a_contest_lists_the_prizes(tree, learners, province_editor):
    course = new_course(tree.province, province_editor, name="Hội thi Bí thư chi đoàn giỏi", code="hoi-thi")
    enrol(course, [learners["mai"], learners["binh"]], user=province_editor)
    complete(learners["mai"], course, score="9.25", prize="Giải Nhất", result="Xuất sắc")

    client = client_for(province_editor)
    text = pdf_text(client.get(url("class-list-pdf", course)))
    rows = {row["Họ và tên"]: row for row in table(sheet_of(client.get(url("certificates-xlsx", course))))}

    assert "Giải" in text and "9,25 Xuất sắc Giải Nhất" in text
    assert set(rows) == {"Trần Thị Mai"}
    assert (rows["Trần Thị Mai"]["Giải"], rows["Trần Thị Mai"]["Điểm"]) == ("Giải Nhất", 9.25)


# --- Excel -----------------------------------------------------------------------------------------


def test_the_class_list_xlsx_holds_every_learner_as_the_database_has_them(course, province_editor):
    response = client_for(province_editor).get(url("class-list-xlsx", course))

    assert response.status_code == 200
    assert (
        'filename="danh-sach-hoc-vien-boi-duong-bi-thu-pho-bi-thu-doan-co-so-nam-2026-2026-03-09.xlsx"'
        in (response["Content-Disposition"])
    )
    sheet = sheet_of(response)
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "BCH ĐOÀN TỈNH THỬ",
        "DANH SÁCH HỌC VIÊN",
        "Bồi dưỡng Bí thư, Phó Bí thư Đoàn cơ sở năm 2026",
    ]
    header = header_row(sheet)
    assert [cell.value for cell in sheet[header]] == [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Đơn vị",
        "Chức vụ",
        "Trạng thái",
        "Điểm",
        "Kết quả, xếp loại",
        "Số chứng chỉ",
        "Ngày cấp",
    ]
    assert all(cell.font.bold for cell in sheet[header])
    rows = table(sheet)
    expected = {
        (
            e.cadre.full_name,
            e.cadre.birth_date,
            e.cadre.get_gender_display(),
            e.cadre.position.name,
            e.get_status_display(),
            float(e.score) if e.score is not None else None,
            e.certificate_number or None,
            e.certificate_date,
        )
        for e in Enrollment.objects.filter(course=course).select_related("cadre__position")
    }
    assert len(rows) == len(expected) == 4
    assert [row["STT"] for row in rows] == [1, 2, 3, 4]
    found = {
        (
            row["Họ và tên"],
            row["Ngày sinh"].date(),
            row["Giới tính"],
            row["Chức vụ"],
            row["Trạng thái"],
            row["Điểm"],
            row["Số chứng chỉ"],
            row["Ngày cấp"].date() if row["Ngày cấp"] else None,
        )
        for row in rows
    }
    assert found == expected
    units = {row["Họ và tên"]: row["Đơn vị"] for row in rows}
    assert units["Trần Thị Mai"] == "Chi đoàn thôn 1, Đoàn xã An Bình"
    assert units["Nguyễn Văn An"] == "Đoàn xã An Bình"


def test_the_xlsx_prints_landscape_on_a4_one_page_wide_with_the_header_on_every_page(course, province_editor):
    sheet = sheet_of(client_for(province_editor).get(url("class-list-xlsx", course)))

    header = header_row(sheet)
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.freeze_panes == f"C{header + 1}"
    assert sheet.column_dimensions["B"].width == 26


def test_the_certificate_xlsx_holds_only_the_completed_with_their_numbers_as_text(
    course, learners, province_editor
):
    complete(learners["dong"], course, number="000123", day=datetime.date(2026, 3, 21))

    sheet = sheet_of(client_for(province_editor).get(url("certificates-xlsx", course)))

    assert sheet["A2"].value == "DANH SÁCH HỌC VIÊN ĐƯỢC CẤP CHỨNG CHỈ"
    rows = table(sheet)
    completed = Enrollment.objects.filter(course=course, status=EnrollmentStatus.COMPLETED)
    assert {row["Họ và tên"] for row in rows} == set(completed.values_list("cadre__full_name", flat=True))
    assert len(rows) == completed.count() == 3
    assert "Trạng thái" not in rows[0]
    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == "000123"]
    assert cell.number_format == "@"  # the leading zeros stay


def test_a_name_that_looks_like_a_formula_is_stored_as_text(tree, make_cadre, province_editor):
    name = '=HYPERLINK("http://x.example","Bấm")'
    course = new_course(tree.province, province_editor)
    enrol(course, [make_cadre(tree.commune_a, full_name=name)], user=province_editor)

    sheet = sheet_of(client_for(province_editor).get(url("class-list-xlsx", course)))

    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == name]
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_export_is_logged_with_its_number_of_rows(course, province_editor):
    client_for(province_editor).get(url("certificates-xlsx", course))

    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows) == (province_editor, AccessAction.EXPORT, 2)
    assert "Bồi dưỡng Bí thư" in log.detail and "XLSX" in log.detail


# --- The data function -----------------------------------------------------------------------------


def test_the_data_functions_query_count_does_not_grow_with_learners(tree, make_cadre, province_editor):
    course = new_course(tree.province, province_editor)
    cadres = [
        make_cadre(unit, full_name=f"Học Viên {n}")
        for n, unit in enumerate([tree.branch_a, tree.commune_b, tree.branch_b, tree.district_branch] * 2)
    ]
    enrol(course, cadres[:2], user=province_editor)
    with CaptureQueriesContext(connection) as few:
        assert document_of(course, province_editor).row_count == 2

    enrol(course, cadres[2:], user=province_editor)
    with CaptureQueriesContext(connection) as many:
        assert document_of(course, province_editor).row_count == 8

    assert len(many) == len(few)


# --- Scope and access ------------------------------------------------------------------------------


def test_a_commune_that_sends_learners_lists_only_its_own(tree, course, commune_editor):
    client = client_for(commune_editor)
    own = Enrollment.objects.filter(course=course, cadre__unit_path__startswith=tree.commune_a.path)
    assert own.count() == 2  # Mai and An, of the four

    text = pdf_text(client.get(url("class-list-pdf", course)))
    rows = table(sheet_of(client.get(url("class-list-xlsx", course))))

    assert {row["Họ và tên"] for row in rows} == set(own.values_list("cadre__full_name", flat=True))
    assert "(Học viên thuộc Đoàn xã An Bình)" in text
    assert "Trần Thị Mai" in text and "Nguyễn Văn An" in text
    assert "Lê Văn Bình" not in text and "Phạm Văn Đông" not in text
    assert f"Tổng số: {own.count()} học viên." in text
    certified = table(sheet_of(client.get(url("certificates-xlsx", course))))
    assert [row["Họ và tên"] for row in certified] == ["Trần Thị Mai"]


def test_the_organiser_lists_the_whole_class_without_a_scope_note(course, province_editor):
    assert document_of(course, province_editor).scope_note == ""


@pytest.mark.parametrize("name", VIEWS)
def test_a_course_outside_the_scope_is_404(tree, province_editor, commune_editor, name):
    # Organised by commune B, no learner of commune A, not open to commune A: it does not exist.
    other = new_course(tree.commune_b, province_editor, status=CourseStatus.RUNNING)

    assert client_for(commune_editor).get(url(name, other)).status_code == 404


@pytest.mark.parametrize("name", VIEWS)
def test_it_rejects_post(course, province_editor, name):
    assert client_for(province_editor).post(url(name, course)).status_code == 405


@pytest.mark.parametrize("name", VIEWS)
def test_a_viewer_downloads_every_file(course, viewer, name):
    assert client_for(viewer).get(url(name, course)).status_code == 200


def test_it_asks_anonymous_users_to_sign_in(course):
    response = Client().get(url("class-list-pdf", course))

    assert response.status_code == 302 and "login" in response["Location"]


def test_a_class_too_large_for_a_pdf_is_refused_with_a_message(
    tree, province_editor, make_cadre, monkeypatch
):
    from training.services import enrol
    from training.views import exports

    monkeypatch.setattr(exports, "MAX_PDF_ROWS", 2)
    course = Course.objects.create(
        name="Học tập nghị quyết",
        kind=kind("hoc-tap-nghi-quyet"),
        organiser=tree.province,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 1),
        status=CourseStatus.RUNNING,
    )
    enrol(course, [make_cadre(tree.commune_a) for _ in range(3)], user=province_editor)
    client = client_for(province_editor)

    response = client.get(reverse("training:class-list-pdf", args=[course.pk]), follow=True)

    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    assert "Danh sách có 3 học viên: bản PDF chỉ lập được cho tối đa 2 người. Hãy tải bản Excel." in (
        response.content.decode()
    )
    assert client.get(reverse("training:class-list-xlsx", args=[course.pk]))["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
