"""The roster's export at scale: one query streamed whatever the number of cadres, rows written as
XML text by ``common.xlsx.TableWorkbook`` (checked here against openpyxl's own ``SheetWriter``,
cell by cell), and the file parsed back row by row. No timings: bench/ measures those."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from openpyxl import Workbook, load_workbook

from cadres import exports
from cadres.exports import roster_columns, write_roster
from cadres.models import Cadre
from cadres.tasks import roster_filter, write_filtered_roster
from common.xlsx import Column, SheetWriter, TableWorkbook

HEADER_ROW = 3


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    # Several fetches of the one query, even for a few cadres.
    monkeypatch.setattr(exports, "ROSTER_CHUNK", 4)


def make_cadres(tree, make_cadre, count: int) -> None:
    units = [tree.commune_a, tree.branch_a, tree.commune_b]
    for n in range(count):
        make_cadre(
            units[n % len(units)], full_name=f"Cán Bộ Số {n:03d}", code="bi-thu" if n % 2 else "uv-bch"
        )


def data_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


@pytest.mark.parametrize("count", [3, 25])
def test_the_roster_of_any_size_is_one_query(tree, make_cadre, django_assert_num_queries, count):
    make_cadres(tree, make_cadre, count)
    out = io.BytesIO()

    with django_assert_num_queries(1):
        written = write_roster(out, Cadre.objects.order_by("pk"), include_sensitive=True, title="T", notes=[])

    assert written == count
    rows = data_rows(out.getvalue())
    assert len(rows) == count
    assert [row[0] for row in rows] == list(range(1, count + 1))
    assert [row[1] for row in rows] == [f"Cán Bộ Số {n:03d}" for n in range(count)]
    assert all(row[9] and row[11] for row in rows)  # the unit and the post: joined, not queried


@pytest.mark.parametrize("count", [3, 25])
def test_the_filtered_export_runs_the_same_queries_whatever_the_number(
    tree, make_cadre, province_editor, django_assert_num_queries, count
):
    """As the export task runs it: the count for the progress, the rows, the access log."""
    make_cadres(tree, make_cadre, count)
    filterset = roster_filter(QueryDict(""), user=province_editor)
    assert filterset.is_valid()
    told = []
    out = io.BytesIO()

    with django_assert_num_queries(3):
        written, _, _ = write_filtered_roster(
            out, filterset, user=province_editor, query="", progress=lambda *args: told.append(args)
        )

    assert written == count
    assert len(data_rows(out.getvalue())) == count
    assert told[0] == ("write", 0, count) and told[-1] == ("write", count, count)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:U{HEADER_ROW + count}"


def test_instances_and_a_queryset_give_the_same_file(tree, make_cadre, province_editor):
    """Cadre instances (what bench/ passes) are read off each, a queryset with values_list."""
    make_cadres(tree, make_cadre, 7)
    Cadre.objects.filter(full_name="Cán Bộ Số 001").update(
        major="=1+1", phone="+84905123456", foreign_language="Tiếng Anh", foreign_language_level=3
    )
    queryset = Cadre.objects.order_by("pk")

    def written(cadres, include_sensitive) -> list[tuple]:
        out = io.BytesIO()
        write_roster(out, cadres, include_sensitive=include_sensitive, title="T", notes=["a"])
        return data_rows(out.getvalue())

    for include_sensitive in (True, False):
        instances = queryset.select_related("unit", "position")
        assert written(queryset, include_sensitive) == written(instances, include_sensitive)
    lan = written(queryset, True)[1]
    columns = [column.label for column in roster_columns(include_sensitive=True)]
    assert lan[columns.index("Ngoại ngữ")] == "Tiếng Anh B1"
    assert lan[columns.index("Chuyên ngành")] == "=1+1"


# --- TableWorkbook writes what SheetWriter writes -------------------------------------------------

COLUMNS = [Column("Plain", 10), Column("Text", 10, "text"), Column("Date", 10, "date")]
VALUES = [
    "Nguyễn Thị Lan",
    "=1+1",
    '=HYPERLINK("http://evil.example","bấm")',
    "+84912345678",
    "-2+3",
    "@SUM(A1:A2)",
    " leading",
    "trailing ",
    "   ",
    "tab\tand\nline",
    "A & B <c> >",
    "Lan\x00\x07 Anh\x1f",
    "\x01",
    "",
    "\u00a0no-break space",
    0,
    -5,
    12345,
    10**17,
    1.5,
    Decimal("2.50"),
    True,
    False,
    datetime.date(1995, 3, 15),
    datetime.date(1900, 1, 1),
    datetime.date(1900, 2, 28),
    datetime.date(1900, 3, 1),
    datetime.date(1899, 12, 31),
    datetime.datetime(2025, 12, 31, 17, 30, tzinfo=datetime.UTC),
    datetime.datetime(2020, 1, 2, 3, 4, 5),
    None,
]


def parsed(content: bytes) -> tuple[list, tuple]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    cells = [
        [
            (
                cell.value,
                cell.data_type,
                cell.number_format,
                cell.quotePrefix,
                cell.font.b,
                cell.fill.fgColor.rgb,
            )
            for cell in row
        ]
        for row in sheet.iter_rows()
    ]
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    return cells, (workbook.sheetnames, sheet.freeze_panes, sheet.auto_filter.ref, widths)


@pytest.mark.parametrize("filters", [["Đơn vị: A & B", "=x"], None])
def test_the_table_workbook_writes_every_value_as_the_sheet_writer_does(settings, filters):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    rows = [[value, value, value] for value in VALUES]
    options = {"title": "DANH SÁCH <1>", "filters": filters, "frozen_columns": 1}

    workbook = Workbook(write_only=True)
    writer = SheetWriter(workbook, "Cán bộ", COLUMNS, **options)
    for row in rows:
        writer.append(row)
    writer.close()
    expected = io.BytesIO()
    workbook.save(expected)

    table = TableWorkbook("Cán bộ", COLUMNS, **options)
    for row in rows:
        table.append(row)
    out = io.BytesIO()
    assert table.save(out) == len(rows)

    assert parsed(out.getvalue()) == parsed(expected.getvalue())


def test_the_table_workbook_keeps_formula_like_text_as_quoted_text():
    table = TableWorkbook("Cán bộ", COLUMNS)
    table.append(["=1+1", "+84912345678", "@x"])
    out = io.BytesIO()
    table.save(out)

    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in sheet[2]] == [
        ("=1+1", "s", True),
        ("+84912345678", "s", True),
        ("@x", "s", True),
    ]


def test_the_table_workbook_keeps_carriage_returns():
    """As openpyxl does with lxml; without it, its writer lets a parser turn "\\r\\n" into "\\n"."""
    table = TableWorkbook("Cán bộ", COLUMNS)
    table.append(["a\r\nb", "c\rd", None])
    out = io.BytesIO()
    table.save(out)

    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [cell.value for cell in sheet[2]][:2] == ["a\r\nb", "c\rd"]


def test_an_empty_table_still_gets_its_header_and_filter():
    table = TableWorkbook("Cán bộ", COLUMNS, title="T", filters=[])
    out = io.BytesIO()

    assert table.save(out) == 0
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [cell.value for cell in sheet[3]] == ["Plain", "Text", "Date"]
    assert sheet.auto_filter.ref == "A3:C4" and sheet.max_row == 3


def test_the_table_workbook_refuses_a_row_of_the_wrong_length_or_an_unknown_value():
    table = TableWorkbook("Cán bộ", COLUMNS)
    with pytest.raises(ValueError):
        table.append(["a", "b"])
    with pytest.raises(TypeError):
        table.append(["a", "b", SimpleNamespace()])
    assert table.count == 0
    table.save(io.BytesIO())  # closes openpyxl's stream, which would complain when collected
