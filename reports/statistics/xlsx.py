"""The statistics as a workbook of one sheet, laid out for printing: the official head, the
title, the unit and the date, the two header rows merged (kept in view and printed on every
page), a row per unit and the total, the notes and the two signatures. Landscape A4, fitted to
the page's width. Every cell goes through ``common.xlsx.set_safe_value``."""

import math
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from common.xlsx import TITLE_FONT, set_safe_value, set_widths, sheet_title

from .data import StatisticsRow
from .documents import PREPARER_HEADING, SIGN_HINT, StatisticsDocument

FIRST_FIGURE = 3  # column C: after STT and the unit
HEADER_ROW = 9
NUMBER_FORMAT = "#,##0"  # "1.234" on a Vietnamese Excel
LEFT_BLOCK = (1, 3)  # the issuer and "NGƯỜI LẬP BIỂU": STT, the unit and the total
RIGHT_COLUMNS = 8  # the Youth Union line, the date and the head's signature: the last columns

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F3")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_BOLD = Font(bold=True)


def write_statistics_xlsx(out: BinaryIO, document: StatisticsDocument) -> None:
    table = document.table
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title("Thống kê chất lượng")
    width = FIRST_FIGURE - 1 + len(table.columns)
    set_widths(sheet, [5, 34, *(9 for _ in table.columns)])
    _write_head(sheet, document, width)
    for row, (text, font) in enumerate(
        ((table.title, TITLE_FONT), (table.unit_name, _BOLD), (table.date_line, Font(italic=True))), start=5
    ):
        _merged(sheet, row, 1, width, text, font)
    _write_header(sheet, table)
    row = HEADER_ROW + 2
    for number, line in enumerate(table.rows, start=1):
        _write_row(sheet, row, number, line)
        row += 1
    _write_row(sheet, row, None, table.total)
    row += 2
    _merged(sheet, row, 1, width, "Ghi chú:", Font(bold=True, italic=True), center=False)
    for note in table.notes:
        row += 1
        _merged(sheet, row, 1, width, f"- {note}", Font(italic=True), center=False)
    _write_signatures(sheet, row + 2, width, document)
    _set_up_printing(sheet)
    workbook.save(out)


def _write_head(sheet, document: StatisticsDocument, width: int) -> None:
    head = document.head
    left = [(head.superior, Font()), (head.issuer, _BOLD), ("***", Font())]
    right = [(head.heading, Font(bold=True, underline="single")), (head.date_line, Font(italic=True))]
    for (first, last), lines in ((LEFT_BLOCK, left), ((width - RIGHT_COLUMNS + 1, width), right)):
        for row, (text, font) in enumerate([line for line in lines if line[0]], start=1):
            _merged(sheet, row, first, last, text, font)


def _write_header(sheet, table) -> None:
    top, below = table.headers
    cells = [(HEADER_ROW, "STT", 1, 1, 2), (HEADER_ROW, "Đơn vị", 2, 1, 2)]
    cells += [
        (HEADER_ROW, cell.label, cell.column + FIRST_FIGURE - 1, cell.columns, cell.rows) for cell in top
    ]
    cells += [(HEADER_ROW + 1, cell.label, cell.column + FIRST_FIGURE - 1, 1, 1) for cell in below]
    for row, label, column, columns, rows in cells:
        set_safe_value(sheet.cell(row=row, column=column), label)
        end_row, end_column = row + rows - 1, column + columns - 1
        if (end_row, end_column) != (row, column):
            sheet.merge_cells(start_row=row, start_column=column, end_row=end_row, end_column=end_column)
        # Every cell of a merged range gets the style, or its borders are lost.
        for r in range(row, end_row + 1):
            for c in range(column, end_column + 1):
                styled = sheet.cell(row=r, column=c)
                styled.font, styled.fill = _BOLD, _HEADER_FILL
                styled.alignment, styled.border = _CENTER, _BORDER
    sheet.row_dimensions[HEADER_ROW + 1].height = 45  # "Ngoại ngữ B1 trở lên" on three lines


def _write_row(sheet, row: int, number: int | None, line: StatisticsRow) -> None:
    font = _BOLD if line.is_total or line.direct else Font()
    values = [number, line.label, *line.values]
    for column, value in enumerate(values, start=1):
        cell = set_safe_value(sheet.cell(row=row, column=column), value)
        cell.border, cell.font = _BORDER, font
        cell.alignment = _LEFT if column == 2 else _CENTER
        if column >= FIRST_FIGURE:
            cell.number_format = NUMBER_FORMAT
    if line.is_total:
        for column in range(1, len(values) + 1):
            sheet.cell(row=row, column=column).fill = _HEADER_FILL


def _write_signatures(sheet, row: int, width: int, document: StatisticsDocument) -> None:
    """ "NGƯỜI LẬP BIỂU" at the left, the head's signature at the right, room to sign under both."""
    left, right = LEFT_BLOCK, (width - RIGHT_COLUMNS + 1, width)
    _merged(sheet, row, *left, PREPARER_HEADING, _BOLD)
    _merged(sheet, row + 1, *left, SIGN_HINT, Font(italic=True))
    _merged(sheet, row, *right, document.on_behalf, _BOLD)
    _merged(sheet, row + 1, *right, document.signer_title, _BOLD)
    if document.preparer:
        _merged(sheet, row + 6, *left, document.preparer, _BOLD)


def _set_up_printing(sheet) -> None:
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.freeze_panes = f"{get_column_letter(FIRST_FIGURE)}{HEADER_ROW + 2}"


def _merged(sheet, row: int, first: int, last: int, text: str, font: Font, *, center: bool = True) -> None:
    cell = set_safe_value(sheet.cell(row=row, column=first), text)
    cell.font = font
    cell.alignment = _CENTER if center else _LEFT
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    # Excel fits no row to a merged cell's text: room for the lines a long one wraps to.
    columns = range(first, last + 1)
    room = sum(sheet.column_dimensions[get_column_letter(c)].width or 9 for c in columns)
    if (lines := math.ceil(len(text) * 1.1 / room)) > 1:
        sheet.row_dimensions[row].height = 15 * lines
