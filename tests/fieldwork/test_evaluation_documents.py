"""The evaluation's documents: a cadre's form as PDF, and a rating unit's summary list as PDF and
as Excel, parsed back and checked against the database; one data function for the list, whose
query count does not grow with the cadres; the counts per classification and the 20% figure;
the defaults of the period and of the unit; scope (another unit's evaluation, a unit outside the
scope: 404) and GET only. Evaluations are rated through the services, on the scheme seeded by
migration 0004 (100 points, 90/70/50, "xuất sắc" at most 20% of "tốt")."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.models import AccessAction, AccessLog
from fieldwork.evaluation import document_views, services
from fieldwork.evaluation.documents import COLUMNS, evaluation_document, unit_document
from fieldwork.evaluation.models import Classification, Evaluation, EvaluationStatus, Period, format_points
from fieldwork.evaluation.views import get_evaluation_for_user
from tests.common.test_pdf import text_of
from tests.fieldwork.conftest import client_for

pytestmark = pytest.mark.django_db

YEAR = 2026
DECIDED_ON = datetime.date(2026, 12, 20)
DECISION = "12-QĐ/TĐTN"
OVERRIDE = "Thành tích đột xuất trong phòng chống thiên tai"


def spread(scheme, total: Decimal) -> dict[int, Decimal]:
    """Points per criterion adding up to ``total``: each criterion its share of it."""
    criteria = list(scheme.criteria.order_by("order"))
    points, left = {}, total
    for criterion in criteria[:-1]:
        points[criterion.pk] = value = (criterion.max_points * total / 100).quantize(Decimal("0.01"))
        left -= value
    points[criteria[-1].pk] = left
    return points


def take(evaluation, steps, total, *, user, reason="", comment="") -> Evaluation:
    points = spread(evaluation.scheme, Decimal(total))
    for step in steps:
        evaluation = services.record_step(
            evaluation,
            step=step,
            points=points,
            comment=comment,
            user=user,
            base_version=evaluation.version,
            decision_number=DECISION if step == "decide" else "",
            decision_date=DECIDED_ON if step == "decide" else None,
            override_reason=reason,
        )
    return evaluation


# (name, position, birth date, points, the steps taken)
OFFICE = [
    ("Trần Thị Mai", "bi-thu", datetime.date(1990, 4, 2), "87.5", 3),
    ("Nguyễn Văn An", "pho-bi-thu", datetime.date(1992, 11, 20), "80", 3),
    ("Lê Văn Bình", "uv-btv", datetime.date(1993, 1, 5), "75", 3),
    ("Phạm Thị Cúc", "uv-bch", datetime.date(1994, 2, 8), "72", 3),
    ("Hoàng Văn Dũng", "uv-bch", datetime.date(1995, 3, 9), "70", 3),
    ("Võ Thị Em", "uv-bch", datetime.date(1996, 5, 10), "95", 3),
    ("Đặng Văn Giang", "uv-bch", datetime.date(1997, 6, 11), "92", 3),
    ("Bùi Thị Hoa", "uv-bch", datetime.date(1998, 7, 12), "60", 2),  # reviewed
    ("Đỗ Văn Khoa", "uv-bch", datetime.date(1999, 8, 13), "45", 1),  # self-assessed
    ("Ngô Thị Lan", "uv-bch", datetime.date(2000, 9, 14), "0", 0),  # not started
]
STEPS = ("self", "review", "decide")
OVER_SHARE = "Đặng Văn Giang"
COMMENT = "Hoàn thành tốt nhiệm vụ được giao; cần phát huy tinh thần đổi mới."


@pytest.fixture
def office(tree, make_cadre):
    return {
        name: make_cadre(tree.province, full_name=name, code=code, birth_date=born)
        for name, code, born, _, _ in OFFICE
    }


@pytest.fixture
def rated(office, tree, province_editor):
    """The office's evaluations for the year: seven decided (five "tốt", two "xuất sắc", one of
    them over the share with a reason), one reviewed, one self-assessed, one not started."""
    opened = services.open_evaluations(
        unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor
    )
    by_cadre = {evaluation.cadre_id: evaluation for evaluation in opened}
    found = {}
    for name, _, _, total, steps in OFFICE:  # the last "xuất sắc" is decided over the share, with a reason
        reason = OVERRIDE if name == OVER_SHARE else ""
        comment = COMMENT if name == "Trần Thị Mai" else ""
        found[name] = take(
            by_cadre[office[name].pk],
            STEPS[:steps],
            total,
            user=province_editor,
            reason=reason,
            comment=comment,
        )
    return found


def pdf_text(response) -> str:
    """The PDF's text with every run of white space as one space: table cells wrap their lines."""
    return " ".join(text_of(PdfReader(io.BytesIO(response.content))).split())


