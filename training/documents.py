"""A course's class list (danh sách học viên) and certificate list (danh sách học viên được cấp
chứng chỉ) as official documents: ``course_document`` computes what the list says, once, in a
constant number of queries; ``render_course_pdf`` and ``write_course_xlsx`` only lay it out, so
the PDF and the Excel file always agree.

The learners are those the user may see (``learners_for``): all of them for the units that run
the course, only their own subtree's for a unit that sends learners to it; the document then
says whose learners it lists. The certificate list holds only the learners who completed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from cadres.models import Unit, UnitLevel
from common.downloads import readable_filename
from common.pdf import DocumentHead, Signature, document_place, issuer_name, render_pdf
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
from units.models import parent_name_of

from .models import Course, EnrollmentStatus
from .views.access import learners_for, runs

CLASS_LIST_TITLE = "DANH SÁCH HỌC VIÊN"
CERTIFICATES_TITLE = "DANH SÁCH HỌC VIÊN ĐƯỢC CẤP CHỨNG CHỈ"
PDF_TEMPLATE = "training/course_list_pdf.html"
NO_LEARNER = "Chưa có học viên."
NO_CERTIFICATE = "Chưa có học viên hoàn thành khoá học."


@dataclass(frozen=True)
class Column:
    """A column of the table: ``key`` names the ``LearnerLine`` attribute it shows; ``width`` is
    in Excel's characters (the PDF template sets its own in millimetres, by ``key``)."""

    key: str
    label: str
    width: float
    kind: CellKind = "plain"
    center: bool = False


NUMBER = Column("number", "STT", 6, center=True)
FULL_NAME = Column("full_name", "Họ và tên", 26)
BIRTH_DATE = Column("birth_date", "Ngày sinh", 12, center=True)
GENDER = Column("gender", "Giới tính", 9, center=True)
UNIT = Column("unit", "Đơn vị", 34)
POSITION = Column("position", "Chức vụ", 22)
STATUS = Column("status", "Trạng thái", 13)
SCORE = Column("score", "Điểm", 8, center=True)
RESULT = Column("result", "Kết quả, xếp loại", 16)
PRIZE = Column("prize", "Giải", 16)
CERTIFICATE_NUMBER = Column("certificate_number", "Số chứng chỉ", 16, kind="text")
CERTIFICATE_DATE = Column("certificate_date", "Ngày cấp", 12, center=True)


@dataclass(frozen=True)
class LearnerLine:
    """One learner of the table, as stored (dates as dates, the score as a number)."""

    number: int
    full_name: str
    birth_date: datetime.date
    gender: str  # "Nam", "Nữ"
    unit: str  # "Chi đoàn thôn 1, Đoàn xã An Bình"
    position: str
    status: str  # "Hoàn thành"
    score: Decimal | None
    result: str
    prize: str
    certificate_number: str
    certificate_date: datetime.date | None


@dataclass(frozen=True)
class CourseDocument:
    head: DocumentHead
    title: str
    course_name: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    place: str
    scope_note: str  # whose learners a partial list holds; "" when it holds the whole class
    columns: tuple[Column, ...]
    lines: tuple[LearnerLine, ...]
    empty_note: str
    signature: Signature
    file_stem: str  # "Danh sách học viên_Bồi dưỡng Bí thư chi đoàn_03-03-2026"
    ascii_stem: str  # "danh-sach-hoc-vien-boi-duong-bi-thu-chi-doan-2026-03-03"

    @property
    def dates(self) -> str:
        if self.starts_on == self.ends_on:
            return f"Ngày {self.starts_on:%d/%m/%Y}"
        return f"Từ ngày {self.starts_on:%d/%m/%Y} đến ngày {self.ends_on:%d/%m/%Y}"

    @property
    def details(self) -> list[str]:
        """The lines under the course's name: kind, dates, place."""
        lines = [f"Loại khoá học: {self.kind}", f"Thời gian: {self.dates.lower()}"]
        if self.place:
            lines.append(f"Địa điểm: {self.place}")
        return lines

    @property
    def row_count(self) -> int:
        return len(self.lines)

    def cells(self, line: LearnerLine) -> list[Any]:
        """The line's values in the order of the columns, as stored."""
        return [getattr(line, column.key) for column in self.columns]

    @property
    def printed_rows(self) -> list[list[tuple[Column, str]]]:
        """Every line's cells as the PDF prints them, with their columns: dates dd/mm/yyyy, the
        score with a decimal comma."""
        return [
            [(column, _printed(value)) for column, value in zip(self.columns, self.cells(line), strict=True)]
            for line in self.lines
        ]

    def filenames(self, extension: str) -> tuple[str, str]:
        """The file's name in Vietnamese and in ASCII."""
        return f"{self.file_stem}.{extension}", f"{self.ascii_stem}.{extension}"


