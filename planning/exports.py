"""The succession plan as an official document (danh sách quy hoạch cán bộ): ``plan_document``
computes what it says, once, from the succession board (``plan_board``, a constant number of
queries); ``render_plan_pdf`` and ``write_plan_xlsx`` only lay it out, so the PDF and the Excel
file always agree.

Neither carries sensitive data (``Cadre.SENSITIVE_FIELDS``: ethnicity, religion, Party dates),
whoever prints it: the board is built with ``sensitive=False`` and the lines it then hides are
left out. Candidates removed from the plan are not in the main table but in a list of their own;
changes of a review not approved yet are in the table, marked as proposals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from cadres.models import Cadre, Education, Gender, Unit
from common.downloads import readable_filename
from common.pdf import DocumentHead, Signature, document_place, issuer_name, render_pdf
from common.text import fold
from common.xlsx import HEADER_FILL, HEADER_FONT, TITLE_FONT, set_safe_value, set_widths, sheet_title

from .board import BoardCandidate, plan_board
from .models import AnnualReview, Candidate, PlanStatus, ReviewStatus, SuccessionPlan

TITLE = "DANH SÁCH QUY HOẠCH CÁN BỘ"
DRAFT_NOTES = {
    PlanStatus.DRAFT: "Dự thảo",
    PlanStatus.SUBMITTED: "Dự thảo đã trình",
    PlanStatus.RETURNED: "Dự thảo bị trả lại để chỉnh sửa",
}
PDF_TEMPLATE = "planning/plan_pdf.html"
NO_CANDIDATE = "Chưa có người trong quy hoạch"


@dataclass(frozen=True)
class PlanLine:
    """One candidate of the table, as printed."""

    number: int  # within the position
    full_name: str
    birth_year: int
    gender: str  # "Nam", "Nữ"
    is_female: bool
    current_post: str  # "Phó Bí thư, Đoàn xã An Bình"
    education: str  # chuyên môn: "Đại học Luật"
    political_theory: str  # LLCT: "Trung cấp"
    readiness: str  # "Sẵn sàng ngay"
    gaps: str  # against the position's standard; "" when met
    note: str
    pending_addition: bool  # added by a review not approved yet
    pending_removal: bool  # proposed for removal by a review not approved yet


@dataclass(frozen=True)
class PositionGroup:
    numeral: str  # "I", "II"…
    position: str
    lines: tuple[PlanLine, ...]

    @property
    def label(self) -> str:
        return f"Chức danh {self.position}"


@dataclass(frozen=True)
class RemovedLine:
    """A candidate taken out of the plan by an approved review."""

    number: int
    full_name: str
    birth_year: int
    position: str
    year: int
    reason: str

    @property
    def text(self) -> str:
        return (
            f"{self.number}. {self.full_name} (sinh năm {self.birth_year}), chức danh {self.position}: "
            f"năm {self.year}, {self.reason.lower()}"
        )


@dataclass(frozen=True)
class PlanDocument:
    head: DocumentHead
    title: str
    subtitle: str  # "Đoàn xã An Bình, nhiệm kỳ 2025–2030"
    basis: tuple[str, ...]  # the approval decisions, or that the list is a draft
    groups: tuple[PositionGroup, ...]
    structure: tuple[str, ...]
    removed: tuple[RemovedLine, ...]
    signature: Signature
    file_stem: str  # "Quy hoạch cán bộ_Đoàn xã An Bình_2025-2030"
    ascii_stem: str  # "quy-hoach-doan-xa-an-binh-2025-2030"

    @property
    def lines(self) -> list[PlanLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def row_count(self) -> int:
        """Candidate rows of the main table (a person planned for two posts counts twice)."""
        return sum(len(group.lines) for group in self.groups)

    def filenames(self, extension: str) -> tuple[str, str]:
        """The file's name in Vietnamese and in ASCII."""
        return f"{self.file_stem}.{extension}", f"{self.ascii_stem}.{extension}"


