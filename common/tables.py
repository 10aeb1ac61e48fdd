"""The two header rows of a document's table whose columns may be grouped (the evaluation list,
the quality statistics): one computation for the HTML, PDF and Excel renderers."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class GroupedColumn(Protocol):
    label: str
    group: str  # "" for a column outside any group


@dataclass(frozen=True)
class HeaderCell:
    """A cell of the two header rows: spanning columns (a group) or both rows (a column of its
    own). ``column`` counts from 1."""

    label: str
    column: int
    columns: int = 1
    rows: int = 1


def header_rows(columns: Sequence[GroupedColumn]) -> tuple[list[HeaderCell], list[HeaderCell]]:
    """The first row (the groups, and the columns outside any, over both rows) and the second
    (the grouped columns' own labels). Consecutive columns of one group share its cell."""
    top: list[HeaderCell] = []
    below: list[HeaderCell] = []
    for index, column in enumerate(columns, start=1):
        if not column.group:
            top.append(HeaderCell(column.label, index, rows=2))
            continue
        if top and top[-1].label == column.group and top[-1].rows == 1:
            last = top.pop()
            top.append(HeaderCell(last.label, last.column, columns=last.columns + 1))
        else:
            top.append(HeaderCell(column.group, index))
        below.append(HeaderCell(column.label, index))
    return top, below
