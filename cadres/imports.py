"""Import of the cadre roster from Excel: one code path for the web page and ``import_cadres``.

Read the sheet → check every row (nothing is written) → a plan of what will be created and
updated → commit it all or nothing. The file is checked again at commit time, because the
database may have changed since the preview.

``ImportJob`` (at the end) keeps an uploaded file in a temporary folder under a random token
tied to its user and publishes progress through the cache, so that a page can poll it while a
large file is checked or saved in a background thread.
"""

import datetime
import logging
import re
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from simple_history.models import HistoricalRecords

from .forms import MAX_AGE, MIN_AGE
from .models import (
    ETHNIC_GROUPS,
    Cadre,
    CadreStatus,
    Education,
    Employment,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Position,
    Religion,
    Unit,
)
from .services import appointment_add
from .standards import years_before
from .text import fold, nfc

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
APPOINTMENT_NOTE = "Nhập từ tệp Excel"
LANGUAGE_LEVEL_CODES = {1: "A1", 2: "A2", 3: "B1", 4: "B2", 5: "C1", 6: "C2"}

Progress = Callable[[str, int, int | None], None]


# --- Columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS = [
    Column("full_name", "Họ và tên", ("Họ tên", "Họ và tên khai sinh"), required=True),
    Column("birth_date", "Ngày sinh", ("Ngày tháng năm sinh",), required=True),
    Column("gender", "Giới tính", required=True),
    Column("ethnicity", "Dân tộc"),
    Column("religion", "Tôn giáo"),
    Column("national_id", "Số CCCD", ("CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh"), True),
    Column("phone", "Điện thoại", ("Số điện thoại", "SĐT")),
    Column("email", "Email", ("E-mail", "Thư điện tử")),
    Column("unit", "Đơn vị", ("Đơn vị công tác", "Tên đơn vị"), required=True),
    Column("unit_code", "Mã đơn vị"),
    Column("position", "Chức vụ", ("Chức vụ hiện tại",)),
    Column("youth_union_joined_on", "Ngày vào Đoàn"),
    Column("party_joined_on", "Ngày vào Đảng"),
    Column("education", "Trình độ chuyên môn", ("Chuyên môn", "Trình độ chuyên môn nghiệp vụ")),
    Column("major", "Chuyên ngành"),
    Column("political_theory", "Lý luận chính trị", ("LLCT", "Trình độ lý luận chính trị")),
    Column("foreign_language", "Ngoại ngữ", ("Trình độ ngoại ngữ",)),
    Column("it_level", "Tin học", ("Trình độ tin học",)),
    Column("employment", "Chuyên trách/Kiêm nhiệm", ("Chế độ công tác",)),
]
COLUMN_LABELS = {column.key: column.label for column in COLUMNS}
# Ngoại ngữ fills two model fields.
FIELD_COLUMNS = {"foreign_language_level": "foreign_language"}


def header_key(text: str) -> str:
    """Comparable form of a header or choice: no case, accents, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text)))


HEADER_KEYS = {header_key(name): column.key for column in COLUMNS for name in (column.label, *column.aliases)}


# --- Results ---------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported: not an xlsx file, too big, no header row…"""


@dataclass(frozen=True, order=True)
class Problem:
    row: int
    column_index: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột {self.column}: {self.message}"


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    LABELS = {CREATE: "Thêm mới", UPDATE: "Cập nhật", UNCHANGED: "Không thay đổi"}


@dataclass
class PlannedRow:
    row: int
    action: str
    cadre: Cadre
    changes: list[str] = field(default_factory=list)
    base_version: int | None = None
    post_changed: bool = False

    def summary(self) -> dict[str, Any]:
        cadre = self.cadre
        return {
            "row": self.row,
            "action": self.action,
            "action_label": Action.LABELS[self.action],
            "full_name": cadre.full_name,
            "national_id": cadre.national_id,
            "unit": cadre.unit.name,
            "position": cadre.position.name if cadre.position_id else "",
            "changes": ", ".join(self.changes),
            "url": reverse("cadres:cadre-detail", args=[cadre.pk]) if cadre.pk else "",
        }


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    problems: list[Problem]
    total_rows: int
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    committed: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Action.LABELS, 0)
        for planned in self.rows:
            counts[planned.action] += 1
        return {**counts, "total": self.total_rows, "problems": len(self.problems)}