def course_document(course: Course, user, *, certificates: bool) -> CourseDocument:
    """What the class list (or, with ``certificates``, the certificate list) of ``course`` says
    to ``user``. ``course`` comes from the access helper (kind and organiser joined). At most
    four queries whatever the number of learners: whether the user runs the course, the
    learners with their units' parents, the organiser's ancestors, the user's unit."""
    managing = runs(user, course)
    enrollments = learners_for(user, course, managing=managing).annotate(
        unit_parent=parent_name_of("cadre__unit_path")
    )
    if certificates:
        enrollments = enrollments.filter(status=EnrollmentStatus.COMPLETED)
    lines = tuple(_line(number, enrollment) for number, enrollment in enumerate(enrollments, start=1))
    organiser = course.organiser
    ancestors = list(organiser.ancestors())
    stem = "Danh sách cấp chứng chỉ" if certificates else "Danh sách học viên"
    return CourseDocument(
        head=DocumentHead(
            issuer=issuer_name(organiser),
            superior=ancestors[-1].name.upper() if ancestors else "",
            place=document_place(organiser, ancestors),
        ),
        title=CERTIFICATES_TITLE if certificates else CLASS_LIST_TITLE,
        course_name=course.name,
        kind=course.kind.name,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        place=course.place,
        scope_note="" if managing else _scope_note(user),
        columns=_columns(course, certificates=certificates),
        lines=lines,
        empty_note=NO_CERTIFICATE if certificates else NO_LEARNER,
        signature=Signature(signer="", title="BÍ THƯ", on_behalf="TM. BAN THƯỜNG VỤ", recipients=["Lưu VP"]),
        file_stem=readable_filename(f"{stem}_{course.name}_{course.starts_on:%d-%m-%Y}"),
        ascii_stem=f"{slugify(fold(stem))}-{_slug(course.name)}-{course.starts_on:%Y-%m-%d}",
    )


def _columns(course: Course, *, certificates: bool) -> tuple[Column, ...]:
    """The certificate list leaves out the status (all completed); only contests award prizes."""
    columns = [NUMBER, FULL_NAME, BIRTH_DATE, GENDER, UNIT, POSITION]
    if not certificates:
        columns.append(STATUS)
    columns += [SCORE, RESULT]
    if course.kind.is_contest:
        columns.append(PRIZE)
    return (*columns, CERTIFICATE_NUMBER, CERTIFICATE_DATE)


def _line(number: int, enrollment) -> LearnerLine:
    cadre = enrollment.cadre
    return LearnerLine(
        number=number,
        full_name=cadre.full_name,
        birth_date=cadre.birth_date,
        gender=cadre.get_gender_display(),
        unit=_unit_name(cadre.unit, enrollment.unit_parent),
        position=cadre.position.name if cadre.position_id else "",
        status=enrollment.get_status_display(),
        score=enrollment.score,
        result=enrollment.result,
        prize=enrollment.prize,
        certificate_number=enrollment.certificate_number,
        certificate_date=enrollment.certificate_date,
    )


def _unit_name(unit: Unit, parent_name: str | None) -> str:
    """A chi đoàn with its Đoàn cơ sở, as lists write it: the demo alone has 24 "Chi đoàn thôn 1"."""
    if unit.level == UnitLevel.BRANCH and parent_name:
        return f"{unit.name}, {parent_name}"
    return unit.name


def _scope_note(user) -> str:
    unit = user.unit
    return f"(Học viên thuộc {unit.name})" if unit is not None else ""


def _printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")  # 8.50 → "8,5": the Vietnamese decimal comma
    return str(value)


def _slug(name: str) -> str:
    return slugify(fold(name))[:60].strip("-") or "khoa-hoc"


# --- The official head -------------------------------------------------------------------------
# As planning.exports words it (training may not import planning).


# --- PDF -----------------------------------------------------------------------------------------


def render_course_pdf(document: CourseDocument, *, request=None) -> bytes:
    return render_pdf(PDF_TEMPLATE, {"document": document}, request=request)


# --- Excel ---------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)


def write_course_xlsx(out: BinaryIO, document: CourseDocument) -> int:
    """The list as a workbook of one sheet: the issuer, the title and the course's lines, the
    header row (kept in view and printed on every page), one row per learner. Every cell goes
    through ``set_safe_value``. Returns the number of learner rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title("Học viên")
    width = len(document.columns)
    set_widths(sheet, (column.width for column in document.columns))
    lines = [
        (document.head.superior, Font(), False),
        (document.head.issuer, Font(bold=True), False),
        (document.title, TITLE_FONT, True),
        (document.course_name, Font(bold=True), True),
        *((text, Font(), True) for text in document.details),
        (document.scope_note, Font(italic=True), True),
    ]
    row = 0
    for text, font, center in lines:
        if text:
            row += 1
            _merged_line(sheet, row, text, font, width, center=center)
    header = row + 2  # after a blank row
    for index, column in enumerate(document.columns, start=1):
        cell = set_safe_value(sheet.cell(row=header, column=index), column.label)
        cell.font, cell.fill, cell.alignment, cell.border = (
            HEADER_FONT,
            HEADER_FILL,
            _HEADER_ALIGNMENT,
            _BORDER,
        )
    for row, line in enumerate(document.lines, start=header + 1):
        for index, (column, value) in enumerate(zip(document.columns, document.cells(line), strict=True), 1):
            cell = set_safe_value(sheet.cell(row=row, column=index), value, column.kind)
            cell.border, cell.alignment = _BORDER, _CENTER if column.center else _LEFT
    if not document.lines:
        _merged_line(sheet, header + 1, document.empty_note, Font(italic=True), width)
    sheet.freeze_panes = f"C{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.save(out)
    return document.row_count


def _merged_line(sheet, row: int, text: str, font: Font, width: int, *, center: bool = False) -> None:
    cell = set_safe_value(sheet.cell(row=row, column=1), text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center" if center else "left", vertical="center", wrap_text=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
