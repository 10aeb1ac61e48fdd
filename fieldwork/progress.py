"""The "1+2" progress of a year (tiến độ thực hiện chế độ “1+2”, DOMAIN.md §7) in a user's scope:
each cadre's days at the grassroots against their quota, the totals by level and by unit as
the province publishes them ("19 cán bộ đi cơ sở, 58 lượt, 1.293 ngày, 38 đợt theo chuyên
đề"), the base units nobody visited this year and the trip reports overdue today.

``progress_data`` is the one data function: the progress page and its workbook format what it
returns, so they always agree. Everything is counted in SQL — the cadres' figures as correlated
subqueries of a paged queryset, the totals as grouped queries — and the totals, counts and
unvisited units are cached until a trip, a member, a secondment, a quota rule, a unit or a
cadre changes, or the day does (``data_version``).

What counts: a trip's days count in the year it starts, once the trip is made (đã đi, đã báo
cáo); a secondment's working days count in each year it covers (``SecondmentYear``). The
totals count every cadre of the scope who went, also those who have left since; the cadre list
shows the active cadres subject to the quota or with days that year.
"""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db import connections, router
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth
from django.db.models.lookups import GreaterThanOrEqual, LessThan, Lookup

from cadres.filters import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS, validate_search_words
from cadres.forms import UnitChoiceField
from cadres.models import Cadre, CadreStatus, Unit, UnitLevel, parent_name_of
from common.dates import today
from common.filters import ANY
from common.lists import cached_value, generation
from common.text import thousands
from common.widgets import SearchableSelect, Select
from units.scope import path_prefixes, scope_prefix, subtree_condition

from .models import COUNTED, FieldTrip, Quota, Secondment, SecondmentYear, TripMember, TripStatus
from .services import QuotaBook
from .templatetags.fieldwork import days as format_days

MIN_YEAR, MAX_YEAR = 2000, 2100
# The page lists this many unvisited units and overdue trips; the workbook all of them.
LIST_LIMIT = 50
OVERDUE_LIMIT = 20
DAYS = DecimalField(max_digits=7, decimal_places=1)
ZERO = Decimal(0)

BEHIND, MET, OVERDUE = "behind", "met", "overdue"
STATES = [(BEHIND, "Chậm tiến độ"), (MET, "Đạt định mức"), (OVERDUE, "Có báo cáo quá hạn")]
STATE_LABELS = dict(STATES)


# --- Filters ----------------------------------------------------------------------------------


@dataclass
class ProgressFilters:
    year: int
    unit: Unit | None = None  # cadres of its subtree
    level: str = ""  # the level of the cadre's unit
    q: str = ""  # the cadre's name, accents ignored
    state: str = ""  # BEHIND, MET or OVERDUE

    def lines(self, *, names: tuple[str, ...] = ("unit", "level", "q", "state")) -> list[str]:
        """The filters in force among ``names`` (the year always), "Label: value", for the page and
        the workbook: the totals follow the unit and the level, the unvisited units the unit."""
        lines = [f"Năm: {self.year}"]
        if self.unit is not None and "unit" in names:
            lines.append(f"Đơn vị: {self.unit.label}")
        if self.level and "level" in names:
            lines.append(f"Cấp: {UnitLevel(self.level).label}")
        if self.q and "q" in names:
            lines.append(f"Họ tên: {self.q}")
        if self.state and "state" in names:
            lines.append(f"Tình trạng: {STATE_LABELS[self.state]}")
        return lines