class CellError(ValueError):
    """A value that cannot be read; the message completes "Dòng N, cột X: …"."""


# --- Reading the file ------------------------------------------------------------------


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
def _open_workbook(path: Path):
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors: all mean "not xlsx"
        raise ImportFileError("Không đọc được tệp: đây không phải tệp Excel .xlsx hợp lệ.") from exc
    try:
        yield workbook
    finally:
        workbook.close()


def estimate_rows(path: Path) -> int:
    """Rows of the largest sheet, from the file's own dimension record (cheap). Also proves
    that openpyxl can open the file."""
    with _open_workbook(path) as workbook:
        return max((sheet.max_row or 0 for sheet in workbook.worksheets), default=0)


class Formula(str):
    """A cell holding an Excel formula; its text starts with "="."""


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


def _find_header(sheet) -> tuple[int, list[tuple[str, int, str]]] | None:
    for number, cells in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS), start=1):
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
    with _open_workbook(path) as workbook:
        try:
            for worksheet in workbook.worksheets:
                found = _find_header(worksheet)
                if found is None:
                    continue
                number, matches = found
                columns = _header_columns(number, matches)
                return Sheet(number, columns, _data_rows(worksheet, number, progress))
        except ImportFileError:
            raise
        except Exception as exc:  # a corrupt sheet part inside a valid zip
            raise ImportFileError("Tệp Excel bị lỗi, không đọc được nội dung.") from exc
    required = ", ".join(column.label for column in COLUMNS if column.required)
    raise ImportFileError(
        f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp. Dòng tiêu đề cần có "
        f"các cột: {required}. Hãy dùng tệp mẫu."
    )


def _data_rows(worksheet, header_row: int, progress: Progress | None) -> list[tuple[int, tuple]]:
    rows = []
    for number, cells in enumerate(worksheet.iter_rows(min_row=header_row + 1), start=header_row + 1):
        values = tuple(_cell_value(cell) for cell in cells)
        if any(not _is_blank(value) for value in values):
            rows.append((number, values))
        if progress and number % 500 == 0:
            progress("read", len(rows), None)
    return rows


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Reading cells -----------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, Formula):
        raise CellError("ô chứa công thức Excel; hãy nhập giá trị (dán dạng Values).")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _plain_text(value: Any) -> str:
    """Free text that must not look like a formula when it reaches another spreadsheet."""
    text = _text(value)
    if text[:1] in {"=", "+", "-", "@"}:
        raise CellError(f"“{text}” có dạng công thức (bắt đầu bằng =, +, - hoặc @).")
    return text


_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000 <= value <= 80_000:  # a date serial number in a cell without date format
            return from_excel(value).date()
        raise CellError(
            f"“{_text(value)}” không phải là ngày; ghi theo dạng ngày/tháng/năm, ví dụ 15/03/1995."
        )
    text = _text(value)
    if match := _DAY_MONTH_YEAR.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YEAR_MONTH_DAY.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise CellError(f"“{text}” không phải là ngày; ghi theo dạng ngày/tháng/năm, ví dụ 15/03/1995.")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(f"ngày “{text}” không tồn tại.") from None


def _national_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        # Excel turned it into a number and dropped the leading zeros; every CCCD starts with
        # the 0 of its province code (001–096).
        if 10 <= len(text) <= 11:
            text = text.zfill(12)
    else:
        text = re.sub(r"\s", "", _text(value))
    if not re.fullmatch(r"\d{12}", text):
        raise CellError(f"số CCCD “{text}” phải gồm đúng 12 chữ số.")
    return text


