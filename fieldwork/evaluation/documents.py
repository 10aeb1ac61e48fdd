"""The evaluation's official documents: a cadre's form (phiếu đánh giá, xếp loại cán bộ) and a
rating unit's summary list (danh sách tổng hợp kết quả đánh giá, xếp loại cán bộ) for a period.
``evaluation_document`` and ``unit_document`` compute what each says, once, in a constant number
of queries; ``render_evaluation_pdf``, ``render_unit_pdf`` and ``write_unit_xlsx`` only lay it
out, so the list's PDF and Excel file always agree."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from cadres.models import Unit
from common.downloads import readable_filename
from common.pdf import DocumentHead, Signature, document_place, issuer_name, render_pdf
from common.tables import HeaderCell, header_rows
from common.text import fold
from common.xlsx import (
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    CellKind,
    set_safe_value,
    set_widths,
    sheet_title,
)
from units.models import unit_label

from .models import Classification, Evaluation, EvaluationStatus, Period, format_points
from .services import share_check
from .summary import SummaryFilters, unit_evaluations

EVALUATION_TITLE = "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ"
LIST_TITLE = "DANH SÁCH TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ"
EVALUATION_TEMPLATE = "fieldwork/evaluation/evaluation_pdf.html"
LIST_TEMPLATE = "fieldwork/evaluation/list_pdf.html"
NO_EVALUATION = "Chưa có phiếu đánh giá."
UNDECIDED = "Chưa quyết định"
ON_BEHALF = "TM. BAN THƯỜNG VỤ"
SECRETARY = "BÍ THƯ"


def period_label(year: int, period: str) -> str:
    """ "năm 2026", "Quý I năm 2026", as ``Evaluation.period_label`` words it."""
    return f"năm {year}" if period == Period.YEAR else f"{Period(period).label} năm {year}"


def _capitalized(text: str) -> str:
    """ "Năm 2026", "Quý II năm 2026" (``str.capitalize`` would lower the numeral)."""
    return text[:1].upper() + text[1:]


def _head(unit: Unit, date: datetime.date | None) -> tuple[DocumentHead, list[Unit]]:
    """The official head of a document the rating unit issues, with the unit's ancestors (one
    query): its superior above it, dated in its locality."""
    ancestors = list(unit.ancestors())
    head = DocumentHead(
        issuer=issuer_name(unit),
        superior=ancestors[-1].name.upper() if ancestors else "",
        place=document_place(unit, ancestors),
        date=date,
    )
    return head, ancestors


def _stems(kind: str, name: str, year: int, period: str) -> tuple[str, str]:
    """ "Phiếu đánh giá_Nguyễn Văn An_năm 2026" and "phieu-danh-gia-nguyen-van-an-2026"."""
    when = period_label(year, period)
    suffix = str(year) if period == Period.YEAR else f"{year}-{period}"
    slug = slugify(fold(name))[:60].strip("-")
    return readable_filename(f"{kind}_{name}_{when}"), "-".join(
        filter(None, [slugify(fold(kind)), slug, suffix])
    )


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def _day(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _decision(number: str, date: datetime.date | None) -> str:
    """ "Quyết định số 12-QĐ/TĐTN ngày 20/12/2026", with what there is of it."""
    parts = [f"số {number}" if number else "", f"ngày {_day(date)}" if date else ""]
    return " ".join(["Quyết định", *filter(None, parts)]) if any(parts) else ""


def _proposal(evaluation: Evaluation) -> str:
    """What an undecided evaluation's latest step proposes ("" before the self-assessment)."""
    if not evaluation.classification:
        return ""
    label = evaluation.get_classification_display()
    if evaluation.status == EvaluationStatus.DECISION:
        return f"tập thể đề xuất {label.lower()}"
    return f"tự đánh giá {label.lower()}"


# --- The cadre's form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    """A criterion with its maximum and the points of each step (None: the step is not taken)."""

    number: str  # "1"; "" on a group's line and on the total
    name: str
    max_points: Decimal
    self_points: Decimal | None
    review_points: Decimal | None
    final_points: Decimal | None
    is_group: bool = False

    @property
    def printed(self) -> list[str]:
        """The points as the form prints them: "87,5", "10"; blank for a step not taken."""
        return [
            format_points(value)
            for value in (self.max_points, self.self_points, self.review_points, self.final_points)
        ]


