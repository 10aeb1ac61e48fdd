"""The succession plan as PDF and as Excel: both files parsed back against the database, from one
data function whose query count does not grow with the candidates; the official head and the
approval decisions; proposals of an open review marked, removed candidates out of the table;
no sensitive data; scope and GET only."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import AccessAction, AccessLog, Education, Gender, PoliticalTheory, Unit
from common.pdf import issuer_name
from planning.exports import plan_document
from planning.models import Candidate, Readiness, RemovalReason, SuccessionPlan
from planning.services import (
    CandidateRow,
    add_candidates,
    approve_plan,
    approve_review,
    remove_candidate,
    start_review,
    submit_plan,
    submit_review,
)
from tests.common.test_pdf import text_of
from tests.factories import position
from tests.planning.conftest import client_for, young

pytestmark = pytest.mark.django_db


@pytest.fixture
def mai(tree, make_cadre):
    return young(
        make_cadre,
        tree.branch_a,
        "Trần Thị Mai",
        gender=Gender.FEMALE,
        education=Education.BACHELOR,
        major="Luật",
        political_theory=PoliticalTheory.INTERMEDIATE,
        ethnicity="Ê Đê",
    )


@pytest.fixture
def hung(tree, make_cadre):
    return young(make_cadre, tree.branch_a, "Lê Văn Hùng", year=1999)


@pytest.fixture
def planned(plan, mai, hung, commune_editor):
    add_candidates(
        plan,
        [
            CandidateRow(mai, position("pho-bi-thu"), Readiness.NOW),
            CandidateRow(hung, position("uv-btv"), Readiness.THREE_FIVE, note="Con em địa phương"),
        ],
        user=commune_editor,
    )
    return plan


def pdf_url(plan) -> str:
    return reverse("planning:plan-export-pdf", args=[plan.pk])


def xlsx_url(plan) -> str:
    return reverse("planning:plan-export-xlsx", args=[plan.pk])


def pdf_text(response) -> str:
    """The PDF's text with every run of white space as one space: table cells wrap their lines."""
    return " ".join(text_of(PdfReader(io.BytesIO(response.content))).split())


def document_of(plan, user):
    """The document as the views build it: the plan read by the access helper's query."""
    return plan_document(SuccessionPlan.objects.select_related("unit", "term").get(pk=plan.pk), user)


def header_row(sheet) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == "STT")


def candidate_rows(sheet) -> list[tuple]:
    """The table's candidate rows (an order number in column A) with the position group each is in."""
    found, group = [], None
    for row in sheet.iter_rows(min_row=header_row(sheet) + 2, values_only=True):
        if isinstance(row[0], str) and row[1]:
            group = row[1]
        elif isinstance(row[0], int):
            found.append((group, *row[1:]))
    return found


# --- PDF -------------------------------------------------------------------------------------------


def test_the_pdf_holds_the_head_title_unit_term_and_each_candidate(planned, commune_editor):
    response = client_for(commune_editor).get(pdf_url(planned))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="quy-hoach-doan-xa-an-binh-2025-2030.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    for part in (
        "TỈNH ĐOÀN THỬ",
        "BCH ĐOÀN XÃ AN BÌNH",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "An Bình, ngày … tháng … năm …",
        "DANH SÁCH QUY HOẠCH CÁN BỘ",
        "Đoàn xã An Bình, nhiệm kỳ 2025–2030",
        "(Dự thảo, chưa được phê duyệt)",
        "Chức danh Phó Bí thư",
        "Trần Thị Mai",
        "1998",
        "Đại học Luật",
        "Trung cấp",
        "Sẵn sàng ngay",
        "Lê Văn Hùng",
        "1999",
        "3–5 năm",
        "Con em địa phương",
        "Chưa có người trong quy hoạch",  # Bí thư
        "TM. BAN THƯỜNG VỤ",
        "BÍ THƯ",
    ):
        assert part in text, part
    assert text.index("Chức danh Bí thư") < text.index("Chức danh Phó Bí thư") < text.index("Trần Thị Mai")


def test_the_documents_carry_no_sensitive_data(planned, province_editor):
    client = client_for(province_editor)  # a role that sees sensitive data elsewhere

    text = pdf_text(client.get(pdf_url(planned)))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(xlsx_url(planned)).content)).active
    cells = " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value)

    for document in (text, cells):
        assert "Trần Thị Mai" in document
        assert "Ê Đê" not in document and "Dân tộc" not in document