class ProgressFilterForm(forms.Form):
    """The page's filters. Always bound (an empty query is the current year, no filter); a value
    in error is the form's message and is left out, the other filters still apply."""

    year = forms.IntegerField(label="Năm", required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    unit = UnitChoiceField(
        label="Đơn vị (gồm đơn vị trực thuộc)",
        queryset=Unit.objects.none(),
        required=False,
        empty_label=ANY,
        widget=SearchableSelect(),
    )
    level = forms.ChoiceField(
        label="Cấp của đơn vị",
        choices=[("", ANY), *UnitLevel.choices],
        required=False,
        widget=Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label="Họ tên", required=False, max_length=SEARCH_MAX_LENGTH, validators=[validate_search_words]
    )
    state = forms.ChoiceField(
        label="Tình trạng",
        choices=[("", ANY), *STATES],
        required=False,
        widget=Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).with_parent_name()

    def filters(self, day: datetime.date | None = None) -> ProgressFilters:
        self.is_valid()
        data = self.cleaned_data  # the fields without errors
        return ProgressFilters(
            year=data.get("year") or (day or today()).year,
            unit=data.get("unit"),
            level=data.get("level") or "",
            q=(data.get("q") or "").strip(),
            state=data.get("state") or "",
        )

    def error_message(self) -> str:
        """The errors in one line, "Label: message; …" (empty when there are none)."""
        return "; ".join(
            f"{self.fields[name].label}: {' '.join(errors)}" for name, errors in self.errors.items()
        )


# --- The year's clock -------------------------------------------------------------------------


@dataclass(frozen=True)
class YearClock:
    """How much of ``year`` has passed on ``day``: the days a cadre is expected to have made by
    now are the quota's share of the year gone (all of it for a past year, none for a future one)."""

    year: int
    day: datetime.date

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def elapsed(self) -> int:
        """Days of the year gone by ``day``, ``day`` included."""
        return min(max((self.day - self.start).days + 1, 0), self.length)

    @property
    def as_of(self) -> datetime.date:
        """The date the expected days are reckoned to."""
        return min(max(self.day, self.start), self.end)

    @property
    def share(self) -> int:
        """The share of the year gone, in percent."""
        return self.elapsed * 100 // self.length

    def expected(self, quota: Decimal | None) -> Decimal | None:
        if quota is None:
            return None
        return (quota * self.elapsed / self.length).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- Each cadre ---------------------------------------------------------------------------------


@dataclass
class CadreProgress:
    """A cadre's row: the figures the queryset annotates, and what its bar shows (computed once:
    a page's fifty rows read them a dozen times each)."""

    cadre: Cadre
    quota: Decimal | None  # None: not subject to the quota
    trip_days: Decimal
    secondment_days: Decimal
    trips: int
    overdue: int
    done: Decimal = ZERO
    expected: Decimal | None = None  # the quota's share of the year gone
    met: bool = False
    behind: bool = False  # fewer days than expected, as ``quota_states`` reckons it
    percent: int | None = None  # of the quota, at most 100

    @classmethod
    def of(cls, cadre: Cadre, clock: YearClock) -> "CadreProgress":
        row = cls(
            cadre=cadre,
            quota=cadre.quota_days,
            trip_days=_decimal(cadre.trip_days),
            secondment_days=_decimal(cadre.secondment_days),
            trips=cadre.trips,
            overdue=cadre.overdue,
        )
        row.done = row.trip_days + row.secondment_days
        if row.quota is not None:
            row.expected = clock.expected(row.quota)
            row.met = row.done >= row.quota
            row.behind = row.done * clock.length < row.quota * clock.elapsed
            row.percent = min(100, int(row.done * 100 / row.quota))
        return row

    @property
    def tone(self) -> str:
        """The bar's colour: met, behind, on the way."""
        return "success" if self.met else "warning" if self.behind else "info"

    @property
    def badge_tone(self) -> str:
        return "light" if self.quota is None else self.tone

    @property
    def state_label(self) -> str:
        if self.quota is None:
            return "Ngoài định mức"
        if self.met:
            return STATE_LABELS[MET]
        return STATE_LABELS[BEHIND] if self.behind else "Đúng tiến độ"


def listed_cadres(user, filters: ProgressFilters, clock: YearClock, book: QuotaBook) -> QuerySet:
    """The cadres of the list, by name: the active cadres of the scope subject to the quota or
    with days in the year, within the filters (state included)."""
    members = counted_members(clock)
    seconded = SecondmentYear.objects.filter(year=clock.year, days__gt=0)
    # The year's travellers probed per cadre on the members' cadre index: an IN list of them is
    # too large for PostgreSQL to hash at a million cadres, which then rescanned it for every
    # cadre (minutes). The seconded are few: a list.
    cadres = (
        Cadre.objects.visible_to(user)
        .filter(status=CadreStatus.ACTIVE)
        .filter(
            book.subject_condition()
            | Exists(members.filter(cadre=OuterRef("pk")))
            | Q(pk__in=seconded.values("cadre_id"))
        )
    )
    cadres = _narrowed(cadres, filters)
    if filters.q:
        cadres = cadres.search(filters.q, max_words=SEARCH_MAX_WORDS)
    if filters.state == OVERDUE:
        overdue = TripMember.objects.filter(trip__in=FieldTrip.objects.overdue(clock.day))
        cadres = cadres.filter(pk__in=overdue.values("cadre_id"))
    elif filters.state in (BEHIND, MET):
        met, behind = quota_states(clock)
        cadres = figured(cadres, clock, book).filter(quota_days__isnull=False)
        cadres = cadres.filter(met if filters.state == MET else behind)
    return cadres.order_by("search_text", "pk")


def figured(cadres: QuerySet, clock: YearClock, book: QuotaBook) -> QuerySet:
    """``cadres`` each annotated with its quota (``quota_days``, NULL: not subject), its days on
    the year's trips and on secondment, its cadre-trips (``trips``) and its trips whose report is
    overdue on ``clock.day`` (``overdue``), as correlated subqueries on the cadre's indexes."""
    members = counted_members(clock)
    seconded = SecondmentYear.objects.filter(year=clock.year, days__gt=0)
    # FieldTripQuerySet.overdue's rule, as conditions of the join: a subquery of the overdue
    # trips inside the correlated one would be run again for every cadre on SQLite.
    overdue = TripMember.objects.filter(trip__report_due_on__lt=clock.day).exclude(
        trip__status__in=(TripStatus.REPORTED, TripStatus.CANCELLED)
    )
    return cadres.annotate(
        quota_days=book.days_expression(),
        trip_days=Coalesce(_per_cadre(members, Sum("days"), DAYS), Value(ZERO), output_field=DAYS),
        secondment_days=Coalesce(_per_cadre(seconded, Sum("days"), DAYS), Value(ZERO), output_field=DAYS),
        trips=Coalesce(_per_cadre(members, Count("pk"), IntegerField()), 0),
        overdue=Coalesce(_per_cadre(overdue, Count("pk"), IntegerField()), 0),
    )


def counted_members(clock: YearClock):
    """The cadres' places on the trips made that start in the year."""
    return TripMember.objects.filter(
        trip__status__in=COUNTED, trip__starts_on__gte=clock.start, trip__starts_on__lte=clock.end
    )


def _per_cadre(rows, aggregate, output_field) -> Subquery:
    """``aggregate`` over the ``rows`` of the outer query's cadre."""
    grouped = rows.filter(cadre_id=OuterRef("pk")).order_by().values("cadre_id").annotate(value=aggregate)
    return Subquery(grouped.values("value")[:1], output_field=output_field)


def quota_states(clock: YearClock) -> tuple[Lookup, Lookup]:
    """The conditions, on ``figured`` cadres subject to the quota, of "met" (done ≥ quota) and
    "behind" (done < quota × the share of the year gone, in whole numbers: done × days in the
    year < quota × days gone)."""
    done = ExpressionWrapper(F("trip_days") + F("secondment_days"), output_field=DAYS)
    met = GreaterThanOrEqual(done, F("quota_days"))
    behind = LessThan(
        ExpressionWrapper(done * Value(clock.length), output_field=DAYS),
        ExpressionWrapper(F("quota_days") * Value(clock.elapsed), output_field=DAYS),
    )
    return met, behind


def _narrowed(queryset, filters: ProgressFilters, to_cadre: str = ""):
    """``queryset`` (of cadres, or of rows with a ``cadre``) within the filters' unit and level."""
    if filters.unit is not None:
        queryset = queryset.filter(subtree_condition(f"{to_cadre}unit_path", filters.unit.path))
    if filters.level:
        queryset = queryset.filter(**{f"{to_cadre}unit__level": filters.level})
    return queryset


# --- Totals ------------------------------------------------------------------------------------


@dataclass
class Figures:
    """A line of the totals, in the published style: cadres who went (by trip or secondment),
    cadre-trips (lượt), days, topic trips (đợt theo chuyên đề), secondments (people, days)."""

    label: str
    level: str = ""
    unit_id: int | None = None
    path: str = ""
    cadres: int = 0
    trips: int = 0
    trip_days: Decimal = ZERO
    topic_trips: int = 0
    seconded: int = 0
    secondment_days: Decimal = ZERO

    @property
    def total_days(self) -> Decimal:
        return self.trip_days + self.secondment_days

    def add(self, other: "Figures") -> None:
        """Add the additive figures (every cadre belongs to one unit); topic trips are counted
        apart, as a trip may take cadres of several units."""
        self.cadres += other.cadres
        self.trips += other.trips
        self.trip_days += other.trip_days
        self.seconded += other.seconded
        self.secondment_days += other.secondment_days


@dataclass
class Totals:
    total: Figures
    levels: list[Figures] = field(default_factory=list)
    units: list[Figures] = field(default_factory=list)

    def summary(self, year: int) -> str:
        """ "Năm 2026: 19 cán bộ đi cơ sở, 58 lượt, 1.293 ngày, 38 đợt theo chuyên đề"."""
        total = self.total
        text = (
            f"Năm {year}: {format_number(total.cadres)} cán bộ đi cơ sở, {format_number(total.trips)} lượt, "
            f"{format_days(total.total_days)} ngày, {format_number(total.topic_trips)} đợt theo chuyên đề"
        )
        if total.seconded:
            text += (
                f" (trong đó {format_number(total.seconded)} cán bộ tăng cường cơ sở, "
                f"{format_days(total.secondment_days)} ngày)"
            )
        return text

    def levels_summary(self) -> str:
        """ "Cấp tỉnh: 11 lượt, 473 ngày; cấp huyện: 38 lượt, 2.005 ngày"."""
        parts = [
            f"{line.label.lower()}: {format_number(line.trips)} lượt, {format_days(line.total_days)} ngày"
            for line in self.levels
        ]
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]