@dataclass(frozen=True)
class StepSignature:
    """A signature block at the foot of the form: who signs for a step, and when it was taken."""

    heading: str  # "NGƯỜI TỰ ĐÁNH GIÁ"
    on_behalf: str  # "TM. TẬP THỂ", or ""
    signer: str
    day: datetime.date | None
    hint: str = "(Ký, ghi rõ họ tên)"

    @property
    def date_line(self) -> str:
        return f"Ngày {_day(self.day)}" if self.day else ""


@dataclass(frozen=True)
class EvaluationDocument:
    head: DocumentHead
    title: str
    period: str  # "Năm 2026", "Quý I năm 2026"
    full_name: str
    birth_date: datetime.date
    position: str
    unit: str  # "Chi đoàn thôn 1 – Đoàn xã An Bình"
    lines: tuple[CriterionLine, ...]  # each group's line, then its criteria's
    total: CriterionLine
    scale: str  # the classification thresholds of the scheme, and where they come from
    comments: tuple[tuple[str, str], ...]  # (label, text); text "" when not written yet
    classification: str  # "Hoàn thành tốt nhiệm vụ", or UNDECIDED
    proposal: str  # for an undecided one: "tập thể đề xuất hoàn thành tốt nhiệm vụ"
    decision: str  # "Quyết định số 12-QĐ/TĐTN ngày 20/12/2026"
    override_reason: str
    signatures: tuple[StepSignature, ...]
    file_stem: str
    ascii_stem: str

    def filenames(self, extension: str) -> tuple[str, str]:
        return f"{self.file_stem}.{extension}", f"{self.ascii_stem}.{extension}"


def evaluation_document(evaluation: Evaluation) -> EvaluationDocument:
    """What ``evaluation``'s form says. ``evaluation`` comes with its cadre and the cadre's
    position, its unit and its scheme joined; three more queries: the criteria, the scores and
    the unit's ancestors."""
    cadre, unit, scheme = evaluation.cadre, evaluation.unit, evaluation.scheme
    scores = {score.criterion_id: score for score in evaluation.scores.all()}
    groups: dict[str, list] = {}
    for criterion in scheme.criteria.all():
        groups.setdefault(criterion.group, []).append((criterion, scores.get(criterion.pk)))
    lines, criteria = [], []
    for group, members in groups.items():
        group_lines = _criterion_lines(members)
        lines += [_summed(group, group_lines, group=True), *group_lines]
        criteria += group_lines
    head, ancestors = _head(unit, evaluation.decision_date if evaluation.is_decided else None)
    file_stem, ascii_stem = _stems("Phiếu đánh giá", cadre.full_name, evaluation.year, evaluation.period)
    return EvaluationDocument(
        head=head,
        title=EVALUATION_TITLE,
        period=_capitalized(period_label(evaluation.year, evaluation.period)),
        full_name=cadre.full_name,
        birth_date=cadre.birth_date,
        position=cadre.position.name if cadre.position_id else "",
        unit=unit_label(unit.name, ancestors[-1].name if ancestors else None),
        lines=tuple(lines),
        total=_summed("Tổng cộng", criteria),
        scale=_scale(scheme),
        comments=(
            ("Tự nhận xét của cán bộ", evaluation.self_comment),
            ("Nhận xét của tập thể", evaluation.review_comment),
            ("Ý kiến của cấp có thẩm quyền", evaluation.decision_comment),
        ),
        classification=evaluation.get_classification_display() if evaluation.is_decided else UNDECIDED,
        proposal="" if evaluation.is_decided else _proposal(evaluation),
        decision=_decision(evaluation.decision_number, evaluation.decision_date),
        override_reason=evaluation.override_reason,
        signatures=(
            StepSignature("NGƯỜI TỰ ĐÁNH GIÁ", "", cadre.full_name, _local_day(evaluation.self_at)),
            StepSignature("XÁC NHẬN CỦA TẬP THỂ", "TM. TẬP THỂ", "", _local_day(evaluation.review_at)),
            StepSignature(
                "CẤP CÓ THẨM QUYỀN QUYẾT ĐỊNH",
                "",
                "",
                evaluation.decision_date if evaluation.is_decided else None,
                hint="(Ký tên, đóng dấu)",
            ),
        ),
        file_stem=file_stem,
        ascii_stem=ascii_stem,
    )


def _criterion_lines(members) -> list[CriterionLine]:
    return [
        CriterionLine(
            number=str(number),
            name=criterion.name,
            max_points=criterion.max_points,
            self_points=score.self_points if score else None,
            review_points=score.review_points if score else None,
            final_points=score.final_points if score else None,
        )
        for number, (criterion, score) in enumerate(members, start=1)
    ]


