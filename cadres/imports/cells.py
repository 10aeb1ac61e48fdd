"""The columns an import reads and how each cell is read: headers and choices are matched
ignoring case, accents, spacing and punctuation; dates, CCCD and phone numbers in the forms
Excel and people write them."""

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel

from common.text import ascii_digits, is_ascii_number, is_phone_number, phone_text

from ..models import (
    ETHNIC_GROUPS,
    Education,
    Employment,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Religion,
)
from ..text import fold, nfc

LANGUAGE_LEVEL_CODES = {1: "A1", 2: "A2", 3: "B1", 4: "B2", 5: "C1", 6: "C2"}


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

# The import template's example cadre: shown to explain the columns, never imported (templates
# downloaded before it moved to the instructions sheet still carry it as their first row).
SAMPLE_FULL_NAME = "Nguyễn Văn Mẫu"
SAMPLE_NATIONAL_ID = "052095001234"


def header_key(text: str) -> str:
    """Comparable form of a header or choice: no case, accents, spaces or punctuation."""
    return _header_key(str(text))


@functools.lru_cache(maxsize=8192)
def _header_key(text: str) -> str:
    # Remembered: a sheet repeats its choices (genders, units, posts) on every row.
    return re.sub(r"[^a-z0-9]", "", fold(text))


HEADER_KEYS = {header_key(name): column.key for column in COLUMNS for name in (column.label, *column.aliases)}


class CellError(ValueError):
    """A value that cannot be read; the message completes "Dòng N, cột X: …"."""


class Formula(str):
    """A cell holding an Excel formula; its text starts with "="."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    if isinstance(value, Formula):
        raise CellError(f"ô chứa công thức Excel “{value}”; hãy nhập giá trị (dán dạng Values).")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _plain_text(value: Any) -> str:
    """Free text that must not look like a formula when it reaches another spreadsheet."""
    text = cell_text(value)
    if text[:1] in {"=", "+", "-", "@"}:
        raise CellError(f"“{text}” có dạng công thức (bắt đầu bằng =, +, - hoặc @).")
    return text


_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
NOT_A_DATE = "không phải là ngày; ghi theo dạng ngày/tháng/năm, ví dụ 15/03/1995."


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000 <= value <= 80_000:  # a date serial number in a cell without date format
            return from_excel(value).date()
        raise CellError(f"“{cell_text(value)}” {NOT_A_DATE}")
    text = cell_text(value)
    if match := _DAY_MONTH_YEAR.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YEAR_MONTH_DAY.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise CellError(f"“{text}” {NOT_A_DATE}")
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
        # Full-width digits become ASCII here, so the number finds its cadre if they exist.
        text = ascii_digits(cell_text(value))
    if not is_ascii_number(text, 12):
        raise CellError(f"“{text}” không hợp lệ: số CCCD chỉ gồm 12 chữ số 0–9.")
    return text


def _phone(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        if len(text) == 9:  # 0912345678 typed as a number
            text = "0" + text
    else:
        text = phone_text(cell_text(value))
    if not is_phone_number(text):
        raise CellError(f"số điện thoại “{text}” không hợp lệ: chỉ gồm chữ số 0–9, có thể bắt đầu bằng +.")
    return text


def _table_reader(choices, *, strip: tuple[str, ...] = (), aliases: dict | None = None) -> Callable:
    table = {header_key(label): value for value, label in choices}
    for value, names in (aliases or {}).items():
        table.update({header_key(name): value for name in names})
    accepted = ", ".join(dict.fromkeys(label for _, label in choices))

    def read(raw: Any) -> Any:
        text = cell_text(raw)
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
    strip=("chuanky", "nangsudung", "chungchi", "ungdung", "congnghethongtin", "cntt", "tinhoc"),
    aliases={ItLevel.NONE: ("Không", "Chưa")},
)
_employment = _table_reader(Employment.choices)

_CEFR = re.compile(r"\b([ABC][12])\b", re.IGNORECASE)
_STEP = re.compile(r"\b(?:bậc|bac)\s*([1-6])\b", re.IGNORECASE)
_LANGUAGES = {"anh", "phap", "nga", "trung", "trung quoc", "nhat", "han", "han quoc", "duc", "lao", "khmer"}
_CEFR_LEVELS = {code: level for level, code in LANGUAGE_LEVEL_CODES.items()}


def _foreign_language(value: Any) -> tuple[str, int]:
    """Language and level from "Tiếng Anh B1", "Anh - Bậc 3", "Tiếng Pháp bậc 4 (B2)"…"""
    text = cell_text(value)
    levels = {_CEFR_LEVELS[match.upper()] for match in _CEFR.findall(text)}
    levels |= {int(match) for match in _STEP.findall(text)}
    rest = _STEP.sub(" ", _CEFR.sub(" ", text))
    rest = nfc(re.sub(r"[()\[\],;:/–—-]|\b(?:trình độ|chứng chỉ)\b", " ", rest, flags=re.IGNORECASE))
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


READERS: dict[str, Callable[[Any], Any]] = {
    "full_name": _plain_text,
    "birth_date": _date,
    "gender": _gender,
    "ethnicity": _ethnicity,
    "religion": _religion,
    "national_id": _national_id,
    "phone": _phone,
    "email": cell_text,
    "youth_union_joined_on": _date,
    "party_joined_on": _date,
    "education": _education,
    "major": _plain_text,
    "political_theory": _political_theory,
    "foreign_language": _foreign_language,
    "it_level": _it_level,
    "employment": _employment,
}
