"""The list pattern every list page uses: keyset pages and cached counts.

A page numbered N is usually reached by a link from page N±1, which carries the row it starts
after (``after=<pk>``) or ends before (``before=<pk>``): the database then seeks to that row in
the list's index and reads one page, so the last page of a million rows costs what the first
does (an ``OFFSET`` reads and throws away every row before the page). The last page is read
backwards from the end. A page typed by number alone (``?page=7``) still works, by ``OFFSET``.

The total is counted once per version of the data (``count_version``): a list's queryset that
has ``data_version()`` (the newest change to its table) has its count cached until that
changes, so paging, sorting and re-opening a list do not count the table again.

An ordering is by field names without NULLs; ``paginate`` ends it with the primary key.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import QueryDict

PER_PAGE = 50
COUNT_CACHE_SECONDS = 600


# Counting ------------------------------------------------------------------------------------


# The generation every bump also moves: figures that depend on everything (common.versions).
ANY_GENERATION = "*"


def bump_generation(name: str) -> None:
    """Mark every cached figure of ``name`` stale (bulk updates and deletions, which leave no
    newer ``updated_at`` behind), and those that depend on everything (``ANY_GENERATION``).
    Only ever moves forward, so a bump inside a transaction that is rolled back costs one
    recount, never a wrong figure."""
    for key in {f"generation:{name}", f"generation:{ANY_GENERATION}"}:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)


def generation(name: str) -> int:
    return cache.get(f"generation:{name}", 0)


def _cache_key(prefix: str, queryset: QuerySet, version: str) -> str | None:
    """The key of a query's figures, or None for a query that can match nothing."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    digest = hashlib.sha256(repr((queryset.db, sql, params, version)).encode()).hexdigest()
    return f"{prefix}:{digest}"


def cached_count(queryset: QuerySet, *, version: str | None = None) -> int:
    """``queryset.count()``, remembered until ``version`` changes (counted each time without
    one). The key is the query's own SQL, so every filter, scope and day has its own entry."""
    if version is None:
        version = _data_version(queryset)
    if version is None:
        return queryset.count()
    key = _cache_key("count", queryset.order_by(), version)
    if key is None:
        return 0
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, timeout=COUNT_CACHE_SECONDS)
    return count


def cached_figures(
    queryset: QuerySet, compute: Callable[[QuerySet], Any], *, name: str, version: str | None = None
) -> Any:
    """``compute(queryset)`` (aggregates for a dashboard), remembered like ``cached_count``:
    until ``version`` changes, by default the queryset's ``data_version()``."""
    version = _data_version(queryset) if version is None else version
    if version is None:
        return compute(queryset)
    key = _cache_key(f"figures-{name}", queryset.order_by(), version)
    if key is None:
        return compute(queryset)  # no rows: computed without touching the database
    figures = cache.get(key)
    if figures is None:
        figures = compute(queryset)
        cache.set(key, figures, timeout=COUNT_CACHE_SECONDS)
    return figures