def _summed(name: str, lines: list[CriterionLine], *, group: bool = False) -> CriterionLine:
    """A group's (or the form's) line: the sums of its criteria's, a step's blank until taken."""

    def total(attribute: str) -> Decimal | None:
        values = [getattr(line, attribute) for line in lines if getattr(line, attribute) is not None]
        return sum(values, Decimal(0)) if values else None

    return CriterionLine(
        number="",
        name=name,
        max_points=total("max_points") or Decimal(0),
        self_points=total("self_points"),
        review_points=total("review_points"),
        final_points=total("final_points"),
        is_group=group,
    )


def _scale(scheme) -> str:
    excellent, good, done = (
        format_points(v) for v in (scheme.excellent_min, scheme.good_min, scheme.done_min)
    )
    return (
        f"Thang điểm xếp loại: từ {excellent} điểm: {Classification.EXCELLENT.label.lower()}; "
        f"từ {good} đến dưới {excellent} điểm: {Classification.GOOD.label.lower()}; "
        f"từ {done} đến dưới {good} điểm: {Classification.DONE.label.lower()}; "
        f"dưới {done} điểm: {Classification.FAILED.label.lower()} ({scheme.source})."
    )


def render_evaluation_pdf(document: EvaluationDocument, *, request=None) -> bytes:
    return render_pdf(EVALUATION_TEMPLATE, {"document": document}, request=request)


# --- The unit's summary list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the list: ``key`` names the ``ResultLine`` attribute it shows; ``group`` the
    header spanning it and its neighbours ("Điểm"); ``width`` in Excel's characters (the PDF
    template sets its own in millimetres, by ``key``)."""

    key: str
    label: str
    width: float
    kind: CellKind = "plain"
    center: bool = False
    group: str = ""
    points: bool = False


COLUMNS = (
    Column("number", "STT", 6, center=True),
    Column("full_name", "Họ và tên", 24),
    Column("birth_date", "Ngày sinh", 12, center=True),
    Column("position", "Chức vụ", 20),
    Column("self_points", "Tự chấm", 9, center=True, group="Điểm", points=True),
    Column("review_points", "Tập thể", 9, center=True, group="Điểm", points=True),
    Column("final_points", "Quyết định", 10, center=True, group="Điểm", points=True),
    Column("classification", "Xếp loại", 22),
    Column("decision_number", "Số", 14, kind="text", group="Quyết định xếp loại"),
    Column("decision_date", "Ngày", 12, center=True, group="Quyết định xếp loại"),
    Column("note", "Ghi chú", 30),
)
POINTS_FORMAT = "0.0#"  # 87.5 → "87,5" on a Vietnamese Excel; two decimals at most, as stored


@dataclass(frozen=True)
class ResultLine:
    """One cadre of the list, as stored (dates as dates, points as numbers)."""

    number: int
    full_name: str
    birth_date: datetime.date
    position: str
    self_points: Decimal | None
    review_points: Decimal | None
    final_points: Decimal | None
    classification: str  # the decided classification; "" until decided
    decision_number: str
    decision_date: datetime.date | None
    note: str


@dataclass(frozen=True)
class UnitDocument:
    head: DocumentHead
    title: str
    subtitle: str  # "Năm 2026", "Quý I năm 2026"
    columns: tuple[Column, ...]
    lines: tuple[ResultLine, ...]
    empty_note: str
    counts: tuple[tuple[str, int], ...]  # ("Hoàn thành tốt nhiệm vụ", 6), then the undecided
    share_note: str  # the "xuất sắc" against the 20% of "tốt"; "" for an empty list
    signature: Signature
    file_stem: str
    ascii_stem: str

    @property
    def row_count(self) -> int:
        return len(self.lines)

    @property
    def headers(self) -> tuple[list[HeaderCell], list[HeaderCell]]:
        return header_rows(self.columns)

    @property
    def summary(self) -> list[str]:
        """The lines under the table: the total, the counts per classification, the share."""
        if not self.lines:
            return []
        counts = "; ".join(f"{label}: {count}" for label, count in self.counts)
        return [f"Tổng số: {self.row_count} cán bộ. {counts}.", *filter(None, [self.share_note])]

    def cells(self, line: ResultLine) -> list[Any]:
        return [getattr(line, column.key) for column in self.columns]

    @property
    def printed_rows(self) -> list[list[tuple[Column, str]]]:
        """Every line's cells as the PDF prints them: dates dd/mm/yyyy, points "87,5"."""
        return [
            [(column, _printed(value)) for column, value in zip(self.columns, self.cells(line), strict=True)]
            for line in self.lines
        ]

    def filenames(self, extension: str) -> tuple[str, str]:
        return f"{self.file_stem}.{extension}", f"{self.ascii_stem}.{extension}"