def format_number(value: int) -> str:
    return thousands(value)  # 1.293


def year_totals(members, seconded) -> Totals:
    """The totals of the trip places and secondment years given (already narrowed to the year,
    the scope and the filters): three grouped queries. A cadre who both went on trips and was
    seconded that year counts once among the cadres who went."""
    unit = ("cadre__unit_id", "cadre__unit__name", "cadre__unit__level", "cadre__unit__path")
    topic = ~Q(trip__topic="")
    units: dict[int, Figures] = {}

    def line(row) -> Figures:
        if row["cadre__unit_id"] not in units:
            units[row["cadre__unit_id"]] = Figures(
                row["cadre__unit__name"],
                level=row["cadre__unit__level"],
                unit_id=row["cadre__unit_id"],
                path=row["cadre__unit__path"],
            )
        return units[row["cadre__unit_id"]]

    by_unit = (
        members.order_by()
        .values(*unit)
        .annotate(
            went=Count("cadre_id", distinct=True),
            also_seconded=Count(
                "cadre_id", distinct=True, filter=Q(cadre_id__in=seconded.values("cadre_id"))
            ),
            trips=Count("pk"),
            days=Sum("days"),
            topics=Count("trip_id", distinct=True, filter=topic),
        )
    )
    for row in by_unit:
        figures = line(row)
        figures.cadres += row["went"] - row["also_seconded"]  # counted with the seconded below
        figures.trips, figures.trip_days, figures.topic_trips = (
            row["trips"],
            _decimal(row["days"]),
            row["topics"],
        )
    by_unit = (
        seconded.order_by().values(*unit).annotate(people=Count("cadre_id", distinct=True), days=Sum("days"))
    )
    for row in by_unit:
        figures = line(row)
        figures.cadres += row["people"]
        figures.seconded, figures.secondment_days = row["people"], _decimal(row["days"])
    # A trip may take cadres of several units: its topic is counted once per level and overall.
    topics = members.order_by().aggregate(
        topic_total=Count("trip_id", distinct=True, filter=topic),
        **{
            f"topic_{level}": Count("trip_id", distinct=True, filter=topic & Q(cadre__unit__level=level))
            for level in UnitLevel.values
        },
    )
    total = Figures("Tổng cộng", topic_trips=topics["topic_total"])
    levels = {
        level: Figures(label, level=level, topic_trips=topics[f"topic_{level}"])
        for level, label in UnitLevel.choices
    }
    ordered = sorted(units.values(), key=lambda figures: figures.path)
    for figures in ordered:
        total.add(figures)
        levels[figures.level].add(figures)
    return Totals(total, [figures for figures in levels.values() if figures.cadres], ordered)