def test_an_approved_plan_names_its_decisions_and_marks_the_open_reviews_proposals(
    tree, planned, mai, hung, make_cadre, commune_editor, approver
):
    submit_plan(planned, user=commune_editor)
    approve_plan(
        planned,
        user=approver,
        decision_number="12-QĐ/ĐU",
        decided_on=datetime.date(2026, 1, 10),
        approving_body="Đảng ủy xã An Bình",
    )
    review = start_review(planned, year=2026, user=commune_editor)
    remove_candidate(Candidate.objects.get(cadre=hung), reason=RemovalReason.TRANSFERRED, user=commune_editor)
    newcomer = young(make_cadre, tree.branch_a, "Phạm Minh Tú")
    add_candidates(
        planned, [CandidateRow(newcomer, position("bi-thu"), Readiness.ONE_TWO)], user=commune_editor
    )

    text = pdf_text(client_for(commune_editor).get(pdf_url(planned)))

    assert "(Kèm theo Quyết định số 12-QĐ/ĐU ngày 10/01/2026 của Đảng ủy xã An Bình)" in text
    assert "An Bình, ngày … tháng … năm …" in text  # a review is open: the list is a draft again
    lines = {line.full_name: line for line in document_of(planned, commune_editor).lines}
    assert lines["Lê Văn Hùng"].note.startswith("Đề nghị đưa ra khỏi quy hoạch: chuyển công tác, nghỉ việc")
    assert lines["Phạm Minh Tú"].note == "Đề nghị bổ sung (rà soát năm 2026)"
    assert "Đề nghị bổ sung (rà soát năm 2026)" in text

    submit_review(review, user=commune_editor)
    approve_review(review, user=approver, decision_number="30-QĐ/ĐU", decided_on=datetime.date(2026, 11, 20))

    document = document_of(planned, commune_editor)
    assert {line.full_name for line in document.lines} == {"Trần Thị Mai", "Phạm Minh Tú"}
    assert [line.note for line in document.lines] == ["", ""]
    assert [item.full_name for item in document.removed] == ["Lê Văn Hùng"]
    text = pdf_text(client_for(commune_editor).get(pdf_url(planned)))
    assert "(Rà soát, bổ sung năm 2026 theo Quyết định số 30-QĐ/ĐU ngày 20/11/2026)" in text
    assert "An Bình, ngày 20 tháng 11 năm 2026" in text
    assert "Danh sách đưa ra khỏi quy hoạch:" in text
    assert "Lê Văn Hùng (sinh năm 1999), chức danh Ủy viên Ban Thường vụ: năm 2026" in text
    assert text.count("Lê Văn Hùng") == 1  # not in the table
    sheet = openpyxl.load_workbook(
        io.BytesIO(client_for(commune_editor).get(xlsx_url(planned)).content)
    ).active
    assert [sheet["A4"].value, sheet["A5"].value] == [
        "(Kèm theo Quyết định số 12-QĐ/ĐU ngày 10/01/2026 của Đảng ủy xã An Bình)",
        "(Rà soát, bổ sung năm 2026 theo Quyết định số 30-QĐ/ĐU ngày 20/11/2026)",
    ]
    assert {row[1] for row in candidate_rows(sheet)} == {"Trần Thị Mai", "Phạm Minh Tú"}


@pytest.mark.parametrize(
    ("name", "issuer"),
    [
        ("Tỉnh đoàn Gia Lai", "BCH ĐOÀN TỈNH GIA LAI"),
        ("Thành đoàn Hà Nội", "BCH ĐOÀN THÀNH PHỐ HÀ NỘI"),
        ("Đoàn xã Ia Hrú", "BCH ĐOÀN XÃ IA HRÚ"),
        ("Chi đoàn thôn 1", "BCH CHI ĐOÀN THÔN 1"),
        ("Trường THPT Pleiku", "BCH ĐOÀN TRƯỜNG THPT PLEIKU"),
    ],
)
def test_the_issuer_is_the_units_executive_committee(name, issuer):
    assert issuer_name(Unit(name=name)) == issuer


def test_a_province_plan_has_no_superior_line_and_is_dated_in_the_province(tree, term, province_editor):
    plan = SuccessionPlan.objects.create(unit=tree.province, term=term)

    head = document_of(plan, province_editor).head

    assert (head.superior, head.issuer, head.date_line) == (
        "",
        "BCH ĐOÀN TỈNH THỬ",
        "Thử, ngày … tháng … năm …",
    )


# --- Excel -----------------------------------------------------------------------------------------