def unit_document(user, unit: Unit, year: int, period: str) -> UnitDocument:
    """What the summary list of ``unit``'s own evaluations for the period says, in the order of
    the summary page's list. ``unit`` is one the user may see (the view's check). Four queries
    whatever the number of cadres: the evaluations with their cadres, their scheme, the unit's
    ancestors, the share of "xuất sắc"."""
    filters = SummaryFilters(year=year, period=period, unit=unit)
    evaluations = [row.evaluation for row in unit_evaluations(user, filters)]
    lines = tuple(_result_line(number, evaluation) for number, evaluation in enumerate(evaluations, start=1))
    head, _ = _head(unit, _issued_on(evaluations))
    file_stem, ascii_stem = _stems("Kết quả đánh giá, xếp loại", unit.name, year, period)
    return UnitDocument(
        head=head,
        title=LIST_TITLE,
        subtitle=_capitalized(period_label(year, period)),
        columns=COLUMNS,
        lines=lines,
        empty_note=NO_EVALUATION,
        counts=_counts(evaluations),
        share_note=_share_note(unit, year, period, evaluations),
        signature=Signature(signer="", title=SECRETARY, on_behalf=ON_BEHALF, recipients=["Lưu VP"]),
        file_stem=file_stem,
        ascii_stem=ascii_stem,
    )


def _issued_on(evaluations: list[Evaluation]) -> datetime.date | None:
    """Once every evaluation is decided, the list is dated by the latest decision."""
    if not evaluations or not all(e.is_decided for e in evaluations):
        return None
    return max((e.decision_date for e in evaluations if e.decision_date), default=None)


def _result_line(number: int, evaluation: Evaluation) -> ResultLine:
    cadre = evaluation.cadre
    if evaluation.is_decided:
        note = f"Vượt tỷ lệ: {evaluation.override_reason}" if evaluation.override_reason else ""
    else:
        proposal = _proposal(evaluation)
        note = evaluation.get_status_display() + (f"; {proposal}" if proposal else "")
    return ResultLine(
        number=number,
        full_name=cadre.full_name,
        birth_date=cadre.birth_date,
        position=cadre.position.name if cadre.position_id else "",
        self_points=evaluation.self_points,
        review_points=evaluation.review_points,
        final_points=evaluation.final_points,
        classification=evaluation.get_classification_display() if evaluation.is_decided else "",
        decision_number=evaluation.decision_number,
        decision_date=evaluation.decision_date,
        note=note,
    )


def _counts(evaluations: list[Evaluation]) -> tuple[tuple[str, int], ...]:
    """The decided evaluations per classification (every class, none left out), then the
    undecided ones if any."""
    decided = Counter(e.classification for e in evaluations if e.is_decided)
    counts = [(label, decided[value]) for value, label in Classification.choices]
    undecided = sum(1 for e in evaluations if not e.is_decided)
    if undecided:
        counts.append((UNDECIDED, undecided))
    return tuple(counts)


def _share_note(unit: Unit, year: int, period: str, evaluations: list[Evaluation]) -> str:
    """ "Tỷ lệ xếp loại xuất sắc: 2 trên 10 xếp loại tốt (20%); tối đa 20% số xếp loại tốt (2
    người)." — the unit's "xuất sắc" against its "tốt" as ``services.share_check`` counts them,
    with the evaluations the collective has reviewed."""
    if not evaluations:
        return ""
    check = share_check(unit_id=unit.pk, year=year, period=period, scheme=evaluations[0].scheme)
    if check.good:
        ratio = format_points(Decimal(check.excellent * 100) / check.good)
        found = f"{check.excellent} trên {check.good} xếp loại tốt ({ratio}%)"
    else:
        found = f"{check.excellent}, chưa có xếp loại tốt"
    sentence = (
        f"Tỷ lệ xếp loại xuất sắc: {found}; tối đa {check.share}% số xếp loại tốt ({check.allowed} người)"
    )
    if check.exceeded:
        sentence += "; vượt tỷ lệ"
        if any(e.override_reason for e in evaluations):
            sentence += ", lý do ghi ở cột Ghi chú"
    if any(e.status == EvaluationStatus.DECISION for e in evaluations):
        sentence += " (tính cả phiếu chờ quyết định, theo điểm của tập thể)"
    return sentence + "."