def _decimal(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.1"))


# --- Base units not visited ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitLine:
    pk: int
    name: str
    parent_name: str
    code: str

    @property
    def label(self) -> str:
        return f"{self.name} – {self.parent_name}" if self.parent_name else self.name


def _base_units(user, filters: ProgressFilters):
    """The active base units (cấp cơ sở) of the scope, or of the filters' unit's subtree."""
    units = Unit.objects.visible_to(user).active().filter(level=UnitLevel.BASE)
    if filters.unit is not None:
        units = units.filter(subtree_condition("path", filters.unit.path))
    return units.order_by("path")


def _host_paths(user, filters: ProgressFilters) -> list[str]:
    """The paths of the units the year's trips made and secondments went to, within the scope
    (or the filters' unit): one query."""
    where = filters.unit.path if filters.unit is not None else scope_prefix(user)
    if where is None:
        return []
    trips = FieldTrip.objects.counted().in_year(filters.year)
    secondments = Secondment.objects.in_year(filters.year)
    if where:
        trips = trips.filter(subtree_condition("host__path", where))
        secondments = secondments.filter(subtree_condition("host__path", where))
    paths = (
        trips.order_by()
        .values_list("host__path", flat=True)
        .union(secondments.order_by().values_list("host__path", flat=True))
    )
    return list(paths)


def _unvisited(base_units, hosts: list[str]) -> list[UnitLine]:
    """The units of ``base_units`` none of ``hosts`` is at or below: a unit is visited when its
    path is a prefix of a host's path (or the host's own), so the hosts' prefixes are the
    visited units, one set for every unit."""
    visited = {prefix for path in hosts for prefix in path_prefixes(path, Unit.steplen)}
    rows = base_units.with_parent_name().values_list("pk", "path", "name", "parent_name", "code")
    return [
        UnitLine(pk, name, parent_name or "", code)
        for pk, path, name, parent_name, code in rows
        if path not in visited
    ]


# --- Overdue reports ----------------------------------------------------------------------------


def _overdue(user, filters: ProgressFilters, day: datetime.date):
    """The trips of the scope (organised in the filters' unit, at their level) whose report is
    overdue on ``day``, the most overdue first, whatever the year."""
    trips = FieldTrip.objects.visible_to(user).overdue(day)
    if filters.unit is not None:
        trips = trips.filter(subtree_condition("organiser__path", filters.unit.path))
    if filters.level:
        trips = trips.filter(organiser__level=filters.level)
    return trips.order_by("report_due_on", "pk")


# --- The page's data ----------------------------------------------------------------------------


@dataclass
class Progress:
    filters: ProgressFilters
    clock: YearClock
    book: QuotaBook
    ids: list[int]  # the listed cadres, in order (``rows`` reads their figures)
    totals: Totals
    unvisited: list[UnitLine]
    unvisited_count: int
    overdue: list[FieldTrip]  # each with ``days_late`` and ``cadre_names``
    overdue_count: int

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def quotas(self) -> list[Quota]:
        return self.book.rules

    @property
    def summary(self) -> str:
        return self.totals.summary(self.filters.year)

    def rows(self, ids: Sequence[int]) -> list[CadreProgress]:
        """The rows of the cadres ``ids`` (a page of ``self.ids``), in their order: one query."""
        cadres = (
            figured(Cadre.objects.filter(pk__in=list(ids)), self.clock, self.book)
            .select_related("unit", "position")
            .only("full_name", "unit__name", "unit__level", "position__name")
            .annotate(unit_parent_name=parent_name_of("unit_path"))
            .order_by()
        )
        found = {cadre.pk: cadre for cadre in cadres}
        return [CadreProgress.of(found[pk], self.clock) for pk in ids if pk in found]

    def all_rows(self, chunk: int = 1000) -> Iterator[CadreProgress]:
        """Every row, a chunk of cadres per query (the workbook)."""
        for start in range(0, len(self.ids), chunk):
            yield from self.rows(self.ids[start : start + chunk])


def data_version(day: datetime.date) -> str:
    """A token that changes whenever the figures may have: the newest history record of the trips,
    their members, the secondments (whose years are rewritten with them), the quota rules and the
    units (one query of an index probe each), the cadres' own ``data_version``, the "fieldwork"
    generation (for set-based updates) and the day (expected days and overdue reports move with
    it)."""
    connection = connections[router.db_for_read(FieldTrip)]  # where the figures are read
    quote = connection.ops.quote_name
    newest = ", ".join(
        f"(SELECT MAX({quote('history_id')}) FROM {quote(model.history.model._meta.db_table)})"
        for model in (FieldTrip, TripMember, Secondment, Quota, Unit)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {newest}")
        versions = cursor.fetchone()
    return f"{Cadre.objects.data_version()}:{versions}:{generation('fieldwork')}:{day}"


def progress_data(
    user, filters: ProgressFilters, *, day: datetime.date | None = None, limit: int | None = LIST_LIMIT
) -> Progress:
    """The "1+2" progress of ``filters.year`` in ``user``'s scope as of ``day`` (today).

    The list of cadres (their ids, in order), the totals, the unvisited units and the overdue
    trips are computed in SQL once per version of the data (``data_version``) and filters, and
    cached: a page then reads its fifty cadres' figures (``Progress.rows``) and the first overdue
    trips; ``limit`` caps the unvisited units and overdue trips listed (None: all of them). A
    list of ids rather than keyset pages: the cadres of the list are picked from the whole
    scope's by conditions no index orders (4,400 among 100,000 at the benchmark's size, where
    reading them for each page took ten times the roster's page)."""
    day = day or today()
    clock = YearClock(filters.year, day)
    book = QuotaBook(filters.year)
    version = data_version(day)
    where = (scope_prefix(user), filters.unit.pk if filters.unit else None, filters.level, filters.year)
    ids = cached_value(
        "fieldwork-progress",
        (*where, filters.q, filters.state, version),
        lambda: list(listed_cadres(user, filters, clock, book).values_list("pk", flat=True)),
    )
    figures = cached_value("fieldwork-figures", (*where, version), lambda: _figures(user, filters, clock))
    unvisited, overdue = figures["unvisited"], figures["overdue"]
    return Progress(
        filters=filters,
        clock=clock,
        book=book,
        ids=ids,
        totals=figures["totals"],
        unvisited=unvisited[:limit] if limit is not None else unvisited,
        unvisited_count=len(unvisited),
        overdue=_overdue_trips(overdue[: min(limit, OVERDUE_LIMIT)] if limit is not None else overdue, day),
        overdue_count=len(overdue),
    )


def _figures(user, filters: ProgressFilters, clock: YearClock) -> dict:
    """What the page shows beside its cadres, for the filters' unit and level (not the name or
    the state, which only pick cadres of the list)."""
    members = _year_members(user, filters, clock)
    return {
        "totals": year_totals(members, _year_secondments(user, filters)),
        "unvisited": _unvisited(_base_units(user, filters), _host_paths(user, filters)),
        "overdue": list(_overdue(user, filters, clock.day).values_list("pk", flat=True)),
    }


def _overdue_trips(ids: list[int], day: datetime.date) -> list[FieldTrip]:
    """The trips ``ids`` with their units, each with its ``days_late`` and ``cadre_names``."""
    if not ids:
        return []
    trips = list(
        FieldTrip.objects.filter(pk__in=ids)
        .select_related("organiser", "host")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TripMember.objects.select_related("cadre")
                .only("trip", "cadre__full_name")
                .order_by("pk"),
            )
        )
        .order_by("report_due_on", "pk")
    )
    for trip in trips:
        trip.days_late = (day - trip.report_due_on).days
        trip.cadre_names = ", ".join(member.cadre.full_name for member in trip.members.all())
    return trips


