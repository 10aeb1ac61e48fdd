"""Candidates imported from an Excel file (the list a unit already keeps): one row per candidate
with the cadre's CCCD, the post and the readiness. Rows are read within the roster import's
limits (``cadres.imports.sheet``), then go through the same rules as the form and the bulk add
(``planning.services.add_candidates``): every row or none, each problem named by row and column."""

import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError

from cadres.imports.cells import CellError, Formula, cell_text, is_blank
from cadres.imports.limits import ImportFileError
from cadres.imports.sheet import check_upload, sheet_rows
from cadres.models import Cadre
from common.text import ascii_digits, fold

from .models import Readiness
from .rules import key_positions
from .services import CandidateRow

MAX_ROWS = 300
# Column → the folded headers it is recognised by.
HEADERS = {
    "national_id": ("so cccd", "cccd", "so can cuoc cong dan", "so dinh danh"),
    "position": ("chuc danh", "chuc danh quy hoach"),
    "readiness": ("muc do san sang", "san sang"),
    "note": ("ghi chu",),
}
LABELS = {
    "national_id": "Số CCCD",
    "position": "Chức danh",
    "readiness": "Mức độ sẵn sàng",
    "note": "Ghi chú",
}
READINESS = {
    "san sang ngay": Readiness.NOW,
    "ngay": Readiness.NOW,
    "1-2 nam": Readiness.ONE_TWO,
    "1–2 nam": Readiness.ONE_TWO,
    "3-5 nam": Readiness.THREE_FIVE,
    "3–5 nam": Readiness.THREE_FIVE,
}


def read_candidates(upload, *, plan, user) -> list[CandidateRow]:
    """The upload's rows as candidates, or ValidationError with every problem found."""
    try:
        check_upload(upload.name, upload.size)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            rows = sheet_rows(Path(copy.name), max_rows=MAX_ROWS)
    except ImportFileError as error:
        raise ValidationError(str(error)) from error
    header_at = next((i for i, (_, values) in enumerate(rows) if _columns(values)), None)
    if header_at is None:
        raise ValidationError(
            "Không tìm thấy dòng tiêu đề: tệp cần các cột “Số CCCD” và “Chức danh” "
            "(có thể thêm “Mức độ sẵn sàng”, “Ghi chú”)."
        )
    columns = _columns(rows[header_at][1])
    data = [(number, values) for number, values in rows[header_at + 1 :] if not all(map(is_blank, values))]
    if not data:
        raise ValidationError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    posts = key_positions(plan.unit)
    positions = {fold(p.name): p for p in posts} | {p.code: p for p in posts}
    problems: list[str] = []
    parsed = []
    for number, values in data:
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        row, row_problems = _parse_row(cells, positions, posts)
        problems += [f"Dòng {number}, {problem}." for problem in row_problems]
        if row is not None:
            parsed.append((number, *row))
    numbers = [national_id for _, national_id, *_ in parsed]
    cadres = Cadre.objects.visible_to(user).in_bulk(numbers, field_name="national_id")
    found = []
    for number, national_id, position, readiness, note in parsed:
        cadre = cadres.get(national_id)
        if cadre is None:
            problems.append(
                f"Dòng {number}, cột {LABELS['national_id']}: không tìm thấy cán bộ có số CCCD {national_id} "
                "trong phạm vi đơn vị của bạn."
            )
            continue
        found.append(
            CandidateRow(cadre, position, readiness, note, where=f"Dòng {number} ({cadre.full_name})")
        )
    if problems:
        raise ValidationError(problems)
    return found


def _parse_row(cells: dict, positions: dict, posts: list) -> tuple[tuple | None, list[str]]:
    """(CCCD, post, readiness, note) of one row, or None with what is wrong, column by column."""
    problems = []
    national_id = ascii_digits(_text(cells["national_id"]).replace(" ", "").replace(".", ""))
    if isinstance(cells["national_id"], Formula):
        problems.append(f"cột {LABELS['national_id']}: ô chứa công thức Excel; hãy nhập giá trị")
    elif len(national_id) != 12 or not national_id.isdigit():
        problems.append(f"cột {LABELS['national_id']}: số CCCD phải gồm đúng 12 chữ số")
    position = positions.get(fold(_text(cells["position"])))
    if position is None:
        names = ", ".join(p.name for p in posts)
        problems.append(
            f"cột {LABELS['position']}: “{_text(cells['position'])}” không phải chức danh quy hoạch ({names})"
        )
    readiness = Readiness.ONE_TWO
    if not is_blank(cells.get("readiness")):
        readiness = READINESS.get(fold(_text(cells["readiness"])))
        if readiness is None:
            problems.append(
                f"cột {LABELS['readiness']}: “{_text(cells['readiness'])}” — ghi “Sẵn sàng ngay”, "
                "“1–2 năm” hoặc “3–5 năm”"
            )
    note = _text(cells.get("note"))[:255]
    if note[:1] in {"=", "+", "-", "@"}:
        problems.append(f"cột {LABELS['note']}: “{note}” có dạng công thức")
    return (None if problems else (national_id, position, readiness, note)), problems


def _text(value) -> str:
    if is_blank(value):
        return ""
    try:
        return cell_text(value).strip()
    except CellError:
        return str(value)


def _columns(values) -> dict[str, int] | None:
    """Column → index if these values are the header row (CCCD and post at least)."""
    found = {}
    for index, value in enumerate(values):
        key = fold(_text(value)).strip(" :*")
        for column, names in HEADERS.items():
            if key in names and column not in found:
                found[column] = index
    return found if {"national_id", "position"} <= set(found) else None