def test_the_xlsx_lists_every_candidate_under_its_position_as_the_database_has_them(planned, commune_editor):
    response = client_for(commune_editor).get(xlsx_url(planned))

    assert response.status_code == 200
    assert 'filename="quy-hoach-doan-xa-an-binh-2025-2030.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "BCH ĐOÀN XÃ AN BÌNH",
        "DANH SÁCH QUY HOẠCH CÁN BỘ",
        "Đoàn xã An Bình, nhiệm kỳ 2025–2030",
    ]
    assert sheet["A4"].value == "(Dự thảo, chưa được phê duyệt)"
    header = header_row(sheet)
    assert f"C{header}:D{header}" in sheet.merged_cells  # "Năm sinh" over Nam, Nữ
    assert f"A{header}:A{header + 1}" in sheet.merged_cells  # "STT" down both rows
    assert (sheet[f"C{header}"].value, sheet[f"C{header + 1}"].value, sheet[f"D{header + 1}"].value) == (
        "Năm sinh",
        "Nam",
        "Nữ",
    )
    expected = {
        (
            f"Chức danh {c.position.name}",
            c.cadre.full_name,
            c.cadre.birth_date.year,
            c.get_readiness_display(),
        )
        for c in Candidate.objects.filter(plan=planned, removed_year__isnull=True).select_related(
            "cadre", "position"
        )
    }
    rows = candidate_rows(sheet)
    assert len(rows) == Candidate.objects.filter(plan=planned, removed_year__isnull=True).count() == 2
    assert {(r[0], r[1], r[2] or r[3], r[7]) for r in rows} == expected
    by_name = {r[1]: r for r in rows}
    assert by_name["Trần Thị Mai"][2:4] == (None, 1998)  # a woman's year in the "Nữ" column
    assert by_name["Trần Thị Mai"][5:7] == ("Đại học Luật", "Trung cấp")
    assert by_name["Lê Văn Hùng"][2:4] == (1999, None)
    assert by_name["Lê Văn Hùng"][9] == "Con em địa phương"


def test_a_name_that_looks_like_a_formula_is_stored_as_text(tree, plan, make_cadre, commune_editor):
    name = '=HYPERLINK("http://x.example","Bấm")'
    cadre = young(make_cadre, tree.branch_a, name)
    add_candidates(plan, [CandidateRow(cadre, position("uv-bch"))], user=commune_editor)

    response = client_for(commune_editor).get(xlsx_url(plan))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == name]
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_export_is_logged_with_its_number_of_rows(planned, province_editor):
    client_for(province_editor).get(xlsx_url(planned))

    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows) == (province_editor, AccessAction.EXPORT, 2)
    assert "Đoàn xã An Bình" in log.detail and "XLSX" in log.detail


# --- The data function -----------------------------------------------------------------------------


def test_the_data_functions_query_count_does_not_grow_with_candidates(tree, plan, make_cadre, commune_editor):
    codes = ["bi-thu", "bi-thu", "pho-bi-thu", "pho-bi-thu", "pho-bi-thu", "uv-btv", "uv-btv", "uv-btv"]
    rows = [
        CandidateRow(young(make_cadre, tree.branch_a, f"Ứng Viên {n}"), position(code))
        for n, code in enumerate(codes)
    ]
    add_candidates(plan, rows[:2], user=commune_editor)
    with CaptureQueriesContext(connection) as few:
        assert document_of(plan, commune_editor).row_count == 2

    add_candidates(plan, rows[2:], user=commune_editor)
    with CaptureQueriesContext(connection) as many:
        assert document_of(plan, commune_editor).row_count == 8

    assert len(many) == len(few)


# --- Access ------------------------------------------------------------------------------------------


def test_a_viewer_downloads_both_files(planned, viewer):
    client = client_for(viewer)

    assert client.get(pdf_url(planned)).status_code == 200
    assert client.get(xlsx_url(planned)).status_code == 200


def test_a_commune_editor_gets_404_for_another_communes_plan(tree, term, commune_editor):
    other = SuccessionPlan.objects.create(unit=tree.commune_b, term=term)
    client = client_for(commune_editor)

    assert client.get(pdf_url(other)).status_code == 404
    assert client.get(xlsx_url(other)).status_code == 404


def test_it_rejects_post(planned, commune_editor):
    client = client_for(commune_editor)

    assert client.post(pdf_url(planned)).status_code == 405
    assert client.post(xlsx_url(planned)).status_code == 405


def test_it_asks_anonymous_users_to_sign_in(planned):
    response = Client().get(pdf_url(planned))

    assert response.status_code == 302 and "login" in response["Location"]
