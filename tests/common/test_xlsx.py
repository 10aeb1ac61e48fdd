"""common.xlsx: cells that keep their values as written, and the write-only table writer.
Every file is saved and parsed back with openpyxl."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from common.xlsx import (
    DATE_FORMAT,
    TEXT_FORMAT,
    Column,
    SheetWriter,
    safe_text,
    set_safe_value,
    sheet_title,
)

FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example","bấm")', "+84912345678", "-2+3", "@SUM(A1:A2)"]
COLUMNS = [
    Column("STT", 6),
    Column("Họ và tên", 26),
    Column("Ngày sinh", 12, "date"),
    Column("Số CCCD", 15, "text"),
]


def reopen(workbook: Workbook):
    out = io.BytesIO()
    workbook.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def written(rows, **options):
    """The first sheet of a write-only workbook of ``rows`` under COLUMNS, parsed back. With a
    title and a filter row unless told otherwise: the header on row 3, data from row 4."""
    options = {"title": "DANH SÁCH", "filters": [], **options}
    workbook = Workbook(write_only=True)
    writer = SheetWriter(workbook, "Cán bộ", COLUMNS, **options)
    for row in rows:
        writer.append(row)
    writer.close()
    return reopen(workbook).active


@pytest.mark.parametrize("value", FORMULAS)
def test_the_writer_stores_formula_like_text_as_quoted_text(value):
    sheet = written([[1, value, None, value]])

    for cell in sheet["B4"], sheet["D4"]:
        assert cell.value == value
        assert cell.data_type == "s"
        assert cell.quotePrefix


@pytest.mark.parametrize("value", FORMULAS)
def test_an_ordinary_sheet_stores_formula_like_text_as_quoted_text(value):
    workbook = Workbook()
    set_safe_value(workbook.active["A1"], value)

    cell = reopen(workbook).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)


def test_ordinary_text_gets_no_quote_prefix():
    sheet = written([[1, "Nguyễn Thị Lan", None, None]])

    assert sheet["B4"].value == "Nguyễn Thị Lan" and not sheet["B4"].quotePrefix


def test_it_drops_characters_an_xlsx_file_cannot_hold():
    assert safe_text("Lan\x00\x07 Anh\x1f") == "Lan Anh"
    sheet = written([[1, "Lan\x0bAnh", None, "0012\x01"]])

    assert (sheet["B4"].value, sheet["D4"].value) == ("LanAnh", "0012")


def test_dates_are_real_dates_shown_day_first():
    sheet = written([[1, "A", datetime.date(1995, 3, 5), None]])

    cell = sheet["C4"]
    assert cell.is_date and cell.value.date() == datetime.date(1995, 3, 5)
    assert cell.number_format == DATE_FORMAT == "DD/MM/YYYY"


def test_a_date_in_a_plain_column_is_shown_day_first_too():
    workbook = Workbook()
    set_safe_value(workbook.active["A1"], datetime.date(2026, 11, 22))

    cell = reopen(workbook).active["A1"]
    assert cell.is_date and cell.number_format == DATE_FORMAT


def test_an_aware_datetime_is_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    moment = datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC)  # 1 Jan 2026 00:30 in Vietnam
    workbook = Workbook()
    set_safe_value(workbook.active["A1"], moment)
    set_safe_value(workbook.active["A2"], moment, "date")

    sheet = reopen(workbook).active
    assert sheet["A1"].value == datetime.datetime(2026, 1, 1, 0, 30)
    assert sheet["A2"].value.date() == datetime.date(2026, 1, 1)
    assert sheet["A2"].number_format == DATE_FORMAT


def test_text_columns_keep_leading_zeros_as_text():
    sheet = written([[1, "A", None, "001095000123"], [2, "B", None, 12345]])

    assert sheet["D4"].value == "001095000123" and sheet["D4"].data_type == "s"
    assert sheet["D4"].number_format == TEXT_FORMAT
    assert sheet["D5"].value == "12345" and sheet["D5"].data_type == "s"


def test_empty_strings_become_empty_cells():
    sheet = written([[1, "", None, ""]])

    assert sheet["B4"].value is None and sheet["D4"].value is None


def test_the_writer_puts_title_filters_and_header_on_the_first_three_rows():
    sheet = written(
        [[1, "Nguyễn Thị Lan", datetime.date(1995, 3, 5), "001095000123"]],
        title="DANH SÁCH CÁN BỘ",
        filters=["Đơn vị: Đoàn xã An Bình", "Giới tính: Nữ"],
    )

    assert sheet["A1"].value == "DANH SÁCH CÁN BỘ" and sheet["A1"].font.b
    assert sheet["A2"].value == "Đơn vị: Đoàn xã An Bình; Giới tính: Nữ"
    assert [cell.value for cell in sheet[3]] == ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"]
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("0B4EA2") for cell in sheet[3])
    assert sheet["B4"].value == "Nguyễn Thị Lan"


def test_the_header_row_is_frozen_and_filtered_over_every_row_written():
    rows = [[n, f"Cán bộ {n}", None, None] for n in range(1, 6)]

    sheet = written(rows, title="T", filters=[], frozen_columns=2)

    assert sheet.freeze_panes == "C4"
    assert sheet.auto_filter.ref == "A3:D8"
    assert sheet["A2"].value is None  # no filter in force: the row stays, empty


def test_without_title_or_filters_the_header_is_the_first_row():
    sheet = written([[1, "A", None, None]], title="", filters=None)

    assert [cell.value for cell in sheet[1]] == ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D2"


def test_an_empty_table_still_gets_its_header_and_filter():
    sheet = written([], title="T", filters=["Tìm kiếm: không ai"])

    assert [cell.value for cell in sheet[3]] == ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"]
    assert sheet.auto_filter.ref == "A3:D4"
    assert sheet.max_row == 3


def test_the_writer_sets_column_widths_and_counts_rows():
    workbook = Workbook(write_only=True)
    writer = SheetWriter(workbook, "Cán bộ", COLUMNS)
    writer.append([1, "A", None, None])
    writer.append([2, "B", None, None])

    assert writer.close() == 2
    sheet = reopen(workbook).active
    assert [sheet.column_dimensions[letter].width for letter in "ABCD"] == [6, 26, 12, 15]


def test_the_writer_refuses_a_row_of_the_wrong_length():
    workbook = Workbook(write_only=True)
    writer = SheetWriter(workbook, "Cán bộ", COLUMNS)

    with pytest.raises(ValueError):
        writer.append([1, "A"])
    workbook.save(io.BytesIO())


def test_the_writer_needs_a_write_only_workbook():
    with pytest.raises(ValueError, match="write-only"):
        SheetWriter(Workbook(), "Cán bộ", COLUMNS)


def test_sheet_titles_are_cut_to_what_excel_accepts():
    assert sheet_title("Cán bộ: 2026/11 [mới]") == "Cán bộ- 2026-11 -mới-"
    assert len(sheet_title("Danh sách cán bộ Đoàn toàn tỉnh Gia Lai năm 2026")) == 31
