"""Excel files of the roster: the filtered list (``/cadres/export.xlsx``) and the import template.

The roster's header names are the import's own (``imports.COLUMN_LABELS``), so an exported file
can be corrected and imported back. Styles and safe cells are common's (``common.xlsx``).
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.downloads import readable_filename
from common.text import fold
from common.xlsx import (
    DATE_FORMAT,
    FORMULA_STARTS,
    HEADER_FILL,
    HEADER_FONT,
    TEXT_FORMAT,
    TITLE_FONT,
    XLSX_CONTENT_TYPE,
    TableWorkbook,
    set_safe_value,
    set_widths,
    style_header,
)

from .imports import COLUMN_LABELS, LANGUAGE_LEVEL_CODES, SAMPLE_FULL_NAME, SAMPLE_NATIONAL_ID
from .models import (
    ETHNIC_GROUPS,
    Cadre,
    Education,
    Employment,
    Gender,
    ItLevel,
    PoliticalTheory,
    Position,
    Religion,
    Unit,
)

# The styles and XLSX_CONTENT_TYPE are common's, re-exported for callers that import them from here.
__all__ = [
    "DATE_FORMAT",
    "EXAMPLE_TITLE",
    "FORMULA_STARTS",
    "HEADER_FILL",
    "HEADER_FONT",
    "REQUIRED_NOTES",
    "ROSTER_COLUMNS",
    "ROW_NUMBER",
    "TEMPLATE_HEADER_ROW",
    "TEMPLATE_HINT",
    "TEMPLATE_INSTRUCTIONS",
    "TEXT_FORMAT",
    "TITLE_FONT",
    "XLSX_CONTENT_TYPE",
    "ExportColumn",
    "language_text",
    "roster_columns",
    "roster_filenames",
    "roster_rows",
    "write_import_template",
    "write_roster",
]


@dataclass(frozen=True)
class ExportColumn:
    """A column of the roster: what it reads of a cadre (``reads``: fields, or lookups through the
    unit or the post, as ``values_list`` takes them) and how it shows them (``show``, given what
    it reads in that order)."""

    label: str
    width: float
    reads: tuple[str, ...]
    show: Callable[..., Any]
    kind: str = "plain"  # "plain", "text" (kept as text: CCCD, phone) or "date"
    field: str = ""  # the Cadre field it shows, if one

    @property
    def sensitive(self) -> bool:
        # The one list of sensitive fields is the model's.
        return self.field in Cadre.SENSITIVE_FIELDS

    def value(self, cadre: Cadre) -> Any:
        """The cell's value for a Cadre instance."""
        return self.show(*(_read(cadre, lookup) for lookup in self.reads))


def _read(cadre: Cadre, lookup: str) -> Any:
    """``unit__name`` of a cadre: ``cadre.unit.name``; None past a missing post."""
    value: Any = cadre
    for name in lookup.split("__"):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def _same(value: Any) -> Any:
    return value


def _displayed(field: str) -> Callable[[Any], Any]:
    """A choice field's label, as ``get_<field>_display()`` gives it, from a dictionary."""
    labels = {value: str(label) for value, label in Cadre._meta.get_field(field).flatchoices}
    return lambda value: labels.get(value, value)


def _language(language: str, level: int) -> str:
    """ "Tiếng Anh B1": the form the import reads back."""
    return " ".join(part for part in (language, LANGUAGE_LEVEL_CODES.get(level, "")) if part)


def language_text(cadre: Cadre) -> str:
    return _language(cadre.foreign_language, cadre.foreign_language_level)


_IT_LEVEL = _displayed("it_level")


def _it_level(level: int) -> str:
    """No IT level shows as an empty cell, not as "Chưa có"."""
    return _IT_LEVEL(level) if level else ""


def _label(key: str) -> str:
    return COLUMN_LABELS[key]


def _column(
    key: str,
    width: float,
    kind: str = "plain",
    *,
    reads: tuple[str, ...] = (),
    show: Callable[..., Any] = _same,
) -> ExportColumn:
    """A column of the import's own columns, headed as the import reads it; by default it shows
    the field of the same name as it is."""
    return ExportColumn(_label(key), width, reads or (key,), show, kind, field=key)


def _choice(key: str, width: float) -> ExportColumn:
    return _column(key, width, show=_displayed(key))


