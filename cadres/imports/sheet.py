"""Opening an uploaded workbook and finding its header row and data rows. Every sheet is measured
first (``limits``), and openpyxl reads no further than the values found."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import load_workbook

from ..text import nfc
from .cells import COLUMN_LABELS, COLUMNS, HEADER_KEYS, Formula, header_key, is_blank
from .limits import HEADER_ROWS, ImportFileError, SheetSize, measure_workbook

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


@contextmanager
def _open_workbook(path: Path) -> Iterator[tuple[Any, dict[str, SheetSize]]]:
    """The workbook, read-only, and the size of each sheet, measured before openpyxl opens it."""
    sizes = measure_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors: all mean "not xlsx"
        raise ImportFileError("Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ.") from exc
    try:
        yield workbook, sizes
    finally:
        workbook.close()


def _measured(workbook, sizes: dict[str, SheetSize]) -> Iterator[tuple[Any, SheetSize]]:
    """The sheets that hold values, with their measured size (their dimension record may lie)."""
    for worksheet in workbook.worksheets:
        size = sizes[worksheet._worksheet_path]  # the part name, which openpyxl keeps privately
        if size.rows:
            yield worksheet, size


def estimate_rows(path: Path) -> int:
    """Rows of the largest sheet, counted in the file (within the limits, which it checks), not
    taken from its dimension record. Also proves that openpyxl can open the file."""
    with _open_workbook(path) as (workbook, sizes):
        return max((size.rows for _, size in _measured(workbook, sizes)), default=0)


@dataclass
class Sheet:
    header_row: int
    columns: dict[str, tuple[int, str]]  # column key → (index, header as written in the file)
    rows: list[tuple[int, tuple]]  # (spreadsheet row number, cell values)


def _cell_value(cell) -> Any:
    if cell.data_type == "f":
        return Formula(cell.value)
    return cell.value


def _match_header(values: Iterable) -> list[tuple[str, int, str]]:
    matches = []
    for index, value in enumerate(values):
        if isinstance(value, str) and (key := HEADER_KEYS.get(header_key(value))):
            matches.append((key, index, nfc(value)))
    return matches


def _find_header(sheet, size: SheetSize) -> tuple[int, list[tuple[str, int, str]]] | None:
    rows = sheet.iter_rows(max_row=min(HEADER_SEARCH_ROWS, size.rows), max_col=size.columns)
    for number, cells in enumerate(rows, start=1):
        matches = _match_header(cell.value for cell in cells)
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
    with _open_workbook(path) as (workbook, sizes):
        try:
            for worksheet, size in _measured(workbook, sizes):
                found = _find_header(worksheet, size)
                if found is None:
                    continue
                number, matches = found
                columns = _header_columns(number, matches)
                return Sheet(number, columns, _data_rows(worksheet, size, number, progress))
        except ImportFileError:
            raise
        except Exception as exc:  # a corrupt sheet part inside a valid zip
            raise ImportFileError("Tệp Excel bị lỗi, không đọc được nội dung.") from exc
    required = ", ".join(column.label for column in COLUMNS if column.required)
    raise ImportFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp. Dòng tiêu đề cần có "
        f"các cột: {required}. Hãy dùng tệp mẫu."
    )


def _data_rows(
    worksheet, size: SheetSize, header_row: int, progress: Progress | None
) -> list[tuple[int, tuple]]:
    rows = []
    if size.rows <= header_row:
        return rows
    cells_by_row = worksheet.iter_rows(min_row=header_row + 1, max_row=size.rows, max_col=size.columns)
    for number, cells in enumerate(cells_by_row, start=header_row + 1):
        values = tuple(_cell_value(cell) for cell in cells)
        if any(not is_blank(value) for value in values):
            rows.append((number, values))
        if progress and number % 500 == 0:
            progress("read", len(rows), None)
    return rows
