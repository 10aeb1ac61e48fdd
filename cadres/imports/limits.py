"""Limits on what an uploaded workbook may hold, checked before its rows are read.

An .xlsx file is a zip of XML parts, and a few hundred kilobytes can unpack to a million rows or
to rows padded with thousands of empty cells (a "zip bomb"). So, first, the zip's declared sizes
(``zipfile`` never unpacks more than a member declares); then one streaming pass over each sheet's
XML, before the reader (``sheet``) opens the workbook, that counts rows, columns and cells as
they come and stops at the first limit passed, in constant memory. The sheet's own dimension
record and row ``spans`` are not trusted: they can say anything. The sizes found bound the reading
of the sheet afterwards. The same pass notes the cells that hold a formula (the reader sees only
their last computed values), so the import can refuse them."""

import functools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

from common.text import thousands

# A member this much larger unpacked than packed is not a roster (real sheets stay under ~30×).
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, a short sheet) may compress as they like
# The header row may lie this far below the top (``sheet.HEADER_SEARCH_ROWS``).
HEADER_ROWS = 10
# A cell with one of these holds a value or a formula (they appear in cells only).
CONTENT_TAGS = frozenset({"v", "is", "f"})
COLUMN_LETTERS = re.compile(r"[A-Za-z]+")
CHUNK_BYTES = 256 * 1024  # the XML is fed to the parser in pieces this large, never all at once


NOT_XLSX = "Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ."
BROKEN = "Tệp Excel bị lỗi, không đọc được nội dung."


class ImportFileError(Exception):
    """The file as a whole cannot be imported: not an xlsx file, too big, no header row…

    Defined here, the lowest module of the package, and exported by ``sheet`` as always."""


@dataclass(frozen=True)
class SheetSize:
    """Where a sheet's values end (1-based; 0 when it holds none) and how many cells it has."""

    rows: int
    columns: int
    cells: int
    # (row, column), both 1-based → the formula as Excel shows it ("=SUM(A1:A3)").
    formulas: dict[tuple[int, int], str] = field(default_factory=dict, compare=False)


def too_many_rows() -> ImportFileError:
    return ImportFileError(
        f"Tệp có quá nhiều dòng (tối đa {thousands(settings.IMPORT_MAX_ROWS)}). "
        "Hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt."
    )


def too_many_columns(row: int) -> ImportFileError:
    return ImportFileError(
        f"Tệp có quá nhiều cột (tối đa {thousands(settings.IMPORT_MAX_COLUMNS)}; dòng {thousands(row)} "
        "vượt quá). Hãy xoá các cột thừa bên phải bảng, kể cả cột trống đã định dạng, rồi tải lên lại."
    )


def too_many_cells() -> ImportFileError:
    return ImportFileError(
        f"Tệp có quá nhiều ô (tối đa {thousands(settings.IMPORT_MAX_CELLS)}), kể cả ô trống đã định "
        "dạng. Hãy xoá các dòng, cột thừa hoặc chia thành nhiều tệp nhỏ hơn."
    )


def _too_large_unpacked() -> ImportFileError:
    megabytes = settings.IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024)
    return ImportFileError(
        f"Nội dung tệp khi giải nén quá lớn (tối đa {thousands(megabytes)} MB). "
        "Hãy xoá các dòng, cột thừa hoặc chia thành nhiều tệp nhỏ hơn."
    )