def plan_document(plan: SuccessionPlan, user) -> PlanDocument:
    """What the plan's document says. ``user`` is who asks; the content does not depend on
    their role, since sensitive data is never printed. A constant number of queries: the
    board's, the unit's ancestors and the plan's reviews."""
    board = plan_board(plan, sensitive=False)
    unit, term = plan.unit, plan.term
    ancestors = list(unit.ancestors())
    reviews = list(plan.reviews.order_by("year", "pk"))
    approved = [review for review in reviews if review.status == ReviewStatus.APPROVED]
    open_review = next((review for review in reviews if review.status != ReviewStatus.APPROVED), None)
    rows = sorted(board.rows, key=lambda row: (row.position.order, row.position.name))  # not vacancies first
    groups = tuple(
        PositionGroup(
            numeral=roman(index),
            position=row.position.name,
            lines=tuple(_line(number, item) for number, item in enumerate(row.candidates, start=1)),
        )
        for index, row in enumerate(rows, start=1)
    )
    years = f"{term.start_year}–{term.end_year}"
    return PlanDocument(
        head=DocumentHead(
            issuer=issuer_name(unit),
            superior=ancestors[-1].name.upper() if ancestors else "",
            place=document_place(unit, ancestors),
            date=_issued_on(plan, approved, open_review),
        ),
        title=TITLE,
        subtitle=f"{unit.name}, nhiệm kỳ {years}",
        basis=tuple(_basis(plan, approved, open_review)),
        groups=groups,
        structure=tuple(_structure_lines(board.structure)),
        removed=tuple(_removed(board.removed)),
        signature=Signature(
            signer="",
            title="BÍ THƯ",
            on_behalf="TM. BAN THƯỜNG VỤ",
            recipients=_recipients(plan, ancestors),
        ),
        file_stem=readable_filename(f"Quy hoạch cán bộ_{unit.name}_{term.start_year}-{term.end_year}"),
        ascii_stem=f"quy-hoach-{slugify(fold(unit.name)) or 'don-vi'}-{term.start_year}-{term.end_year}",
    )


def _line(number: int, item: BoardCandidate) -> PlanLine:
    cadre, candidate = item.cadre, item.candidate
    notes = []
    if item.pending_addition:
        notes.append(f"Đề nghị bổ sung (rà soát năm {candidate.added_year})")
    if item.pending_removal:
        notes.append(
            f"Đề nghị đưa ra khỏi quy hoạch: {candidate.get_removal_reason_display().lower()} "
            f"(rà soát năm {candidate.removed_year})"
        )
    if candidate.note:
        notes.append(candidate.note)
    return PlanLine(
        number=number,
        full_name=cadre.full_name,
        birth_year=cadre.birth_date.year,
        gender=cadre.get_gender_display(),
        is_female=cadre.gender == Gender.FEMALE,
        current_post=_current_post(cadre),
        education=_education(cadre),
        political_theory=cadre.get_political_theory_display(),
        readiness=candidate.get_readiness_display(),
        gaps="; ".join(item.gaps),
        note="; ".join(notes),
        pending_addition=item.pending_addition,
        pending_removal=item.pending_removal,
    )


def _current_post(cadre: Cadre) -> str:
    return f"{cadre.position.name}, {cadre.unit.name}" if cadre.position_id else cadre.unit.name


def _education(cadre: Cadre) -> str:
    """ "Đại học Luật": the level with the major, as lists of cadres write it."""
    label = cadre.get_education_display()
    return f"{label} {cadre.major}" if cadre.major and cadre.education != Education.NONE else label


def _removed(candidates: list[Candidate]) -> list[RemovedLine]:
    ordered = sorted(candidates, key=lambda c: (c.removed_year, c.position.order, c.cadre.full_name, c.pk))
    return [
        RemovedLine(
            number=number,
            full_name=candidate.cadre.full_name,
            birth_year=candidate.cadre.birth_date.year,
            position=candidate.position.name,
            year=candidate.removed_year,
            reason=candidate.get_removal_reason_display(),
        )
        for number, candidate in enumerate(ordered, start=1)
    ]