def form_url(evaluation) -> str:
    return reverse("fieldwork:evaluation-pdf", args=[evaluation.pk])


def list_url(name: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse(f'fieldwork:evaluations-{name}')}?{query}"


def sheet_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def header_row(sheet) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == "STT")


def table(sheet) -> list[dict]:
    """The cadre rows (an order number in column A) as dicts keyed by the columns' keys."""
    first = header_row(sheet) + 2
    keys = [column.key for column in COLUMNS]
    return [
        dict(zip(keys, row, strict=False))
        for row in sheet.iter_rows(min_row=first, max_col=len(keys), values_only=True)
        if isinstance(row[0], int)
    ]


# --- The cadre's form ----------------------------------------------------------------------------


def test_the_form_holds_the_head_the_cadre_every_criterion_and_the_decision(rated, province_editor):
    evaluation = rated["Trần Thị Mai"]

    response = client_for(province_editor).get(form_url(evaluation))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert 'filename="phieu-danh-gia-tran-thi-mai-2026.pdf"' in disposition
    assert "filename*=UTF-8''Phi%E1%BA%BFu%20%C4%91%C3%A1nh%20gi%C3%A1_Tr%E1%BA%A7n%20Th%E1%BB%8B%20Mai_" in (
        disposition
    )
    text = pdf_text(response)
    for part in (
        "BCH ĐOÀN TỈNH THỬ",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Thử, ngày 20 tháng 12 năm 2026",
        "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ Năm 2026",
        "Họ và tên: Trần Thị Mai",
        "Ngày sinh: 02/04/1990",
        "Chức vụ: Bí thư",
        "Đơn vị: Tỉnh đoàn Thử",
        "Tổng cộng 100 87,5 87,5 87,5",
        f"Tự nhận xét của cán bộ: {COMMENT} Nhận xét của tập thể: {COMMENT}",
        f"Ý kiến của cấp có thẩm quyền: {COMMENT}",
        "Xếp loại: Hoàn thành tốt nhiệm vụ",
        "Quyết định số 12-QĐ/TĐTN ngày 20/12/2026",
        "NGƯỜI TỰ ĐÁNH GIÁ",
        "XÁC NHẬN CỦA TẬP THỂ TM. TẬP THỂ",
        "CẤP CÓ THẨM QUYỀN QUYẾT ĐỊNH",
        "Ngày 20/12/2026",
    ):
        assert part in text, part
    assert "Chưa quyết định" not in text and "vượt tỷ lệ" not in text
    assert text.count("Trần Thị Mai") == 2  # the cadre's line and the self-assessment's signature
    scores = {score.criterion_id: score for score in evaluation.scores.all()}
    for criterion in evaluation.scheme.criteria.all():
        score = scores[criterion.pk]
        points = " ".join(
            format_points(value)
            for value in (criterion.max_points, score.self_points, score.review_points, score.final_points)
        )
        assert f"{criterion.name} {points}" in text, criterion.name
    for group in set(evaluation.scheme.criteria.values_list("group", flat=True)):
        assert group in text


