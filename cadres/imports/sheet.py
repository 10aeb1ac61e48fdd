"""Opening an uploaded workbook and finding its header row and data rows. Every sheet is measured
first (``limits``), and no more of it is read than the values found.

The values are read by calamine (python-calamine, written in Rust: a tenth of openpyxl's time on
a 10,000-row file) and handed on as openpyxl gives them: an empty cell as ``None``, a whole
number as ``int``, a formula cell as ``Formula`` (noted by the measuring pass, as calamine gives
only its last computed value)."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from python_calamine import CalamineWorkbook

from ..text import nfc
from .cells import COLUMN_LABELS, COLUMNS, HEADER_KEYS, Formula, header_key, is_blank
from .limits import BROKEN, HEADER_ROWS, NOT_XLSX, ImportFileError, SheetSize, measure_workbook

HEADER_SEARCH_ROWS = HEADER_ROWS

Progress = Callable[[str, int, int | None], None]


def check_upload(name: str, size: int) -> None:
    """Refuse by name and size before reading anything."""
    if not name.lower().endswith(".xlsx"):
        raise ImportFileError("Chỉ nhận tệp Excel định dạng .xlsx (Excel 2007 trở lên).")
    if size == 0:
        raise ImportFileError("Tệp rỗng.")
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"Tệp quá lớn ({_megabytes(size)}); dung lượng tối đa là {_megabytes(settings.IMPORT_MAX_BYTES)}."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


@dataclass
class _Sheet:
    """One measured sheet that holds values: its cells as openpyxl would give them."""

    workbook: CalamineWorkbook
    name: str
    size: SheetSize

    def rows(self, first: int = 1, last: int | None = None) -> Iterator[tuple[int, tuple]]:
        """(row number, values of the measured columns) from row ``first`` to ``last``."""
        last = min(last or self.size.rows, self.size.rows)
        if last < first:
            return
        try:
            grid = self.workbook.get_sheet_by_name(self.name).to_python(skip_empty_area=False, nrows=last)
        except Exception as exc:  # CalamineError and the like: a corrupt sheet part in a valid zip
            raise ImportFileError(BROKEN) from exc
        width = self.size.columns
        formulas = self.size.formulas
        blank = (None,) * width
        for number in range(first, last + 1):
            values = grid[number - 1] if number <= len(grid) else ()
            cells = tuple(_value(value) for value in values[:width]) + blank[len(values) :]
            if formulas:
                cells = tuple(
                    Formula(formulas[number, column]) if (number, column) in formulas else value
                    for column, value in enumerate(cells, start=1)
                )
            yield number, cells


def _value(value: Any) -> Any:
    if value == "" and type(value) is str:
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _sheets(path: Path) -> Iterator[_Sheet]:
    """The sheets that hold values, measured (their dimension record may lie), in order."""
    sizes = measure_workbook(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, OSError…: all mean "not xlsx"
        raise ImportFileError(NOT_XLSX) from exc
    try:
        for name, size in sizes:
            if size.rows and name in workbook.sheet_names:
                yield _Sheet(workbook, name, size)
    finally:
        workbook.close()


def estimate_rows(path: Path) -> int:
    """Rows of the largest sheet, counted in the file (within the limits, which it checks), not
    taken from its dimension record. Also proves that the file can be opened."""
    return max((sheet.size.rows for sheet in _sheets(path)), default=0)


@dataclass
class Sheet:
    header_row: int
    columns: dict[str, tuple[int, str]]  # column key → (index, header as written in the file)
    rows: list[tuple[int, tuple]]  # (spreadsheet row number, cell values)


def _match_header(values: Iterable) -> list[tuple[str, int, str]]:
    matches = []
    for index, value in enumerate(values):
        if isinstance(value, str) and (key := HEADER_KEYS.get(header_key(value))):
            matches.append((key, index, nfc(value)))
    return matches


def _find_header(sheet: _Sheet) -> tuple[int, list[tuple[str, int, str]]] | None:
    for number, values in sheet.rows(last=HEADER_SEARCH_ROWS):
        matches = _match_header(values)
        if len({key for key, _, _ in matches}) >= 3:
            return number, matches
    return None


def _header_columns(number: int, matches: list[tuple[str, int, str]]) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    for key, index, text in matches:
        if key in columns:
            raise ImportFileError(
                f"Cột “{COLUMN_LABELS[key]}” có hai lần trong dòng tiêu đề (dòng {number})."
            )
        columns[key] = (index, text)
    present = {*columns, "unit"} if "unit_code" in columns else set(columns)
    missing = [column.label for column in COLUMNS if column.required and column.key not in present]
    if missing:
        raise ImportFileError(f"Thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề là dòng {number}).")
    return columns


def read_sheet(path: Path, progress: Progress | None = None) -> Sheet:
    """The first sheet with a header row among its first rows, with its non-empty rows."""
    for sheet in _sheets(path):
        found = _find_header(sheet)
        if found is None:
            continue
        number, matches = found
        columns = _header_columns(number, matches)
        return Sheet(number, columns, _data_rows(sheet, number, progress))
    required = ", ".join(column.label for column in COLUMNS if column.required)
    raise ImportFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp. Dòng tiêu đề cần có "
        f"các cột: {required}. Hãy dùng tệp mẫu."
    )


def _data_rows(sheet: _Sheet, header_row: int, progress: Progress | None) -> list[tuple[int, tuple]]:
    rows = []
    for number, values in sheet.rows(first=header_row + 1):
        if any(not is_blank(value) for value in values):
            rows.append((number, values))
        if progress and number % 500 == 0:
            progress("read", len(rows), None)
    return rows


def sheet_rows(path: Path, *, max_rows: int) -> list[tuple[int, tuple]]:
    """(row number, values) of the first sheet that holds values, within the import's limits,
    for the other apps' small imports (a plan's candidates, a class list): the same refusals
    of broken, oversized or unpacking-bomb files as the roster's import. At most ``max_rows``
    rows are read; more are refused."""
    for sheet in _sheets(path):
        if sheet.size.rows > max_rows:
            raise ImportFileError(
                f"Tệp có {sheet.size.rows:,} dòng; mỗi lần nhập tối đa {max_rows:,} dòng.".replace(",", ".")
            )
        return list(sheet.rows())
    raise ImportFileError("Tệp không có dữ liệu.")
