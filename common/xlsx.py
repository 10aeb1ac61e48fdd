"""Writing xlsx files with openpyxl: the house styles, cells that keep their values as written
(dates as real dates shown dd/mm/yyyy, text as text, never a formula), and ``SheetWriter``, which
streams a table into a write-only sheet under a title row and a row naming the filters in force.

Every cell goes through ``safe_cell`` (write-only sheets) or ``set_safe_value`` (ordinary
sheets): text that Excel would read as a formula (``=``, ``+``, ``-``, ``@``) is stored as a
string with Excel's quote prefix, so it is never evaluated, not even after editing the cell
(formula injection, OWASP "CSV injection").

``TableWorkbook`` writes a large table (the roster's export: 50,000 rows and more) by the same
rules, its data rows as XML text rather than through openpyxl's cells.
"""

import datetime
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, Literal, Protocol

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

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


class TableWorkbook:
    """A workbook of one sheet holding one table of any size, written fast and in constant memory.

    The title, filters and header rows and the sheet's settings (widths, frozen panes, autofilter)
    are ``SheetWriter``'s, written by openpyxl. The data rows are written here as XML text to a
    temporary file, spliced into the sheet's XML by ``save``: through openpyxl each value becomes a
    Cell object, checked, then an XML element, most of a large export's time. The cells follow
    ``safe_cell``'s rules (``_prepare``): text without the characters xlsx cannot hold and
    formula-like text as quoted text, "text" columns as text, dates as dates shown dd/mm/yyyy; the
    formats are styles shared by every cell, not a style per cell::

        table = TableWorkbook("Cán bộ", columns, title="DANH SÁCH", filters=notes)
        for row in rows:
            table.append(row)
        count = table.save(out)
    """

    FLUSH_ROWS = 500  # rows of XML kept in memory before they go to the temporary file

    def __init__(
        self,
        name: str,
        columns: Sequence[ColumnSpec],
        *,
        title: str = "",
        filters: Sequence[str] | None = None,
        frozen_columns: int = 0,
    ):
        self.workbook = Workbook(write_only=True)
        self._writer = SheetWriter(
            self.workbook, name, columns, title=title, filters=filters, frozen_columns=frozen_columns
        )
        self.sheet = self._writer.sheet
        self._styles: dict[tuple[str | None, bool], str] = {}
        # Per column: its letter, its kind and the style of its text that needs no care.
        self._columns = []
        for index, column in enumerate(columns, start=1):
            text_style = self._style(TEXT_FORMAT if column.kind == "text" else None)
            self._columns.append((get_column_letter(index), column.kind, text_style))
        self._date_style = self._style(DATE_FORMAT)
        self._epoch = self.workbook.epoch.toordinal()
        self._row = self._writer.header_row
        self._pending: list[str] = []
        self._rows = tempfile.TemporaryFile()  # noqa: SIM115 (closed by save; unnamed, gone if not)

    @property
    def count(self) -> int:
        return self._writer.count

    def append(self, values: Sequence[Any]) -> None:
        """One data row, a value per column, each written as its column's kind says."""
        row = self._row + 1
        cells = [f'<row r="{row}">']
        add = cells.append
        for (letter, kind, text_style), value in zip(self._columns, values, strict=True):
            if value is None:
                continue
            # The common cases written at once: text that needs no care, and dates.
            if type(value) is str and value and _plain_text(value):
                add(f'<c r="{letter}{row}" t="inlineStr"{text_style}><is><t>{value}</t></is></c>')
                continue
            if type(value) is datetime.date and kind != "text":
                day = value.toordinal() - self._epoch  # Excel's day number, as ``to_excel`` gives it
                if day > 60:  # past Excel's leap day of 1900, which to_excel minds
                    add(f'<c r="{letter}{row}" t="n"{self._date_style}><v>{day}</v></c>')
                    continue
            add(self._cell(f"{letter}{row}", value, kind))
        add("</row>")
        self._pending.append("".join(cells))
        self._row = row
        self._writer.count += 1
        if len(self._pending) >= self.FLUSH_ROWS:
            self._flush()

    def _cell(self, ref: str, value: Any, kind: str) -> str:
        if kind == "text" and not isinstance(value, str):
            value = str(value)
        if isinstance(value, str):
            value = safe_text(value)
            if not value:
                return ""
            style = self._style(TEXT_FORMAT if kind == "text" else None, is_formula_like(value))
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{_xml_text(value)}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{value:d}</v></c>'
        if isinstance(value, int) or (isinstance(value, float | Decimal) and math.isfinite(value)):
            return f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>'
        if isinstance(value, float | Decimal):
            return ""  # not a number, or infinite: an empty cell, as openpyxl writes them
        if isinstance(value, datetime.date):  # datetimes too
            value, number_format = _prepare(value, kind)
            serial = to_excel(value, self.workbook.epoch)
            return f'<c r="{ref}" t="n"{self._style(number_format, False)}><v>{serial:.16g}</v></c>'
        raise TypeError(f"A table cell cannot hold {type(value).__name__}: {value!r}")

    def _style(self, number_format: str | None, quote: bool = False) -> str:
        """The ``s`` attribute of a cell in this number format, quoted or not (empty: the default
        style): one style of the workbook, registered the first time it is needed."""
        key = (number_format, quote)
        if (attribute := self._styles.get(key)) is None:
            cell = WriteOnlyCell(self.sheet)
            if number_format:
                cell.number_format = number_format
            cell.quotePrefix = quote
            attribute = self._styles[key] = f' s="{cell.style_id}"' if cell.has_style else ""
        return attribute

    def _flush(self) -> None:
        self._rows.write("".join(self._pending).encode())
        self._pending.clear()

    def save(self, out: BinaryIO) -> int:
        """Write the workbook to ``out``; returns the number of data rows."""
        self._flush()
        count = self._writer.close()
        size = self._rows.tell()
        self._rows.seek(0)
        package = io.BytesIO()
        self.workbook.save(package)  # all but the data rows: a few kilobytes
        member = self.sheet.path.lstrip("/")
        with (
            self._rows,
            zipfile.ZipFile(package) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type, entry.external_attr = info.compress_type, info.external_attr
                if info.filename != member:
                    target.writestr(entry, source.read(info))
                    continue
                head, tail = _split_sheet_data(source.read(info))
                entry.file_size = len(head) + size + len(tail)  # known ahead: ZIP64 if it needs it
                with target.open(entry, "w") as sheet:
                    sheet.write(head)
                    shutil.copyfileobj(self._rows, sheet, 1 << 20)
                    sheet.write(tail)
        return count


# What text may hold and be written as it is: none of the characters xlsx cannot hold (see
# ``safe_text``), none that XML escapes, no carriage return (see ``_xml_text``).
_TEXT_NEEDING_CARE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f&<>\r]")


def _plain_text(value: str) -> bool:
    """Non-empty ``value`` can be written as it is: not formula-like, no space at either end
    (``xml:space``), nothing to remove or escape."""
    return not (
        _TEXT_NEEDING_CARE.search(value)
        or value.startswith(FORMULA_STARTS)
        or value[0].isspace()
        or value[-1].isspace()
    )


def _xml_text(value: str) -> str:
    # "\r" as a reference: a parser would read a raw one as a line break.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _split_sheet_data(xml: bytes) -> tuple[bytes, bytes]:
    """A sheet's XML cut at the end of its rows, where more rows go."""
    end = xml.rfind(b"</sheetData>")
    if end >= 0:
        return xml[:end], xml[end:]
    empty = re.search(rb"<sheetData\s*/>", xml)
    if empty is None:
        raise ValueError("The sheet has no sheetData element.")
    return xml[: empty.start()] + b"<sheetData>", b"</sheetData>" + xml[empty.end() :]