def test_the_form_of_an_override_gives_its_reason(rated, province_editor):
    text = pdf_text(client_for(province_editor).get(form_url(rated[OVER_SHARE])))

    assert "Xếp loại: Hoàn thành xuất sắc nhiệm vụ" in text
    assert f"Lý do xếp loại xuất sắc vượt tỷ lệ: {OVERRIDE}" in text


def test_an_undecided_form_says_so_with_the_collectives_proposal(rated, province_editor):
    evaluation = rated["Bùi Thị Hoa"]
    assert evaluation.status == EvaluationStatus.DECISION

    text = pdf_text(client_for(province_editor).get(form_url(evaluation)))

    assert "Xếp loại: Chưa quyết định (tập thể đề xuất hoàn thành nhiệm vụ)" in text
    assert "Tổng cộng 100 60 60" in text
    assert "Thử, ngày … tháng … năm …" in text  # undated until decided
    assert "Quyết định số" not in text


def test_a_form_not_started_has_blank_points(rated, province_editor):
    text = pdf_text(client_for(province_editor).get(form_url(rated["Ngô Thị Lan"])))

    assert "Tổng cộng 100 Thang điểm xếp loại" in text  # no step's total after the maximum
    assert "Xếp loại: Chưa quyết định NGƯỜI TỰ ĐÁNH GIÁ" in text  # no proposal yet


def test_a_quarterly_form_is_titled_by_its_quarter(office, tree, province_editor):
    (evaluation, *_) = services.open_evaluations(
        unit=tree.province, year=YEAR, period=Period.Q2, user=province_editor
    )

    response = client_for(province_editor).get(form_url(evaluation))

    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ Quý II năm 2026" in pdf_text(response)
    assert "-2026-q2.pdf" in response["Content-Disposition"]


def test_a_viewer_downloads_the_form(rated, viewer):
    assert client_for(viewer).get(form_url(rated["Trần Thị Mai"])).status_code == 200


def test_the_form_download_is_logged(rated, province_editor):
    client_for(province_editor).get(form_url(rated["Trần Thị Mai"]))

    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows) == (province_editor, AccessAction.EXPORT, 1)
    assert "Trần Thị Mai" in log.detail and "PDF" in log.detail


def test_the_forms_data_takes_three_queries(rated, province_editor, django_assert_max_num_queries):
    evaluation = get_evaluation_for_user(province_editor, rated["Trần Thị Mai"].pk)

    with django_assert_max_num_queries(3):  # the criteria, the scores, the unit's ancestors
        document = evaluation_document(evaluation)

    assert [line.name for line in document.lines if line.is_group] == list(
        dict.fromkeys(evaluation.scheme.criteria.values_list("group", flat=True))
    )