def _year_members(user, filters: ProgressFilters, clock: YearClock):
    """The counted places on the year's trips of the scope's cadres, within the filters' unit
    and level (whatever the cadre's status: one who has left since still went)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return TripMember.objects.none()
    members = counted_members(clock)
    if prefix:
        members = members.filter(subtree_condition("cadre__unit_path", prefix))
    return _narrowed(members, filters, "cadre__")


def _year_secondments(user, filters: ProgressFilters):
    prefix = scope_prefix(user)
    if prefix is None:
        return SecondmentYear.objects.none()
    years = SecondmentYear.objects.filter(year=filters.year, days__gt=0)
    if prefix:
        years = years.filter(subtree_condition("cadre__unit_path", prefix))
    return _narrowed(years, filters, "cadre__")


# --- The dashboard's figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """The scope's figures of the current year for the dashboard."""

    year: int
    total: Figures
    subject: int  # active cadres subject to the quota
    met: int
    behind: int
    overdue: int  # trips whose report is overdue
    days_by_month: tuple[Decimal, ...] = ()  # the trips' days by the month they start in, January first


def year_figures(user, *, day: datetime.date | None = None) -> YearFigures:
    """The whole scope's year so far (seven queries), cached like the page's figures (two
    probes)."""
    day = day or today()
    filters = ProgressFilters(year=day.year)
    clock = YearClock(day.year, day)

    def compute() -> YearFigures:
        book = QuotaBook(day.year)
        cadres = figured(listed_cadres(user, filters, clock, book), clock, book)
        met, behind = quota_states(clock)
        counts = (
            cadres.filter(quota_days__isnull=False)
            .order_by()
            .aggregate(subject=Count("pk"), met=Count("pk", filter=met), behind=Count("pk", filter=behind))
        )
        members = _year_members(user, filters, clock)
        return YearFigures(
            year=day.year,
            total=year_totals(members, _year_secondments(user, filters)).total,
            overdue=FieldTrip.objects.visible_to(user).overdue(day).count(),
            days_by_month=_days_by_month(members),
            **counts,
        )

    return cached_value("fieldwork-dashboard", (scope_prefix(user), data_version(day)), compute)


def _days_by_month(members) -> tuple[Decimal, ...]:
    """The days of the trip places given (one year's), by the month their trip starts: one
    grouped query, twelve rows at most."""
    rows = (
        members.order_by()
        .annotate(month=ExtractMonth("trip__starts_on"))
        .values("month")
        .annotate(days=Sum("days"))
        .values_list("month", "days")
    )
    found = {month: Decimal(value or 0).quantize(Decimal("0.1")) for month, value in rows}
    return tuple(found.get(month, Decimal(0)) for month in range(1, 13))