ROSTER_COLUMNS = [
    _column("full_name", 26),
    _column("birth_date", 12, "date"),
    _choice("gender", 9),
    _column("ethnicity", 11),
    _choice("religion", 13),
    _column("national_id", 15, "text"),
    _column("phone", 13, "text"),
    _column("email", 26),
    _column("unit", 34, reads=("unit__name",)),
    _column("unit_code", 12, "text", reads=("unit__code",)),
    _column("position", 24, reads=("position__name",)),  # None: no post, an empty cell
    _column("youth_union_joined_on", 13, "date"),
    _column("party_joined_on", 13, "date"),
    _choice("education", 17),
    _column("major", 22),
    _choice("political_theory", 16),
    _column("foreign_language", 16, reads=("foreign_language", "foreign_language_level"), show=_language),
    _column("it_level", 10, show=_it_level),
    _choice("employment", 15),
    ExportColumn("Trạng thái", 16, ("status",), _displayed("status")),
]
ROW_NUMBER = ExportColumn("STT", 6, (), lambda: None)

# Rows fetched at a time by an export: a few megabytes of values.
ROSTER_CHUNK = 2000


def roster_columns(*, include_sensitive: bool) -> list[ExportColumn]:
    return [ROW_NUMBER] + [c for c in ROSTER_COLUMNS if include_sensitive or not c.sensitive]


def roster_rows(cadres: QuerySet[Cadre] | Iterable[Cadre], columns: list[ExportColumn]) -> Iterator[list]:
    """Each cadre's values for ``columns``. From a queryset, one query streamed ``ROSTER_CHUNK``
    rows at a time, reading only what the columns show (no model instances); from Cadre
    instances, read off each."""
    if not isinstance(cadres, QuerySet):
        for cadre in cadres:
            yield [column.value(cadre) for column in columns]
        return
    lookups = list(dict.fromkeys(lookup for column in columns for lookup in column.reads))
    where = {lookup: index for index, lookup in enumerate(lookups)}
    cells = [_cell_of(column.show, [where[lookup] for lookup in column.reads]) for column in columns]
    for values in cadres.values_list(*lookups).iterator(chunk_size=ROSTER_CHUNK):
        yield [cell(values) for cell in cells]


def _cell_of(show: Callable[..., Any], positions: list[int]) -> Callable[[tuple], Any]:
    """A column's value from a row of ``values_list``, its values at ``positions``."""
    if len(positions) == 1:
        (position,) = positions
        return lambda values: show(values[position])
    return lambda values: show(*[values[position] for position in positions])