def _printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return _day(value)
    if isinstance(value, Decimal):
        return format_points(value)
    return str(value)


def render_unit_pdf(document: UnitDocument, *, request=None) -> bytes:
    return render_pdf(LIST_TEMPLATE, {"document": document}, request=request)


# --- The list in Excel --------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_ISSUER_COLUMNS = 4  # the head's left block (the issuer) spans the first columns…
_SIGNATURE_COLUMNS = 4  # …and the signature the last ones


def write_unit_xlsx(out: BinaryIO, document: UnitDocument) -> int:
    """The list as a workbook of one sheet: the official head (the issuer on the left, the
    Youth Union and the date on the right), the title, the two header rows (kept in view and
    printed on every page), one row per cadre, the counts and the signature. Every cell goes
    through ``set_safe_value``. Returns the number of cadre rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title("Kết quả đánh giá")
    width = len(document.columns)
    set_widths(sheet, (column.width for column in document.columns))
    head = document.head
    left = [(head.superior, Font()), (head.issuer, Font(bold=True)), ("***", Font())]
    right = [(head.heading, Font(bold=True, underline="single")), (head.date_line, Font(italic=True))]
    for columns, lines in (((1, _ISSUER_COLUMNS), left), ((_ISSUER_COLUMNS + 2, width), right)):
        for row, (text, font) in enumerate([line for line in lines if line[0]], start=1):
            _merged(sheet, row, *columns, text, font)
    row = 5
    for text, font in ((document.title, TITLE_FONT), (document.subtitle, Font(bold=True))):
        _merged(sheet, row, 1, width, text, font)
        row += 1
    header = row + 1  # after a blank row
    _write_header(sheet, header, document)
    first = header + 2
    for row, line in enumerate(document.lines, start=first):
        for index, (column, value) in enumerate(zip(document.columns, document.cells(line), strict=True), 1):
            cell = set_safe_value(sheet.cell(row=row, column=index), value, column.kind)
            cell.border, cell.alignment = _BORDER, _CENTER if column.center else _LEFT
            if column.points:
                cell.number_format = POINTS_FORMAT
    row = first + max(len(document.lines), 1)
    if not document.lines:
        _merged(sheet, first, 1, width, document.empty_note, Font(italic=True), center=False)
    for text in document.summary:
        row += 1
        _merged(sheet, row, 1, width, text, Font(italic=True), center=False)
    _write_signature(sheet, row + 2, width, document.signature)
    sheet.freeze_panes = f"C{first}"
    sheet.print_title_rows = f"{header}:{header + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.save(out)
    return document.row_count


def _write_header(sheet, row: int, document: UnitDocument) -> None:
    top, below = document.headers
    for cells, at in ((top, row), (below, row + 1)):
        for item in cells:
            set_safe_value(sheet.cell(row=at, column=item.column), item.label)
            end_row, end_column = at + item.rows - 1, item.column + item.columns - 1
            if (end_row, end_column) != (at, item.column):
                sheet.merge_cells(
                    start_row=at, start_column=item.column, end_row=end_row, end_column=end_column
                )
            # Every cell of a merged range gets the style, or its borders are lost.
            for r in range(at, end_row + 1):
                for c in range(item.column, end_column + 1):
                    styled = sheet.cell(row=r, column=c)
                    styled.font, styled.fill = HEADER_FONT, HEADER_FILL
                    styled.alignment, styled.border = _HEADER_ALIGNMENT, _BORDER


def _write_signature(sheet, row: int, width: int, signature: Signature) -> None:
    """The signature block over the last columns: on behalf of, the title, room to sign, the
    name."""
    start = width - _SIGNATURE_COLUMNS + 1
    for text in (signature.on_behalf, signature.title):
        _merged(sheet, row, start, width, text, Font(bold=True))
        row += 1
    if signature.signer:
        _merged(sheet, row + 3, start, width, signature.signer, Font(bold=True))  # room to sign and seal


def _merged(sheet, row: int, first: int, last: int, text: str, font: Font, *, center: bool = True) -> None:
    cell = set_safe_value(sheet.cell(row=row, column=first), text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=True)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    # Excel fits no row to a merged cell's text: room for the lines a long one wraps to.
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or 9 for c in range(first, last + 1))
    if (lines := math.ceil(len(text) * 1.1 / width)) > 1:
        sheet.row_dimensions[row].height = 15 * lines
