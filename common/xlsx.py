"""Writing xlsx files with openpyxl: the house styles, cells that keep their values as written
(dates as real dates shown dd/mm/yyyy, text as text, never a formula), and ``SheetWriter``, which
streams a table into a write-only sheet under a title row and a row naming the filters in force.

Every cell goes through ``safe_cell`` (write-only sheets) or ``set_safe_value`` (ordinary
sheets): text that Excel would read as a formula (``=``, ``+``, ``-``, ``@``) is stored as a
string with Excel's quote prefix, so it is never evaluated, not even after editing the cell
(formula injection, OWASP "CSV injection").
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
TEXT_FORMAT = "@"
FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B4EA2")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TITLE_FONT = Font(bold=True, size=13)

# "plain": as it comes (dates still shown dd/mm/yyyy); "text": kept as text, e.g. a CCCD or a
# phone number whose leading zero must survive; "date": a date, even if given a datetime.
CellKind = Literal["plain", "text", "date"]

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_text(value: str) -> str:
    """The text without the control characters an xlsx file cannot hold (openpyxl would refuse
    the whole file for one of them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def _prepare(value: Any, kind: CellKind) -> tuple[Any, str | None]:
    """The value to store and the number format it needs (None: the default)."""
    if kind == "text" and value is not None and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str):
        value = safe_text(value)
        return (value or None), (TEXT_FORMAT if kind == "text" and value else None)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        if kind == "date":
            return value.date(), DATE_FORMAT
        return value, DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    return value, None


def _guard(cell: Cell) -> Cell:
    """Formula-like text stays text: a string cell with the quote prefix."""
    if isinstance(cell.value, str) and is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_cell(sheet, value: Any, kind: CellKind = "plain") -> Any:
    """What to append to a write-only ``sheet`` for ``value``: the plain value when it needs no
    care (fast, for large exports), or a ``WriteOnlyCell`` with its format and guard."""
    value, number_format = _prepare(value, kind)
    if number_format is None and not (isinstance(value, str) and is_formula_like(value)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return _guard(cell)


def set_safe_value(cell: Cell, value: Any, kind: CellKind = "plain") -> Cell:
    """Put ``value`` into a cell of an ordinary (not write-only) sheet, with the same rules."""
    value, number_format = _prepare(value, kind)
    cell.value = value
    if number_format:
        cell.number_format = number_format
    return _guard(cell)


def style_header(cell: Cell) -> Cell:
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    return cell


def styled_cell(sheet, value: Any, *, font: Font, header: bool = False) -> WriteOnlyCell:
    """A write-only cell in a given font; ``header``: also the header's fill and alignment."""
    cell = WriteOnlyCell(sheet, value=safe_text(value) if isinstance(value, str) else value)
    cell.font = font
    if header:
        cell.fill, cell.alignment = HEADER_FILL, HEADER_ALIGNMENT
    return _guard(cell)


def set_widths(sheet, widths: Iterable[float], *, first_column: int = 1) -> None:
    """Column widths, in Excel's units (characters). On a write-only sheet, before any row."""
    for index, width in enumerate(widths, start=first_column):
        sheet.column_dimensions[get_column_letter(index)].width = width


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    return _SHEET_TITLE_FORBIDDEN.sub("-", safe_text(name))[:31] or "Sheet"


class ColumnSpec(Protocol):
    label: str
    width: float
    kind: str


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 12
    kind: CellKind = "plain"


class SheetWriter:
    """A table streamed into a new sheet of a write-only workbook: rows go to disk as they
    come, so an export of any size runs in constant memory.

    Row 1 is ``title`` (if any), the next row the filters in force (if ``filters`` is given,
    even empty: the header then stays on the same row whatever the filters), then the header
    row, frozen in view with the ``frozen_columns`` first columns, then the data. ``close()``
    sets the autofilter over header and data and returns the number of data rows::

        workbook = Workbook(write_only=True)
        writer = SheetWriter(workbook, "Cán bộ", columns, title="DANH SÁCH", filters=notes)
        for row in rows:
            writer.append(row)
        writer.close()
        workbook.save(out)
    """

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        columns: Sequence[ColumnSpec],
        *,
        title: str = "",
        filters: Sequence[str] | None = None,
        frozen_columns: int = 0,
    ):
        if not workbook.write_only:
            raise ValueError("SheetWriter needs a write-only workbook: Workbook(write_only=True).")
        self.sheet = workbook.create_sheet(sheet_title(name))
        self.columns = list(columns)
        self.count = 0
        set_widths(self.sheet, (column.width for column in self.columns))
        self.header_row = 1 + bool(title) + (filters is not None)
        # Before the first row: a write-only sheet writes its view settings ahead of the data.
        self.sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{self.header_row + 1}"
        if title:
            self.sheet.append([styled_cell(self.sheet, title, font=TITLE_FONT)])
        if filters is not None:
            self.sheet.append([safe_cell(self.sheet, "; ".join(filters))])
        self.sheet.append(
            [styled_cell(self.sheet, column.label, font=HEADER_FONT, header=True) for column in self.columns]
        )

    def append(self, values: Sequence[Any]) -> None:
        """One data row, a value per column, each written as its column's kind says."""
        cells = zip(values, self.columns, strict=True)
        self.sheet.append([safe_cell(self.sheet, value, column.kind) for value, column in cells])
        self.count += 1

    def close(self) -> int:
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A{self.header_row}:{last}{self.header_row + max(self.count, 1)}"
        return self.count