def _structure_lines(lines) -> list[str]:
    """ "Nữ: 2/5 người (40,0%), chỉ tiêu ≥ 25%: đạt" for each line the document may show."""
    found = []
    for line in lines:
        if line.hidden:
            continue
        percent = f"{line.percent:.1f}".replace(".", ",")  # the Vietnamese decimal comma
        text = f"{line.label}: {line.count}/{line.total} người ({percent}%)"
        if line.target is not None:
            text += f", chỉ tiêu ≥ {line.target}%: {'đạt' if line.met else 'chưa đạt'}"
        found.append(text)
    return found


def _basis(plan: SuccessionPlan, approved: list[AnnualReview], open_review: AnnualReview | None) -> list[str]:
    """Under the title: the decision the list goes with, the reviews that changed it since, or
    that it is still a draft."""
    if not plan.is_approved:
        return [f"({DRAFT_NOTES[plan.status]}, chưa được phê duyệt)"]
    body = f" của {plan.approving_body}" if plan.approving_body else ""
    lines = [f"(Kèm theo Quyết định số {plan.decision_number} ngày {_day(plan.decided_on)}{body})"]
    for review in approved:
        lines.append(
            f"(Rà soát, bổ sung năm {review.year} theo Quyết định số {review.decision_number} "
            f"ngày {_day(review.decided_on)})"
        )
    if open_review is not None:
        lines.append(
            f"(Đang rà soát, bổ sung năm {open_review.year}: các đề nghị bổ sung, đưa ra ghi ở cột "
            "Ghi chú chưa được phê duyệt)"
        )
    return lines