def write_roster(
    out: BinaryIO,
    cadres: QuerySet[Cadre] | Iterable[Cadre],
    *,
    include_sensitive: bool,
    title: str,
    notes: list[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the roster as an xlsx workbook, rows streamed to disk (``TableWorkbook``); returns
    the number of cadres written. ``cadres``: a queryset, read as ``roster_rows`` says, or Cadre
    instances. ``progress``, if given, is told the number of cadres written after each one.
    Row 1 is the title, row 2 the filters, row 3 the header; the header and the name stay in view."""
    columns = roster_columns(include_sensitive=include_sensitive)
    table = TableWorkbook("Cán bộ", columns, title=title, filters=notes, frozen_columns=2)
    for number, values in enumerate(roster_rows(cadres, columns[1:]), start=1):
        table.append([number, *values])
        if progress is not None:
            progress(number)
    return table.save(out)


def roster_filenames(unit: Unit | None, day: datetime.date) -> tuple[str, str]:
    """The export's file name, naming the unit (``None``: the whole system) and the day, in ASCII
    and in Vietnamese: ``can-bo_doan-phuong-quy-nhon_2026-11-22.xlsx``,
    ``Cán bộ_Đoàn phường Quy Nhơn_2026-11-22.xlsx``."""
    name = unit.name if unit else "Toàn hệ thống"
    slug = slugify(fold(name)) or "don-vi"  # fold first: slugify drops "đ" rather than reading it as "d"
    readable = readable_filename(name)
    return f"can-bo_{slug}_{day:%Y-%m-%d}.xlsx", f"Cán bộ_{readable}_{day:%Y-%m-%d}.xlsx"


# --- The import template ---------------------------------------------------------------------

TEMPLATE_HEADER_ROW = 2
TEMPLATE_HINT = (
    "Điền mỗi cán bộ một dòng, từ dòng 3 trở xuống. Cách ghi từng cột và một dòng ví dụ: "
    "xem trang “Hướng dẫn”."
)
TEMPLATE_INSTRUCTIONS = [
    "Mỗi dòng là một cán bộ, điền từ dòng 3 của trang “Danh sách cán bộ”. Giữ nguyên tên cột ở dòng "
    "tiêu đề; thứ tự cột, cột thừa (STT…) không ảnh hưởng.",
    "Cột bắt buộc: Họ và tên, Ngày sinh, Giới tính, Số CCCD, Đơn vị (tên hoặc mã đơn vị).",
    "Có nhiều đơn vị cùng tên (như “Chi đoàn thôn 1”): ghi Mã đơn vị, hoặc chọn tên kèm đơn vị cấp trên "
    "trong danh sách ở trang “Danh mục”. Ghi cả Đơn vị và Mã đơn vị thì hai cột phải chỉ cùng một đơn vị.",
    "Ngày ghi theo dạng ngày/tháng/năm, ví dụ 15/03/1995 (hoặc ô kiểu ngày của Excel).",
    "Số CCCD gồm đúng 12 chữ số; nên để cột ở dạng Văn bản (Text) để giữ số 0 ở đầu.",
    "Cán bộ đã có trong hệ thống (cùng số CCCD) sẽ được cập nhật; ô để trống giữ nguyên thông tin hiện có.",
    "Đổi đơn vị hoặc chức vụ sẽ kết thúc chức vụ đang giữ và ghi chức vụ mới từ ngày nhập.",
    "Chỉ nhập được vào các đơn vị trong phạm vi quản lý của tài khoản (xem trang “Danh mục”).",
    "Ngoại ngữ ghi ngôn ngữ và trình độ, ví dụ “Tiếng Anh B1” hoặc “Tiếng Anh bậc 3”.",
    "Tệp .xlsx, tối đa 10 MB.",
]
EXAMPLE_TITLE = "VÍ DỤ MỘT DÒNG (chỉ để tham khảo: cán bộ ví dụ không nhập được)"
REQUIRED_NOTES = {
    _label("full_name"): "Bắt buộc",
    _label("birth_date"): "Bắt buộc",
    _label("gender"): "Bắt buộc",
    _label("national_id"): "Bắt buộc",
    _label("unit"): "Bắt buộc (hoặc ghi Mã đơn vị)",
    _label("unit_code"): "Nên ghi khi có đơn vị cùng tên",
}


def _labels(choices) -> list[str]:
    return [label for _, label in choices]


def _template_lists() -> list[tuple[str, list[str]]]:
    return [
        (_label("gender"), _labels(Gender.choices)),
        (_label("religion"), _labels(Religion.choices)),
        (_label("education"), _labels(Education.choices)),
        (_label("political_theory"), _labels(PoliticalTheory.choices)),
        (_label("it_level"), _labels(ItLevel.choices)),
        (_label("employment"), _labels(Employment.choices)),
        (_label("ethnicity"), list(ETHNIC_GROUPS)),
        (_label("position"), list(Position.objects.values_list("name", flat=True))),
    ]


def write_import_template(out: BinaryIO, *, units: Iterable[Unit], example_unit: Unit | None) -> None:
    """An empty roster (a hint, then the header row), instructions with an example row on their
    own sheet, and the lists of accepted values (with drop-downs), including the units the user
    may import into. The example sits apart so that the template imported unchanged adds nobody."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách cán bộ"
    columns = roster_columns(include_sensitive=True)[:-1]  # no status: imports are active cadres
    sheet["A1"] = TEMPLATE_HINT
    sheet["A1"].font = Font(bold=True, color="9C0006")
    set_widths(sheet, (column.width for column in columns))
    for index, column in enumerate(columns, start=1):
        style_header(sheet.cell(row=TEMPLATE_HEADER_ROW, column=index, value=column.label))
        if column.kind == "text":
            # The whole column as Text, so that Excel keeps the leading zeros of what is typed in.
            sheet.column_dimensions[get_column_letter(index)].number_format = TEXT_FORMAT
    sheet.freeze_panes = f"B{TEMPLATE_HEADER_ROW + 1}"
    _add_instructions(workbook, columns, _template_example(example_unit))
    _add_lists(workbook, sheet, columns, units)
    workbook.save(out)


def _add_instructions(workbook: Workbook, columns: list[ExportColumn], example: dict[str, Any]) -> None:
    """The rules, then the example as a column-by-column table: laid out down the sheet, it has
    no header row that the import could take for a roster."""
    notes = workbook.create_sheet("Hướng dẫn")
    set_widths(notes, (26, 30, 40))
    notes.append(["HƯỚNG DẪN NHẬP DANH SÁCH CÁN BỘ"])
    notes["A1"].font = TITLE_FONT
    for line in TEMPLATE_INSTRUCTIONS:
        notes.append([f"• {line}"])
    notes.append([])
    notes.append([EXAMPLE_TITLE])
    notes.cell(row=notes.max_row, column=1).font = Font(bold=True)
    notes.append(["Cột", "Bắt buộc", "Ví dụ"])
    for cell in notes[notes.max_row]:
        style_header(cell)
    for column in columns:
        notes.append([column.label, REQUIRED_NOTES.get(column.label)])
        value = notes.cell(row=notes.max_row, column=3)
        set_safe_value(value, example.get(column.label), column.kind)
        value.font = Font(italic=True, color="666666")


def _template_example(unit: Unit | None) -> dict[str, Any]:
    return {
        "STT": 1,
        _label("full_name"): SAMPLE_FULL_NAME,
        _label("birth_date"): datetime.date(1995, 3, 15),
        _label("gender"): Gender.MALE.label,
        _label("ethnicity"): "Kinh",
        _label("religion"): Religion.NONE.label,
        _label("national_id"): SAMPLE_NATIONAL_ID,
        _label("phone"): "0912345678",
        _label("email"): "nguyenvanmau@example.com",
        _label("unit"): unit.name if unit else "",
        _label("unit_code"): unit.code if unit else "",
        _label("position"): "Phó Bí thư",
        _label("youth_union_joined_on"): datetime.date(2010, 3, 26),
        _label("education"): Education.BACHELOR.label,
        _label("major"): "Luật",
        _label("political_theory"): PoliticalTheory.INTERMEDIATE.label,
        _label("foreign_language"): "Tiếng Anh B1",
        _label("it_level"): ItLevel.BASIC.label,
        _label("employment"): Employment.FULL_TIME.label,
    }


def _add_lists(workbook: Workbook, sheet, columns: list[ExportColumn], units: Iterable[Unit]) -> None:
    lists = workbook.create_sheet("Danh mục")
    lists.append(["Đơn vị", "Mã đơn vị"])
    unit_count = 0
    for unit in units:
        # With the parent's name: the import reads it back, and look-alike units stay apart.
        unit_count += 1
        set_safe_value(lists.cell(row=unit_count + 1, column=1), unit.label)
        set_safe_value(lists.cell(row=unit_count + 1, column=2), unit.code, "text")
    set_widths(lists, (60, 14))
    letters = {column.label: get_column_letter(index) for index, column in enumerate(columns, start=1)}
    for offset, (label, values) in enumerate(_template_lists()):
        list_letter = get_column_letter(4 + offset)
        lists.column_dimensions[list_letter].width = 24
        lists[f"{list_letter}1"] = label
        for row, value in enumerate(values, start=2):
            set_safe_value(lists[f"{list_letter}{row}"], value)
        _drop_down(sheet, letters[label], f"'Danh mục'!${list_letter}$2:${list_letter}${len(values) + 1}")
    for cell in lists[1]:
        cell.font = Font(bold=True)
    if unit_count:
        _drop_down(sheet, letters[_label("unit")], f"'Danh mục'!$A$2:$A${unit_count + 1}")
        _drop_down(sheet, letters[_label("unit_code")], f"'Danh mục'!$B$2:$B${unit_count + 1}")


def _drop_down(sheet, letter: str, source: str) -> None:
    # A warning, not a stop: the import also reads values without accents or in other forms.
    validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True, errorStyle="warning")
    validation.add(f"{letter}{TEMPLATE_HEADER_ROW + 1}:{letter}1000")
    sheet.add_data_validation(validation)
