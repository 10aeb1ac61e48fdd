"""The statistics as xlsx and PDF: parsed back, cell by cell and text by text."""

import datetime
import io
import subprocess

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from cadres.models import Gender, PoliticalTheory
from common.dates import today, years_before
from reports.statistics.data import COLUMNS, quality_statistics
from reports.statistics.documents import statistics_document
from reports.statistics.xlsx import HEADER_ROW, write_statistics_xlsx

XLSX = reverse("reports:statistics-xlsx")
PDF = reverse("reports:statistics-pdf")


@pytest.fixture
def cadres(tree, make_cadre):
    day = today()
    make_cadre(tree.province, birth_date=years_before(day, 45), gender=Gender.FEMALE)
    make_cadre(tree.commune_a, birth_date=years_before(day, 28), ethnicity="Gia Rai")
    make_cadre(tree.branch_a, birth_date=years_before(day, 33), party_joined_on=datetime.date(2019, 3, 26))
    make_cadre(tree.commune_b, birth_date=years_before(day, 38), political_theory=PoliticalTheory.ADVANCED)
    make_cadre(tree.district_branch, birth_date=years_before(day, 25))


def workbook_of(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_it_writes_the_table_cell_by_cell(client, province_editor, tree, cadres):
    client.force_login(province_editor)

    response = client.get(XLSX, {"unit": tree.province.pk, "date": today().isoformat()})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert (
        f"thong-ke-chat-luong-can-bo_tinh-doan-thu_{today().isoformat()}.xlsx"
        in response["Content-Disposition"]
    )
    sheet = workbook_of(response).active
    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "BCH ĐOÀN TỈNH THỬ" in texts  # the issuing body of the chosen unit
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in texts
    assert sheet.cell(5, 1).value == "THỐNG KÊ CHẤT LƯỢNG ĐỘI NGŨ CÁN BỘ ĐOÀN"
    assert sheet.cell(6, 1).value == "Tỉnh đoàn Thử"
    assert sheet.cell(7, 1).value == f"Tính đến ngày {today():%d/%m/%Y}"
    # The two header rows: single columns over both, the groups over their columns.
    merged = {str(ranged) for ranged in sheet.merged_cells.ranges}
    header, below = HEADER_ROW, HEADER_ROW + 1
    assert {f"A{header}:A{below}", f"B{header}:B{below}", f"C{header}:C{below}"} <= merged
    assert {
        f"D{header}:F{header}",
        f"G{header}:J{header}",
        f"K{header}:M{header}",
        f"N{header}:P{header}",
    } <= merged
    assert {f"Q{header}:R{header}", f"S{header}:T{header}"} <= merged
    top = [sheet.cell(header, column).value for column in (1, 2, 3, 4, 7, 11, 14, 17, 19)]
    assert top == [
        "STT",
        "Đơn vị",
        "Tổng số",
        "Trong đó",
        "Độ tuổi",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Tin học, ngoại ngữ",
        "Chế độ công tác",
    ]
    assert [sheet.cell(below, column).value for column in range(4, 21)] == [c.label for c in COLUMNS[1:]]
    # A row per unit, then the total, each figure a number.
    table = quality_statistics(province_editor, tree.province, today())
    first = HEADER_ROW + 2
    for offset, line in enumerate([*table.rows, table.total]):
        row = first + offset
        assert sheet.cell(row, 2).value == line.label
        assert [sheet.cell(row, column).value for column in range(3, 21)] == line.values
    assert sheet.cell(first, 1).value == 1
    total_row = first + len(table.rows)
    assert sheet.cell(total_row, 2).value == "Tổng cộng"
    assert sheet.cell(total_row, 3).value == 5
    assert sheet.cell(total_row, 3).number_format == "#,##0"
    assert sheet.cell(total_row, 3).font.bold
    assert "NGƯỜI LẬP BIỂU" in texts
    assert "TM. BAN THƯỜNG VỤ" in texts and "BÍ THƯ" in texts
    assert province_editor.get_full_name() in texts
    assert "- Chuyên trách gồm cả cán bộ bán chuyên trách." in texts


def test_it_sets_the_sheet_up_for_printing(client, province_editor, cadres):
    client.force_login(province_editor)

    sheet = workbook_of(client.get(XLSX)).active

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # "9": A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"
    assert sheet.page_margins.left < 0.75
    assert sheet.freeze_panes == f"C{HEADER_ROW + 2}"


def test_it_notes_that_qualifications_are_current_on_a_past_date(client, province_editor, cadres):
    client.force_login(province_editor)

    sheet = workbook_of(client.get(XLSX, {"date": "31/12/2025"})).active

    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Tính đến ngày 31/12/2025" in texts
    assert any("hệ thống không lưu lịch sử các thông tin này" in text for text in texts)


def test_it_leaves_the_sensitive_cells_blank_for_a_viewer(client, viewer, cadres):
    client.force_login(viewer)

    sheet = workbook_of(client.get(XLSX)).active

    total_row = next(row for row in range(1, 40) if sheet.cell(row, 2).value == "Tổng cộng")
    assert sheet.cell(total_row, 3).value == 5
    assert sheet.cell(total_row, 5).value is None and sheet.cell(total_row, 6).value is None
    assert sheet.cell(HEADER_ROW + 1, 5).value == "Dân tộc thiểu số"


def test_it_keeps_formula_like_unit_names_as_text(province_editor, tree, make_cadre):
    from tests.factories import UnitFactory

    odd = UnitFactory(parent=tree.province, name='=HYPERLINK("http://x")')
    make_cadre(odd)
    table = quality_statistics(province_editor, tree.province, today())
    out = io.BytesIO()
    write_statistics_xlsx(out, statistics_document(table, province_editor))

    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == odd.name)
    assert cell.data_type == "s" and cell.quotePrefix


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_it_prints_the_pdf_landscape_with_the_official_head(client, province_editor, tree, cadres):
    client.force_login(province_editor)

    response = client.get(PDF, {"unit": tree.province.pk, "date": "31/12/2025"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297
    text = pdf_text(response.content)
    for expected in (
        "BCH ĐOÀN TỈNH THỬ",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "THỐNG KÊ CHẤT LƯỢNG ĐỘI NGŨ CÁN BỘ ĐOÀN",
        "Tính đến ngày 31/12/2025",
        "Cơ quan Tỉnh đoàn Thử",
        "Đoàn xã An Bình",
        "Huyện đoàn Cũ",
        "Tổng cộng",
        "Lý luận chính trị",
        "NGƯỜI LẬP BIỂU",
        "TM. BAN THƯỜNG VỤ",
        "hệ thống không lưu lịch sử",
        f"ngày {today().day:02d}",
    ):
        assert expected in text, expected
    pypdf_text = "".join(p.extract_text() for p in reader.pages)
    assert "Trình độ chuyên môn" in pypdf_text


def test_it_prints_the_figures_of_the_table_in_the_pdf(client, province_editor, tree, cadres):
    client.force_login(province_editor)

    text = pdf_text(client.get(PDF, {"unit": tree.commune_a.pk}).content)

    line = next(line for line in text.splitlines() if line.strip().startswith("Tổng cộng"))
    table = quality_statistics(province_editor, tree.commune_a, today())
    assert line.split()[2:] == table.total.printed


def test_it_names_the_files_in_vietnamese(client, province_editor, tree, cadres):
    client.force_login(province_editor)

    response = client.get(PDF, {"unit": tree.commune_a.pk, "date": "2025-12-31"})

    disposition = response["Content-Disposition"]
    assert 'filename="thong-ke-chat-luong-can-bo_doan-xa-an-binh_2025-12-31.pdf"' in disposition
    assert "filename*=UTF-8''Th%E1%BB%91ng" in disposition
    assert response["Cache-Control"] == "private, no-store"


def test_it_makes_the_documents_of_the_whole_organisation(client, system_admin, cadres):
    client.force_login(system_admin)

    sheet = workbook_of(client.get(XLSX)).active
    pdf = client.get(PDF)

    assert sheet.cell(6, 1).value == "Toàn hệ thống"
    assert [sheet.cell(row, 2).value for row in (HEADER_ROW + 2, HEADER_ROW + 3, HEADER_ROW + 4)] == [
        "Tỉnh đoàn Thử",
        "Tỉnh đoàn Khác",
        "Tổng cộng",
    ]
    assert pdf.status_code == 200
    assert "Toàn hệ thống" in pdf_text(pdf.content)