def _day(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "…"


def _issued_on(
    plan: SuccessionPlan, approved: list[AnnualReview], open_review: AnnualReview | None
) -> datetime.date | None:
    """The date of the decision the list stands on; none (dotted blanks) while it is a draft."""
    if not plan.is_approved or open_review is not None:
        return None
    return approved[-1].decided_on if approved else plan.decided_on


def _recipients(plan: SuccessionPlan, ancestors: list[Unit]) -> list[str]:
    recipients = []
    if ancestors:
        recipients.append(f"Ban Thường vụ {ancestors[-1].name} (b/c)")
    if plan.approving_body:
        recipients.append(f"{plan.approving_body} (b/c)")
    return [*recipients, "Lưu VP"]


def roman(number: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text, number = text + numeral, number - value
    return text


# --- PDF -------------------------------------------------------------------------------------------


def render_plan_pdf(document: PlanDocument, *, request=None) -> bytes:
    return render_pdf(PDF_TEMPLATE, {"document": document}, request=request)


# --- Excel -----------------------------------------------------------------------------------------

# (header, sub-header, width): a header over two columns is repeated, and merged.
XLSX_COLUMNS = [
    ("STT", "", 6),
    ("Họ và tên", "", 26),
    ("Năm sinh", "Nam", 8),
    ("Năm sinh", "Nữ", 8),
    ("Chức vụ, đơn vị công tác hiện nay", "", 34),
    ("Trình độ", "Chuyên môn", 20),
    ("Trình độ", "Lý luận chính trị", 14),
    ("Mức độ sẵn sàng", "", 14),
    ("Chưa đạt tiêu chuẩn chức danh", "", 30),
    ("Ghi chú", "", 30),
]
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_GROUP_FILL = PatternFill("solid", fgColor="DDE7F5")
_PENDING_FONT = Font(italic=True, color="7F6000")


def write_plan_xlsx(out: BinaryIO, document: PlanDocument) -> int:
    """The plan as a workbook of one sheet: the issuer, the title lines, a two-row header (kept
    in view and printed on every page), then per position a group row and one row per
    candidate, then the structure and the removed. Every cell goes through ``set_safe_value``.
    Returns the number of candidate rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title("Quy hoạch")
    width = len(XLSX_COLUMNS)
    set_widths(sheet, (column[2] for column in XLSX_COLUMNS))
    _merged_line(sheet, 1, document.head.issuer, Font(bold=True), width)
    _merged_line(sheet, 2, document.title, TITLE_FONT, width, center=True)
    _merged_line(sheet, 3, document.subtitle, Font(bold=True), width, center=True)
    for row, text in enumerate(document.basis, start=4):
        _merged_line(sheet, row, text, Font(italic=True), width, center=True)
    header = 4 + len(document.basis) + 1  # after a blank row
    _header(sheet, header)
    row = header + 2
    for group in document.groups:
        set_safe_value(sheet.cell(row=row, column=1), group.numeral).alignment = _CENTER
        _merged_line(sheet, row, group.label, Font(bold=True), width, first_column=2)
        _frame(sheet, row, width, fill=_GROUP_FILL)
        row += 1
        if not group.lines:
            _merged_line(sheet, row, NO_CANDIDATE, Font(italic=True), width, first_column=2)
            _frame(sheet, row, width)
            row += 1
        for line in group.lines:
            _candidate_row(sheet, row, line)
            row += 1
    sheet.freeze_panes = f"C{header + 2}"
    sheet.print_title_rows = f"{header}:{header + 1}"
    row += 1
    if document.structure:
        _merged_line(sheet, row, "Cơ cấu quy hoạch:", Font(bold=True), width)
        for text in document.structure:
            row += 1
            _merged_line(sheet, row, f"- {text}", Font(), width)
        row += 2
    if document.removed:
        _merged_line(sheet, row, "Danh sách đưa ra khỏi quy hoạch:", Font(bold=True), width)
        for removed in document.removed:
            row += 1
            _merged_line(sheet, row, removed.text, Font(), width)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.save(out)
    return document.row_count


def _frame(sheet, row: int, width: int, *, fill: PatternFill | None = None) -> None:
    """The table's borders (and a fill) on every cell of a row, merged ones included."""
    for column in range(1, width + 1):
        cell = sheet.cell(row=row, column=column)
        cell.border = _BORDER
        if fill is not None:
            cell.fill = fill


def _merged_line(sheet, row: int, text: str, font: Font, width: int, *, first_column: int = 1, center=False):
    cell = set_safe_value(sheet.cell(row=row, column=first_column), text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=row, start_column=first_column, end_row=row, end_column=width)


def _header(sheet, row: int) -> None:
    """Two rows: a header over two columns ("Năm sinh": Nam, Nữ) merged across them, a header of
    one column merged down both rows."""
    for index, (label, sub, _width) in enumerate(XLSX_COLUMNS, start=1):
        top, bottom = sheet.cell(row=row, column=index), sheet.cell(row=row + 1, column=index)
        set_safe_value(top, label)
        set_safe_value(bottom, sub or None)
        for cell in (top, bottom):
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, _CENTER, _BORDER
        if not sub:
            sheet.merge_cells(start_row=row, start_column=index, end_row=row + 1, end_column=index)
    index = 1
    while index <= len(XLSX_COLUMNS):
        label, sub, _ = XLSX_COLUMNS[index - 1]
        span = 1
        while sub and index + span <= len(XLSX_COLUMNS) and XLSX_COLUMNS[index + span - 1][0] == label:
            span += 1
        if span > 1:
            sheet.merge_cells(start_row=row, start_column=index, end_row=row, end_column=index + span - 1)
        index += span


def _candidate_row(sheet, row: int, line: PlanLine) -> None:
    values = [
        line.number,
        line.full_name,
        None if line.is_female else line.birth_year,
        line.birth_year if line.is_female else None,
        line.current_post,
        line.education,
        line.political_theory,
        line.readiness,
        line.gaps,
        line.note,
    ]
    pending = line.pending_addition or line.pending_removal
    for index, value in enumerate(values, start=1):
        cell = set_safe_value(sheet.cell(row=row, column=index), value)
        cell.border = _BORDER
        cell.alignment = Alignment(
            horizontal="center" if index in (1, 3, 4) else "left", vertical="top", wrap_text=True
        )
        if pending:
            cell.font = _PENDING_FONT