def _phone(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        if len(text) == 9:  # 0912345678 typed as a number
            text = "0" + text
    else:
        text = _text(value)
    if not re.fullmatch(r"\+?[\d .()-]{8,20}", text):
        raise CellError(f"số điện thoại “{text}” không hợp lệ.")
    return text


def _table_reader(choices, *, strip: tuple[str, ...] = (), aliases: dict | None = None) -> Callable:
    table = {header_key(label): value for value, label in choices}
    for value, names in (aliases or {}).items():
        table.update({header_key(name): value for name in names})
    accepted = ", ".join(dict.fromkeys(label for _, label in choices))

    def read(raw: Any) -> Any:
        text = _text(raw)
        key = header_key(text)
        for word in strip:
            key = key.replace(word, "") or key
        if key not in table:
            raise CellError(f"“{text}” không có trong danh sách: {accepted}.")
        return table[key]

    return read


_gender = _table_reader(Gender.choices, aliases={Gender.FEMALE: ("nu gioi",), Gender.MALE: ("nam gioi",)})
_ethnicity = _table_reader(
    [(name, name) for name in ETHNIC_GROUPS],
    strip=("dantoc",),
    aliases={
        "Kinh": ("Việt", "Kinh (Việt)"),
        "H'Mông": ("Mông", "Hmông", "Hmong"),
        "Khmer": ("Khơ-me", "Khơ me"),
        "Bru - Vân Kiều": ("Vân Kiều", "Bru"),
        "Stiêng": ("Xtiêng", "Xtieng"),
    },
)
_religion = _table_reader(
    Religion.choices,
    aliases={
        Religion.NONE: ("Không tôn giáo", "Không có"),
        Religion.BUDDHISM: ("Phật", "Đạo Phật"),
        Religion.CATHOLIC: ("Thiên Chúa", "Thiên Chúa giáo", "Công giáo La Mã"),
        Religion.PROTESTANT: ("Tin Lành giáo", "Đạo Tin Lành"),
        Religion.CAO_DAI: ("Đạo Cao Đài",),
        Religion.HOA_HAO: ("Hòa Hảo", "Hoà Hảo"),
        Religion.ISLAM: ("Hồi", "Islam"),
    },
)
_education = _table_reader(
    Education.choices,
    strip=("trinhdo",),
    aliases={
        Education.NONE: ("Không", "Chưa", "Chưa qua đào tạo chuyên môn"),
        Education.INTERMEDIATE: ("TC",),
        Education.COLLEGE: ("CĐ",),
        Education.BACHELOR: ("ĐH", "Cử nhân", "Kỹ sư", "Kiến trúc sư", "Bác sĩ", "Dược sĩ", "Luật sư"),
        Education.MASTER: ("ThS", "Thạc sỹ", "Bác sĩ chuyên khoa I"),
        Education.DOCTOR: ("TS", "Tiến sỹ"),
    },
)
_political_theory = _table_reader(
    PoliticalTheory.choices,
    strip=("lyluanchinhtri", "llct", "trinhdo"),
    aliases={
        PoliticalTheory.NONE: ("Không", "Chưa"),
        PoliticalTheory.BACHELOR: ("Cử nhân chính trị", "Cao cấp, cử nhân"),
    },
)
_it_level = _table_reader(
    ItLevel.choices,
    strip=(
        "chuanky",
        "nangsudung",
        "kynangsudung",
        "chungchi",
        "ungdung",
        "congnghethongtin",
        "cntt",
        "tinhoc",
    ),
    aliases={ItLevel.NONE: ("Không", "Chưa")},
)
_employment = _table_reader(Employment.choices)

_CEFR = re.compile(r"\b([ABC][12])\b", re.IGNORECASE)
_STEP = re.compile(r"\b(?:bậc|bac)\s*([1-6])\b", re.IGNORECASE)
_LANGUAGES = {"anh", "phap", "nga", "trung", "trung quoc", "nhat", "han", "han quoc", "duc", "lao", "khmer"}
_CEFR_LEVELS = {code: level for level, code in LANGUAGE_LEVEL_CODES.items()}


def _foreign_language(value: Any) -> tuple[str, int]:
    """ "Tiếng Anh B1", "Anh - Bậc 3", "Tiếng Pháp bậc 4 (B2)" → (language, level)."""
    text = _text(value)
    levels = {_CEFR_LEVELS[match.upper()] for match in _CEFR.findall(text)}
    levels |= {int(match) for match in _STEP.findall(text)}
    rest = nfc(re.sub(r"[()\[\],;:/–—-]", " ", _STEP.sub(" ", _CEFR.sub(" ", text))))
    folded = fold(rest)
    if len(levels) > 1 or re.search(r"\d", rest) or folded.split(" ")[-1:] in (["a"], ["b"], ["c"]):
        raise CellError(
            f"không hiểu trình độ ngoại ngữ “{text}”; ghi như “Tiếng Anh B1” hoặc “Tiếng Anh bậc 3”."
        )
    level = levels.pop() if levels else LanguageLevel.NONE
    if folded in {"", "chua co", "khong", "chua"}:
        return "", level
    if folded.endswith(" van"):  # "Anh văn" → "Anh"
        rest, folded = rest[: -len(" văn")], folded[: -len(" van")]
    if folded in _LANGUAGES:
        rest = f"Tiếng {rest[0].upper()}{rest[1:]}"
    return rest, level


# --- Checking rows -----------------------------------------------------------------------


def scope_units(user):
    """The units an import may write into; ``None`` (the command without --user) is the whole system."""
    return Unit.objects.all() if user is None else Unit.objects.visible_to(user)


class _Catalogue:
    """Units of the user's scope and positions, looked up ignoring accents and case."""

    def __init__(self, user):
        self.unit_ids: set[int] = set()
        self.units_by_code: dict[str, Unit] = {}
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        self.units_by_short_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in scope_units(user).only(
            "id", "name", "short_name", "code", "dissolved_on", "path", "level"
        ):
            self.unit_ids.add(unit.pk)
            self.units_by_code[header_key(unit.code)] = unit
            self.units_by_name[header_key(unit.name)].append(unit)
            if unit.short_name:
                self.units_by_short_name[header_key(unit.short_name)].append(unit)
        positions = list(Position.objects.all())
        # Names win over codes when a code happens to read like another position's name.
        self.positions = {header_key(position.code): position for position in positions}
        self.positions.update({header_key(position.name): position for position in positions})

    def unit(self, raw: Any, *, by_code_only: bool = False) -> Unit:
        text = _text(raw)
        key = header_key(text)
        # A unit outside the scope is not in these tables: it reads exactly like an unknown one.
        not_found = CellError(f"không tìm thấy đơn vị “{text}” trong phạm vi quản lý của bạn.")
        if not key:
            raise not_found
        if unit := self.units_by_code.get(key):
            return self._active(unit)
        if by_code_only:
            raise not_found
        for table in (self.units_by_name, self.units_by_short_name):
            candidates = table.get(key, [])
            if len(candidates) == 1:
                return self._active(candidates[0])
            if len(candidates) > 1:
                raise CellError(
                    f"có {len(candidates)} đơn vị cùng tên “{text}”; hãy ghi mã đơn vị "
                    f"(cột “{COLUMN_LABELS['unit_code']}”)."
                )
        raise not_found

    @staticmethod
    def _active(unit: Unit) -> Unit:
        if unit.dissolved_on:
            raise CellError(f"đơn vị “{unit.name}” đã giải thể ngày {unit.dissolved_on:%d/%m/%Y}.")
        return unit

    def position(self, raw: Any) -> Position:
        text = _text(raw)
        try:
            return self.positions[header_key(text)]
        except KeyError:
            raise CellError(f"không có chức vụ “{text}” trong danh mục chức vụ.") from None


READERS: dict[str, Callable[[Any], Any]] = {
    "full_name": _plain_text,
    "birth_date": _date,
    "gender": _gender,
    "ethnicity": _ethnicity,
    "religion": _religion,
    "national_id": _national_id,
    "phone": _phone,
    "email": _text,
    "youth_union_joined_on": _date,
    "party_joined_on": _date,
    "education": _education,
    "major": _plain_text,
    "political_theory": _political_theory,
    "foreign_language": _foreign_language,
    "it_level": _it_level,
    "employment": _employment,
}
REQUIRED_KEYS = [column.key for column in COLUMNS if column.required and column.key != "unit"]


class _RowChecker:
    def __init__(self, sheet: Sheet, catalogue: _Catalogue, today: datetime.date):
        self.sheet = sheet
        self.catalogue = catalogue
        self.today = today

    def problem(self, number: int, key: str, message: str) -> Problem:
        column_key = key if key in self.sheet.columns else ("unit_code" if key == "unit" else key)
        index, header = self.sheet.columns.get(column_key, (999, COLUMN_LABELS.get(column_key, column_key)))
        return Problem(number, index, header, message)

    def check(self, number: int, values: tuple) -> tuple[dict[str, Any], list[Problem]]:
        data: dict[str, Any] = {}
        problems = []

        def cell(key: str) -> Any:
            index = self.sheet.columns[key][0]
            return values[index] if index < len(values) else None

        for key, reader in READERS.items():
            if key not in self.sheet.columns:
                continue
            raw = cell(key)
            if _is_blank(raw):
                if key in REQUIRED_KEYS:
                    problems.append(self.problem(number, key, "chưa có dữ liệu (bắt buộc)."))
                continue
            try:
                value = reader(raw)
            except CellError as error:
                problems.append(self.problem(number, key, str(error)))
                continue
            if key == "foreign_language":
                data["foreign_language"], data["foreign_language_level"] = value
            else:
                data[key] = value
        problems += self._unit_and_position(number, cell, data)
        problems += self._dates(number, data)
        return data, problems

    def _unit_and_position(self, number: int, cell, data: dict) -> list[Problem]:
        problems = []
        by_code = "unit_code" in self.sheet.columns and not _is_blank(cell("unit_code"))
        key = "unit_code" if by_code else "unit"
        if key not in self.sheet.columns or _is_blank(cell(key)):
            problems.append(self.problem(number, key, "chưa có dữ liệu (bắt buộc)."))
        else:
            try:
                data["unit"] = self.catalogue.unit(cell(key), by_code_only=by_code)
            except CellError as error:
                problems.append(self.problem(number, key, str(error)))
        if "position" in self.sheet.columns and not _is_blank(cell("position")):
            try:
                data["position"] = self.catalogue.position(cell("position"))
            except CellError as error:
                problems.append(self.problem(number, "position", str(error)))
        return problems

    def _dates(self, number: int, data: dict) -> list[Problem]:
        problems = []
        birth = data.get("birth_date")
        if birth and not years_before(self.today, MAX_AGE) <= birth <= years_before(self.today, MIN_AGE):
            message = f"ngày sinh {birth:%d/%m/%Y}: tuổi phải từ {MIN_AGE} đến {MAX_AGE}."
            problems.append(self.problem(number, "birth_date", message))
        for key in ("youth_union_joined_on", "party_joined_on"):
            day = data.get(key)
            if day and day > self.today:
                problems.append(self.problem(number, key, f"ngày {day:%d/%m/%Y} ở tương lai."))
            elif day and birth and day < birth:
                problems.append(self.problem(number, key, f"ngày {day:%d/%m/%Y} trước ngày sinh."))
        return problems


def _duplicates(entries: list[tuple[int, dict, list[Problem]]], checker: _RowChecker) -> None:
    """A CCCD twice in the file is an error on every row that has it."""
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for number, data, _ in entries:
        if national_id := data.get("national_id"):
            rows_by_id[national_id].append(number)
    for number, data, problems in entries:
        numbers = rows_by_id.get(data.get("national_id"), [])
        if len(numbers) > 1:
            others = ", ".join(str(other) for other in numbers if other != number)
            message = f"số CCCD {data['national_id']} trùng với dòng {others}."
            problems.append(checker.problem(number, "national_id", message))


def _existing_cadres(national_ids: list[str]) -> dict[str, Cadre]:
    found = {}
    for start in range(0, len(national_ids), 500):
        chunk = national_ids[start : start + 500]
        for cadre in Cadre.objects.filter(national_id__in=chunk).select_related("unit", "position"):
            found[cadre.national_id] = cadre
    return found


def _changes(cadre: Cadre, data: dict) -> list[str]:
    changed_columns = []
    for name, value in data.items():
        field_ = Cadre._meta.get_field(name)
        old = getattr(cadre, field_.attname)
        new = value.pk if field_.is_relation else value
        if old != new:
            column = FIELD_COLUMNS.get(name, name)
            changed_columns.append(COLUMN_LABELS[column])
    return list(dict.fromkeys(changed_columns))


def _plan_row(number: int, data: dict, existing: Cadre | None, checker: _RowChecker) -> PlannedRow | Problem:
    if existing is None:
        return PlannedRow(number, Action.CREATE, Cadre(**data), changes=[], post_changed="position" in data)
    changes = _changes(existing, data)
    post_changed = existing.unit_id != data["unit"].pk or (
        "position" in data and existing.position_id != data["position"].pk
    )
    if post_changed and existing.status != CadreStatus.ACTIVE:
        return checker.problem(
            number,
            "unit",
            f"cán bộ đã thôi công tác ({existing.get_status_display().lower()}); "
            "không đổi đơn vị, chức vụ bằng nhập Excel.",
        )
    base_version = existing.version
    for name, value in data.items():
        setattr(existing, name, value)
    action = Action.UPDATE if changes else Action.UNCHANGED
    return PlannedRow(number, action, existing, changes, base_version=base_version, post_changed=post_changed)


def _model_problems(planned: PlannedRow, checker: _RowChecker) -> list[Problem]:
    """Field validation of the model (lengths, e-mail, Party dates) on the final values."""
    cadre = planned.cadre
    problems = []
    try:
        cadre.full_clean(exclude=["unit", "position"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = FIELD_COLUMNS.get(name, name)
            problems += [checker.problem(planned.row, key, message) for message in messages]
    if cadre.party_official_on and cadre.party_joined_on and cadre.party_official_on < cadre.party_joined_on:
        problems.append(
            checker.problem(
                planned.row,
                "party_joined_on",
                f"ngày vào Đảng sau ngày chính thức ({cadre.party_official_on:%d/%m/%Y}) đã có trong hồ sơ.",
            )
        )
    if cadre.youth_union_joined_on and cadre.youth_union_joined_on < cadre.birth_date:
        problems.append(
            checker.problem(planned.row, "youth_union_joined_on", "ngày vào Đoàn trước ngày sinh.")
        )
    return problems


def cadre_import_check(
    path: Path, *, user, progress: Progress | None = None, today: datetime.date | None = None
) -> ImportPlan:
    """Read and check the whole file without writing anything: every problem, and for the
    good rows what would be created or updated."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        sheet = read_sheet(path, progress)
        if not sheet.rows:
            raise ImportFileError(
                f"Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {sheet.header_row})."
            )
        checker = _RowChecker(sheet, _Catalogue(user), today)
        total = len(sheet.rows)
        entries = []
        for done, (number, values) in enumerate(sheet.rows, start=1):
            entries.append((number, *checker.check(number, values)))
            if progress and (done % 100 == 0 or done == total):
                progress("check", done, total)
        _duplicates(entries, checker)
        existing = _existing_cadres([data["national_id"] for _, data, _ in entries if "national_id" in data])
        rows, problems = [], []
        for number, data, row_problems in entries:
            cadre = existing.get(data.get("national_id"))
            if cadre is not None and cadre.unit_id not in checker.catalogue.unit_ids:
                # Another unit's cadre: say no more than that the number is taken.
                message = "số CCCD đã có trong hồ sơ một cán bộ ngoài phạm vi quản lý."
                row_problems.append(checker.problem(number, "national_id", message))
            if not row_problems:
                planned = _plan_row(number, data, cadre, checker)
                row_problems = (
                    [planned] if isinstance(planned, Problem) else _model_problems(planned, checker)
                )
                if not row_problems:
                    rows.append(planned)
            problems += row_problems
        return ImportPlan(rows=rows, problems=sorted(problems), total_rows=total, columns=sheet.columns)


# --- Committing ------------------------------------------------------------------------


class _StaleRows(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("Rows changed since they were checked.")
        self.problems = problems


@contextmanager
def _history_attributed_to(user):
    """History rows written by the services (appointments…) carry the importing user, also
    outside a request: in a background thread or the management command."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    if user is not None:
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is not None:
            context.request = previous
        elif hasattr(context, "request"):
            del context.request


def _lock_versions(plan: ImportPlan) -> None:
    """Refuse to overwrite a record someone saved after it was checked."""
    updates = [planned for planned in plan.rows if planned.action == Action.UPDATE]
    index, header = plan.columns["national_id"]
    stale = []
    for start in range(0, len(updates), 500):
        chunk = updates[start : start + 500]
        versions = dict(
            Cadre.objects.select_for_update()
            .filter(pk__in=[planned.cadre.pk for planned in chunk])
            .values_list("pk", "version")
        )
        for planned in chunk:
            if versions.get(planned.cadre.pk) != planned.base_version:
                stale.append(
                    Problem(
                        planned.row,
                        index,
                        header,
                        "hồ sơ vừa được người khác cập nhật; hãy tải tệp lên lại để xem trước.",
                    )
                )
    if stale:
        raise _StaleRows(stale)


def _save_row(planned: PlannedRow, *, user, today: datetime.date) -> None:
    cadre = planned.cadre
    if user is not None:
        cadre._history_user = user
    if planned.action == Action.UPDATE:
        cadre.version = planned.base_version + 1
    cadre.save()
    if planned.post_changed and cadre.position_id:
        appointment_add(
            cadre=cadre,
            unit=cadre.unit,
            position=cadre.position,
            started_on=today,
            note=APPOINTMENT_NOTE,
            close_current=planned.action == Action.UPDATE,
        )


def cadre_import_commit(
    path: Path, *, user, progress: Progress | None = None, today: datetime.date | None = None
) -> ImportPlan:
    """Check the file again, then save every row or none. The returned plan has
    ``committed`` set when the rows were saved; otherwise its problems say why not."""
    today = today or timezone.localdate()
    plan = cadre_import_check(path, user=user, progress=progress, today=today)
    if not plan.is_valid:
        return plan
    to_save = [planned for planned in plan.rows if planned.action != Action.UNCHANGED]
    try:
        with transaction.atomic(), _history_attributed_to(user), translation.override(settings.LANGUAGE_CODE):
            _lock_versions(plan)
            for done, planned in enumerate(to_save, start=1):
                _save_row(planned, user=user, today=today)
                if progress and (done % 50 == 0 or done == len(to_save)):
                    progress("save", done, len(to_save))
    except _StaleRows as stale:
        plan.problems = stale.problems
        return plan
    except IntegrityError as exc:
        raise ImportFileError(
            "Dữ liệu vừa thay đổi trong lúc nhập (có số CCCD vừa được thêm); "
            "không có gì được lưu. Hãy thử lại."
        ) from exc
    plan.committed = True
    return plan


# --- Jobs: the web page's uploaded files, progress and background threads ------------------


class JobStatus:
    CHECKING = "checking"
    READY = "ready"
    INVALID = "invalid"
    SAVING = "saving"
    DONE = "done"
    FAILED = "failed"
    RUNNING = {CHECKING, SAVING}


STAGE_LABELS = {
    "read": "Đang đọc tệp",
    "check": "Đã kiểm tra {done}/{total} dòng",
    "save": "Đã lưu {done}/{total} dòng",
}
JOB_TIMEOUT = 24 * 60 * 60
STALE_AFTER_SECONDS = 5 * 60
PREVIEW_ROWS = 1000
SHOWN_PROBLEMS = 2000


def _job_dir() -> Path:
    directory = Path(settings.IMPORT_TEMP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _sweep_old_files() -> None:
    limit = time.time() - JOB_TIMEOUT
    for old in _job_dir().glob("*.xlsx"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass


class ImportJob:
    """An uploaded file waiting to be checked, previewed and committed by one user."""

    def __init__(self, token: str, state: dict):
        self.token = token
        self.state = state
        self._published = 0.0

    @staticmethod
    def _key(token: str) -> str:
        return f"cadre-import:{token}"

    @classmethod
    def create(cls, *, upload, user) -> "ImportJob":
        """Store the upload under a random token; refuse what is not a readable xlsx file."""
        check_upload(upload.name, upload.size)
        _sweep_old_files()
        token = secrets.token_urlsafe(24)
        job = cls(token, {"user_id": user.pk, "filename": Path(upload.name).name, "size": upload.size})
        with job.path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            job.state["estimated_rows"] = estimate_rows(job.path)
        except ImportFileError:
            job.path.unlink(missing_ok=True)
            raise
        job.update(status=JobStatus.CHECKING, stage="read", done=0, total=None)
        return job

    @classmethod
    def get(cls, token: str, user) -> "ImportJob | None":
        state = cache.get(cls._key(token))
        if not state or state.get("user_id") != user.pk:
            return None
        return cls(token, state)

    @property
    def path(self) -> Path:
        return _job_dir() / f"{self.token}.xlsx"

    @property
    def status(self) -> str:
        if (
            self.state["status"] in JobStatus.RUNNING
            and time.time() - self.state["updated"] > STALE_AFTER_SECONDS
        ):
            return JobStatus.FAILED
        return self.state["status"]

    @property
    def is_running(self) -> bool:
        return self.status in JobStatus.RUNNING

    @property
    def message(self) -> str:
        if self.status == JobStatus.FAILED and self.state["status"] in JobStatus.RUNNING:
            return "Quá trình nhập bị gián đoạn; không có dữ liệu nào được lưu. Hãy tải tệp lên lại."
        return self.state.get("message", "")

    @property
    def progress_label(self) -> str:
        stage = self.state.get("stage", "read")
        return STAGE_LABELS[stage].format(done=self.state.get("done", 0), total=self.state.get("total") or 0)

    @property
    def percent(self) -> int | None:
        total = self.state.get("total")
        if not total or self.state.get("stage") == "read":
            return None
        return min(100, round(100 * self.state.get("done", 0) / total))

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre-import-job", args=[self.token])

    def update(self, **changes) -> None:
        self.state.update(changes, updated=time.time())
        cache.set(self._key(self.token), self.state, JOB_TIMEOUT)
        self._published = time.monotonic()

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        # The file cache is shared by every worker; a write per second is plenty for a poll per second.
        if stage != self.state.get("stage") or done == total or time.monotonic() - self._published > 0.5:
            self.update(stage=stage, done=done, total=total)

    def start_check(self, user) -> None:
        self._run(self._check, user)

    def start_commit(self, user) -> bool:
        """Commit a checked file once, however many times the button is pressed."""
        if self.status != JobStatus.READY or not cache.add(f"{self._key(self.token)}:commit", 1, JOB_TIMEOUT):
            return False
        self.update(
            status=JobStatus.SAVING, stage="check", done=0, total=self.state.get("counts", {}).get("total")
        )
        self._run(self._commit, user)
        return True

    def _run(self, work: Callable, user) -> None:
        big = self.state.get("estimated_rows", 0) >= settings.IMPORT_BACKGROUND_MIN_ROWS
        if settings.IMPORT_BACKGROUND and big:
            thread = threading.Thread(target=self._in_thread, args=(work, user.pk), daemon=True)
            thread.start()
        else:
            self._guarded(work, user)

    def _in_thread(self, work: Callable, user_id: int) -> None:
        from accounts.models import User

        try:
            self._guarded(work, User.objects.select_related("unit").get(pk=user_id))
        finally:
            connection.close()  # this thread's own connection

    def _guarded(self, work: Callable, user) -> None:
        try:
            work(user)
        except ImportFileError as error:
            self._finish(JobStatus.FAILED, message=str(error))
        except Exception:
            logger.exception("Cadre import %s failed", self.token)
            self._finish(JobStatus.FAILED, message="Lỗi hệ thống khi nhập; không có dữ liệu nào được lưu.")

    def _check(self, user) -> None:
        plan = cadre_import_check(self.path, user=user, progress=self._progress)
        self._finish(JobStatus.READY if plan.is_valid else JobStatus.INVALID, plan=plan)

    def _commit(self, user) -> None:
        plan = cadre_import_commit(self.path, user=user, progress=self._progress)
        if plan.committed:
            counts = plan.counts()
            logger.info(
                "Cadre import by %s: %s created, %s updated",
                user,
                counts[Action.CREATE],
                counts[Action.UPDATE],
            )
        self._finish(JobStatus.DONE if plan.committed else JobStatus.INVALID, plan=plan)

    def _finish(self, status: str, *, plan: ImportPlan | None = None, message: str = "") -> None:
        changes: dict[str, Any] = {"status": status, "message": message}
        if plan is not None:
            changes.update(
                counts=plan.counts(),
                rows=[planned.summary() for planned in plan.rows[:PREVIEW_ROWS]],
                problems=[str(problem) for problem in plan.problems[:SHOWN_PROBLEMS]],
            )
        if status != JobStatus.READY:
            self.path.unlink(missing_ok=True)
        self.update(**changes)