def check_package(path: Path) -> None:
    """Refuse by the zip's declared sizes, before any part is unpacked."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(NOT_XLSX) from exc
    if sum(member.file_size for member in members) > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise _too_large_unpacked()
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM and (
            member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise ImportFileError(
                "Tệp có nội dung nén bất thường (một phần của tệp giải nén ra lớn gấp hơn "
                f"{MAX_COMPRESSION_RATIO} lần), không phải bảng danh sách thông thường; không nhận tệp này."
            )


def column_index(reference: str) -> int:
    """1 for "A7", 28 for "AB7"."""
    return _letters_index(reference.rstrip("0123456789"))


@functools.lru_cache(maxsize=1024)
def _letters_index(letters: str) -> int:
    if not COLUMN_LETTERS.fullmatch(letters):
        raise ValueError(f"Not a cell reference: {letters!r}")
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


class _SheetCounter:
    """Expat handlers counting as the XML streams by; they raise at the first limit passed."""

    def __init__(self):
        # Rows with values: the data rows and the header row. The header may stand lower than
        # the first row, and rows may be left empty: the last row may lie a little further.
        self.max_rows = settings.IMPORT_MAX_ROWS + 1
        self.max_last_row = settings.IMPORT_MAX_ROWS + HEADER_ROWS
        self.max_columns = settings.IMPORT_MAX_COLUMNS
        self.max_cells = settings.IMPORT_MAX_CELLS
        self.row = self.column = self.cells = self.row_cells = 0
        self.last_row = self.last_column = self.rows_with_values = 0
        self.formulas: dict[tuple[int, int], str] = {}
        self.parser = None

    def attach(self, parser) -> None:
        self.parser = parser
        parser.StartElementHandler = self.start

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name[name.rfind("}") + 1 :]
        if tag == "row":
            self.row = int(attributes["r"]) if "r" in attributes else self.row + 1
            self.column = self.row_cells = 0
        elif tag == "c":
            self._cell(attributes.get("r"))
        elif tag in CONTENT_TAGS:
            self._value()
            if tag == "f":
                self._formula_begins()

    def _formula_begins(self) -> None:
        # The formula's text is collected until its element ends; only then are the parser's
        # text and end handlers set, so the rest of the sheet streams at full speed.
        where = (self.row, self.column)
        self.formulas[where] = "="
        parser = self.parser

        def text(data: str) -> None:
            self.formulas[where] += data

        def end(name: str) -> None:
            parser.CharacterDataHandler = parser.EndElementHandler = None

        parser.CharacterDataHandler, parser.EndElementHandler = text, end

    def _cell(self, reference: str | None) -> None:
        self.column = column_index(reference) if reference else self.column + 1
        self.cells += 1
        self.row_cells += 1
        if self.row_cells > self.max_columns:
            raise too_many_columns(self.row)
        if self.cells > self.max_cells:
            raise too_many_cells()

    def _value(self) -> None:
        if self.column > self.max_columns:
            raise too_many_columns(self.row)
        if self.row > self.last_row:
            self.rows_with_values += 1
            self.last_row = self.row
        if self.rows_with_values > self.max_rows or self.row > self.max_last_row:
            raise too_many_rows()
        if self.column > self.last_column:
            self.last_column = self.column


def _stream(path: Path, part: str, attach) -> None:
    """Feed one part of the workbook through expat in pieces; ``attach`` sets the parser's
    handlers, which may raise to stop."""
    parser = expat.ParserCreate(namespace_separator="}")
    attach(parser)
    try:
        with zipfile.ZipFile(path) as package, package.open(part.lstrip("/")) as source:
            while chunk := source.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except ImportFileError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(BROKEN) from exc


def measure_sheet(path: Path, part: str) -> SheetSize:
    """Stream one sheet part of the workbook, refusing it at the first limit passed."""
    counter = _SheetCounter()
    _stream(path, part, counter.attach)
    return SheetSize(
        rows=counter.last_row, columns=counter.last_column, cells=counter.cells, formulas=counter.formulas
    )


def _check_shared_strings(path: Path, part: str) -> None:
    """The reader loads the whole table of shared strings when it opens the workbook: no more
    strings than a sheet may have cells."""
    count = 0

    def on_element(name: str, attributes: dict[str, str]) -> None:
        nonlocal count
        if name[name.rfind("}") + 1 :] == "si":
            count += 1
            if count > settings.IMPORT_MAX_CELLS:
                raise too_many_cells()

    def attach(parser) -> None:
        parser.StartElementHandler = on_element

    _stream(path, part, attach)


def _parts(path: Path) -> tuple[list[tuple[str, str]], str | None]:
    """The workbook's sheets in order, each as its name and part, found through the workbook's
    relationships (small parts, within the unpacked size already checked), and its table of
    shared strings, if any."""
    try:
        reader = ExcelReader(path, read_only=True)
    except Exception as exc:  # InvalidFileException, BadZipFile…: all mean "not xlsx"
        raise ImportFileError(NOT_XLSX) from exc
    try:
        reader.read_manifest()
        reader.read_workbook()
        strings = reader.package.find(SHARED_STRINGS)
        sheets = [(sheet.name, relationship.target) for sheet, relationship in reader.parser.find_sheets()]
        return sheets, strings.PartName if strings is not None else None
    except Exception as exc:
        raise ImportFileError(NOT_XLSX) from exc
    finally:
        reader.archive.close()


def measure_workbook(path: Path) -> list[tuple[str, SheetSize]]:
    """Every sheet's name and size, in the workbook's order, refusing the file at the first limit
    passed."""
    check_package(path)
    sheets, strings = _parts(path)
    if strings is not None:
        _check_shared_strings(path, strings)
    return [(name, measure_sheet(path, part)) for name, part in sheets]