def cached_value(name: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered under ``key`` (what the value depends on, its data's version
    included) for ``COUNT_CACHE_SECONDS``. The key is made of these, not of a query's SQL as in
    ``cached_figures``: for a value of several queries, or whose conditions cost more to compile
    than the cache does to read."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    value = cache.get(f"{name}:{digest}")
    if value is None:
        value = compute()
        cache.set(f"{name}:{digest}", value, timeout=COUNT_CACHE_SECONDS)
    return value


def _data_version(queryset: QuerySet) -> str | None:
    data_version = getattr(queryset, "data_version", None)
    return data_version() if data_version else None


# Pages ---------------------------------------------------------------------------------------


@dataclass
class ListPage:
    """One page of a list, with what the pagination bar and the page's header need. Looks like
    Django's ``Page`` to templates (``number``, ``start_index``, ``paginator.count``…)."""

    object_list: list
    number: int
    count: int
    per_page: int
    links: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def paginator(self) -> "ListPage":  # ``page.paginator.count`` in templates
        return self

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    def has_next(self) -> bool:
        return "next" in self.links

    def has_previous(self) -> bool:
        return "previous" in self.links

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def paginate(request, queryset: QuerySet, *, per_page: int = PER_PAGE, count: int | None = None) -> ListPage:
    """The page the request asks for (``page``, ``after``, ``before``, ``last``) of an ordered
    ``queryset``, with links to the first, previous, next and last pages."""
    ordering = _ordering(queryset)
    # The order ends in the key, so that pages never overlap or skip rows that tie.
    queryset = queryset.order_by(*[f"-{name}" if descending else name for name, descending in ordering])
    total = cached_count(queryset) if count is None else count
    num_pages = max(1, math.ceil(total / per_page))
    number = _page_number(request.GET.get("page"), num_pages)
    rows = _rows(request.GET, queryset, ordering, number, num_pages, total, per_page)
    links = {}
    if number > 1:
        links["first"] = {"page": None, "after": None, "before": None, "last": None}
        back = number > 2 and rows  # the page before the second is the first, without an anchor
        links["previous"] = (
            {"page": number - 1, "after": None, "last": None, "before": rows[0].pk}
            if back
            else links["first"]
        )
    if number < num_pages and len(rows) == per_page:
        links["next"] = {"page": number + 1, "before": None, "last": None, "after": rows[-1].pk}
        links["last"] = {"page": num_pages, "after": None, "before": None, "last": 1}
    return ListPage(rows, number, total, per_page, links)


def paginate_list(request, rows: list, *, per_page: int = PER_PAGE, param: str = "page") -> ListPage:
    """A page of rows computed in Python (a few thousand at most), by page number alone, read
    from ``param`` (another name than "page" when a second list on the page has its own pages)."""
    total = len(rows)
    num_pages = max(1, math.ceil(total / per_page))
    number = _page_number(request.GET.get(param), num_pages)
    links = {}
    if number > 1:
        links["first"] = {param: None}
        links["previous"] = {param: number - 1 if number > 2 else None}
    if number < num_pages:
        links["next"] = {param: number + 1}
        links["last"] = {param: num_pages}
    start = (number - 1) * per_page
    return ListPage(rows[start : start + per_page], number, total, per_page, links)


def _rows(params: QueryDict, queryset, ordering, number, num_pages, total, per_page) -> list:
    if params.get("last") and number == num_pages:
        size = total - (num_pages - 1) * per_page
        return list(reversed(queryset.reverse()[: max(size, 0)]))
    for param, forward in (("after", True), ("before", False)):
        anchor = _anchor(queryset, ordering, params.get(param))
        if anchor is not None:
            seek = queryset.filter(_beyond(ordering, anchor, forward=forward))
            return list(seek[:per_page]) if forward else list(reversed(seek.reverse()[:per_page]))
    offset = (number - 1) * per_page
    return list(queryset[offset : offset + per_page])


def _page_number(value: str | None, num_pages: int) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def _ordering(queryset: QuerySet) -> list[tuple[str, bool]]:
    """(field, descending) of the queryset's order, ending in the primary key."""
    names = list(queryset.query.order_by or queryset.model._meta.ordering)
    fields = [(name.lstrip("-"), name.startswith("-")) for name in names if isinstance(name, str)]
    if len(fields) != len(names):
        raise ValueError("keyset pages need an ordering by field names")
    fields = [("pk" if name == "id" else name, descending) for name, descending in fields]
    if not any(name == "pk" for name, _ in fields):
        fields.append(("pk", False))
    return fields


def _anchor(queryset: QuerySet, ordering, value: str | None) -> tuple | None:
    """The ordering values of the row ``value`` names, when it is still in the list."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return queryset.filter(pk=int(value)).values_list(*[name for name, _ in ordering]).first()


def _beyond(ordering, anchor: tuple, *, forward: bool) -> Q:
    """Rows after (``forward``) or before the anchor row in the list's order: (a, b, pk) >
    (x, y, z) spelled out as a > x OR (a = x AND (b > y OR (b = y AND pk > z))), with a leading
    a >= x so the database starts its index walk at the anchor. When every column runs the same
    way, as a row comparison, which PostgreSQL seeks to in the index directly (the spelled-out
    form reads every row of the anchor's unit before it: 12 ms against 0.6 ms in the middle of
    a million); Django spells it out itself on SQLite."""
    first_name, first_descending = ordering[0]
    start = Q(**{f"{first_name}__{'lte' if first_descending == forward else 'gte'}": anchor[0]})
    if len({descending for _, descending in ordering}) == 1:
        compare = TupleLessThan if first_descending == forward else TupleGreaterThan
        return start & Q(compare(Tuple(*(F(name) for name, _ in ordering)), tuple(anchor)))
    condition = None
    for (name, descending), value in reversed(list(zip(ordering, anchor, strict=True))):
        lookup = "lt" if descending == forward else "gt"
        step = Q(**{f"{name}__{lookup}": value})
        condition = step if condition is None else step | (Q(**{name: value}) & condition)
    return start & condition


# Rows ----------------------------------------------------------------------------------------


class ChoiceLabels:
    """The labels of some choice fields of a model, for a list's rows: ``labels.of(row)`` gives
    ``{"gender": "Nữ", …}`` from dictionaries built once, where ``get_gender_display`` rebuilds
    the field's dictionary on every call (three columns of fifty rows: a few milliseconds)."""

    def __init__(self, model, *names: str):
        self.names = names
        self._model = model
        self._labels: dict[str, dict] | None = None

    def of(self, row) -> dict[str, str]:
        if self._labels is None:  # built on first use: labels are translated lazily
            self._labels = {
                name: {value: str(label) for value, label in self._model._meta.get_field(name).flatchoices}
                for name in self.names
            }
        return {
            name: self._labels[name].get(value, value)
            for name in self.names
            if (value := getattr(row, name)) is not None
        }