def test_a_failed_pdf_is_a_message_on_the_evaluation_not_a_broken_download(
    rated, province_editor, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint failed")

    monkeypatch.setattr(document_views, "render_evaluation_pdf", broken)
    evaluation = rated["Trần Thị Mai"]

    response = client_for(province_editor).get(form_url(evaluation), follow=True)

    assert response.redirect_chain == [(evaluation.get_absolute_url(), 302)]
    assert "Không tạo được tệp PDF" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_another_units_form_is_404(rated, commune_editor):
    assert client_for(commune_editor).get(form_url(rated["Trần Thị Mai"])).status_code == 404


def test_the_form_rejects_post(rated, province_editor):
    assert client_for(province_editor).post(form_url(rated["Trần Thị Mai"])).status_code == 405


# --- The unit's list as PDF ----------------------------------------------------------------------


def test_the_list_pdf_holds_every_cadre_the_counts_and_the_share(rated, tree, province_editor):
    response = client_for(province_editor).get(
        list_url("pdf", unit=tree.province.pk, year=YEAR, period="year")
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ket-qua-danh-gia-xep-loai-tinh-doan-thu-2026.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    for part in (
        "BCH ĐOÀN TỈNH THỬ",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Thử, ngày … tháng … năm …",  # not every evaluation is decided yet
        "DANH SÁCH TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ Năm 2026",
        "1 Trần Thị Mai 02/04/1990 Bí thư 87,5 87,5 87,5 Hoàn thành tốt nhiệm vụ 12-QĐ/TĐTN 20/12/2026",
        "Đặng Văn Giang 11/06/1997 Ủy viên Ban Chấp hành 92 92 92 Hoàn thành xuất sắc nhiệm vụ "
        f"12-QĐ/TĐTN 20/12/2026 Vượt tỷ lệ: {OVERRIDE}",
        "Bùi Thị Hoa 12/07/1998 Ủy viên Ban Chấp hành 60 60 Chờ cấp có thẩm quyền quyết định; tập thể "
        "đề xuất hoàn thành nhiệm vụ",
        "Đỗ Văn Khoa 13/08/1999 Ủy viên Ban Chấp hành 45 Chờ tập thể nhận xét; tự đánh giá không hoàn "
        "thành nhiệm vụ",
        "Ngô Thị Lan 14/09/2000 Ủy viên Ban Chấp hành Chờ tự đánh giá",
        "Tổng số: 10 cán bộ. Hoàn thành xuất sắc nhiệm vụ: 2; Hoàn thành tốt nhiệm vụ: 5; Hoàn thành nhiệm "
        "vụ: 0; Không hoàn thành nhiệm vụ: 0; Chưa quyết định: 3.",
        "Tỷ lệ xếp loại xuất sắc: 2 trên 5 xếp loại tốt (40%); tối đa 20% số xếp loại tốt (1 người); vượt "
        "tỷ lệ, lý do ghi ở cột Ghi chú (tính cả phiếu chờ quyết định, theo điểm của tập thể).",
        "TM. BAN THƯỜNG VỤ",
        "BÍ THƯ",
    ):
        assert part in text, part
    for evaluation in Evaluation.objects.filter(unit=tree.province, year=YEAR).select_related("cadre"):
        assert text.count(evaluation.cadre.full_name) == 1


def test_the_list_pdf_of_a_decided_unit_is_dated_by_the_decision(office, tree, province_editor):
    (evaluation, *_) = services.open_evaluations(
        unit=tree.province, year=YEAR, period=Period.Q1, user=province_editor
    )
    Evaluation.objects.filter(unit=tree.province, period=Period.Q1).exclude(pk=evaluation.pk).delete()
    take(evaluation, STEPS, "75", user=province_editor)

    text = pdf_text(client_for(province_editor).get(list_url("pdf", period="q1", year=YEAR)))

    assert "Thử, ngày 20 tháng 12 năm 2026" in text
    assert "Quý I năm 2026" in text
    assert (
        "Tỷ lệ xếp loại xuất sắc: 0 trên 1 xếp loại tốt (0%); tối đa 20% số xếp loại tốt (0 người)." in text
    )


def test_an_empty_list_says_so(tree, commune_editor):
    response = client_for(commune_editor).get(list_url("pdf"))

    assert response.status_code == 200
    text = pdf_text(response)
    assert "BCH ĐOÀN XÃ AN BÌNH" in text and "TỈNH ĐOÀN THỬ" in text
    assert "Chưa có phiếu đánh giá." in text
    assert "Tổng số" not in text and "Tỷ lệ" not in text


# --- The unit's list as Excel --------------------------------------------------------------------


def test_the_list_xlsx_holds_every_evaluation_as_the_database_has_them(rated, tree, province_editor):
    response = client_for(province_editor).get(list_url("xlsx", unit=tree.province.pk, year=YEAR))

    assert response.status_code == 200
    assert 'filename="ket-qua-danh-gia-xep-loai-tinh-doan-thu-2026.xlsx"' in response["Content-Disposition"]
    sheet = sheet_of(response)
    assert [sheet["A1"].value, sheet["A2"].value, sheet["F1"].value, sheet["F2"].value] == [
        "BCH ĐOÀN TỈNH THỬ",
        "***",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Thử, ngày … tháng … năm …",
    ]
    assert [sheet["A5"].value, sheet["A6"].value] == [
        "DANH SÁCH TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ",
        "Năm 2026",
    ]
    header = header_row(sheet)
    assert [cell.value for cell in sheet[header]][:11] == [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Chức vụ",
        "Điểm",
        None,
        None,
        "Xếp loại",
        "Quyết định xếp loại",
        None,
        "Ghi chú",
    ]
    assert [cell.value for cell in sheet[header + 1]][4:10] == [
        "Tự chấm",
        "Tập thể",
        "Quyết định",
        None,
        "Số",
        "Ngày",
    ]
    assert {str(merged) for merged in sheet.merged_cells.ranges} >= {
        f"A{header}:A{header + 1}",
        f"E{header}:G{header}",
        f"I{header}:J{header}",
    }
    rows = table(sheet)
    evaluations = Evaluation.objects.filter(unit=tree.province, year=YEAR).select_related("cadre__position")
    expected = {
        (
            e.cadre.full_name,
            e.cadre.birth_date,
            e.cadre.position.name,
            None if e.self_points is None else float(e.self_points),
            None if e.review_points is None else float(e.review_points),
            None if e.final_points is None else float(e.final_points),
            e.get_classification_display() if e.is_decided else None,
            e.decision_number or None,
            e.decision_date,
        )
        for e in evaluations
    }
    found = {
        (
            row["full_name"],
            row["birth_date"].date(),
            row["position"],
            row["self_points"],
            row["review_points"],
            row["final_points"],
            row["classification"],
            row["decision_number"],
            row["decision_date"].date() if row["decision_date"] else None,
        )
        for row in rows
    }
    assert len(rows) == len(expected) == 10
    assert found == expected
    assert [row["number"] for row in rows] == list(range(1, 11))
    assert rows[0]["full_name"] == "Trần Thị Mai"  # the Bí thư first
    notes = {row["full_name"]: row["note"] for row in rows}
    assert notes["Đặng Văn Giang"] == f"Vượt tỷ lệ: {OVERRIDE}"
    assert notes["Trần Thị Mai"] is None
    assert notes["Ngô Thị Lan"] == "Chờ tự đánh giá"
    mai = header + 2
    assert sheet[f"E{mai}"].value == 87.5 and sheet[f"E{mai}"].number_format == "0.0#"


def test_the_list_xlsx_sums_up_and_ends_with_the_signature(rated, province_editor):
    sheet = sheet_of(client_for(province_editor).get(list_url("xlsx", year=YEAR)))

    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert (
        "Tổng số: 10 cán bộ. Hoàn thành xuất sắc nhiệm vụ: 2; Hoàn thành tốt nhiệm vụ: 5; Hoàn thành "
        "nhiệm vụ: 0; Không hoàn thành nhiệm vụ: 0; Chưa quyết định: 3." in texts
    )
    assert any(text.startswith("Tỷ lệ xếp loại xuất sắc: 2 trên 5 xếp loại tốt (40%)") for text in texts)
    assert texts[-2:] == ["TM. BAN THƯỜNG VỤ", "BÍ THƯ"]


def test_the_xlsx_prints_landscape_one_page_wide_with_the_header_on_every_page(rated, province_editor):
    sheet = sheet_of(client_for(province_editor).get(list_url("xlsx", year=YEAR)))

    header = header_row(sheet)
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${header}:${header + 1}"
    assert sheet.freeze_panes == f"C{header + 2}"


def test_a_name_that_looks_like_a_formula_is_stored_as_text(tree, make_cadre, province_editor):
    name = "=cmd|' /C calc'!A0"
    make_cadre(tree.province, full_name=name)
    services.open_evaluations(unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor)

    sheet = sheet_of(client_for(province_editor).get(list_url("xlsx", year=YEAR)))

    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == name]
    assert cell.data_type == "s" and cell.quotePrefix


def test_an_empty_xlsx_says_so(tree, commune_editor):
    sheet = sheet_of(client_for(commune_editor).get(list_url("xlsx", year=YEAR, period="q3")))

    assert sheet.cell(row=header_row(sheet) + 2, column=1).value == "Chưa có phiếu đánh giá."
    assert table(sheet) == []
    assert sheet["A6"].value == "Quý III năm 2026"


def test_the_list_export_is_logged_with_its_rows(rated, province_editor):
    client_for(province_editor).get(list_url("xlsx", year=YEAR))

    log = AccessLog.objects.get()
    assert (log.user, log.action, log.rows) == (province_editor, AccessAction.EXPORT, 10)
    assert "Năm 2026" in log.detail and "Tỉnh đoàn Thử" in log.detail and "XLSX" in log.detail


# --- The choice of unit and period, and the data function ----------------------------------------


def test_it_defaults_to_the_users_unit_and_this_years_whole_year(rated, tree, province_editor):
    sheet = sheet_of(client_for(province_editor).get(list_url("xlsx", year="abc", period="q9")))

    assert sheet["A6"].value == f"Năm {timezone.localdate().year}"
    assert sheet["A1"].value == "BCH ĐOÀN TỈNH THỬ"


def test_a_system_admin_without_a_unit_gets_the_top_unit(rated, system_admin):
    response = client_for(system_admin).get(list_url("xlsx", year=YEAR))

    assert response.status_code == 200
    assert len(table(sheet_of(response))) == 10


def test_a_unit_below_the_users_lists_its_own_evaluations(rated, tree, province_editor):
    response = client_for(province_editor).get(list_url("xlsx", unit=tree.commune_a.pk, year=YEAR))

    assert response.status_code == 200
    assert sheet_of(response)["A1"].value == "TỈNH ĐOÀN THỬ"
    assert table(sheet_of(response)) == []


@pytest.mark.parametrize("name", ["pdf", "xlsx"])
@pytest.mark.parametrize("unit", ["other", "abc", "99999999999999", "0"])
def test_a_unit_outside_the_scope_or_not_a_unit_is_404(tree, commune_editor, name, unit):
    value = tree.province.pk if unit == "other" else unit

    assert client_for(commune_editor).get(list_url(name, unit=value)).status_code == 404


@pytest.mark.parametrize("name", ["pdf", "xlsx"])
def test_the_list_rejects_post(tree, province_editor, name):
    assert client_for(province_editor).post(list_url(name)).status_code == 405


def test_the_data_functions_query_count_does_not_grow_with_cadres(rated, tree, make_cadre, province_editor):
    with CaptureQueriesContext(connection) as few:
        assert unit_document(province_editor, tree.province, YEAR, Period.YEAR).row_count == 10

    for n in range(5):
        make_cadre(tree.province, full_name=f"Cán Bộ Mới {n}")
    services.open_evaluations(unit=tree.province, year=YEAR, period=Period.YEAR, user=province_editor)
    with CaptureQueriesContext(connection) as many:
        document = unit_document(province_editor, tree.province, YEAR, Period.YEAR)

    assert document.row_count == 15
    assert len(many) == len(few) <= 4
    assert dict(document.counts)[Classification.GOOD.label] == 5


@pytest.mark.parametrize(
    ("name", "limit", "what", "advice"),
    [
        ("pdf", "MAX_PDF_ROWS", "bản PDF", "Hãy tải bản Excel."),
        ("xlsx", "MAX_XLSX_ROWS", "bản Excel", "Hãy liên hệ quản trị hệ thống."),
    ],
)
def test_a_list_too_long_to_make_while_the_user_waits_is_a_message(
    rated, tree, province_editor, monkeypatch, name, limit, what, advice
):
    monkeypatch.setattr(document_views, limit, 9)  # the office has ten
    client = client_for(province_editor)
    response = client.get(list_url(name, unit=tree.province.pk, year=YEAR, period="year"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("fieldwork:evaluations"))
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [f"Tỉnh đoàn Thử có 10 phiếu đánh giá: {what} chỉ lập được cho tối đa 9 phiếu. {advice}"]
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
    monkeypatch.setattr(document_views, limit, 10)
    assert client.get(list_url(name, unit=tree.province.pk, year=YEAR, period="year")).status_code == 200
