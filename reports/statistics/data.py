"""The table of the quality statistics: for the units directly below a chosen unit (and the
chosen unit's own cadres), how many cadres worked there on a date and how many of them fall in
each column of DOMAIN.md §10. ``quality_statistics`` computes it in a constant number of queries,
whatever the number of units and cadres: the child units, the counts (grouped queries of
conditional counts: one as of today, three for a past date) and the chosen unit's ancestors.

Who counts on a date, and where:

* working: not left by then (``left_on`` empty or after the date: on the day they leave they
  no longer count), and known to the roster by then — their first post had started, or, for a
  cadre whose posts all start later or who has none, their record had been created
  (``Cadre.on_roster_since``);
* where: the unit of the post they held on that date (``Appointment``: the main post before a
  concurrent one, the latest first); between two posts, the last post started by then; with no
  post started by then, the unit on the profile (``cadres.timeline``, which keeps for each
  cadre the day from which this is their present unit);
* age and Party membership as of the date (``birth_date``, ``party_joined_on``);
* qualifications and employment as they are now: the profile keeps no history of them.

As of today the roster's current state answers (active cadres, their units): the dashboard's
and the roster's figures, from the roster's index alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr

from cadres.models import (
    MAJORITY_ETHNICITY,
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Education,
    Employment,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Unit,
    UnitLevel,
)
from common.dates import today, years_before
from common.lists import cached_value
from common.tables import HeaderCell, header_rows
from common.text import thousands
from common.versions import recorded_version
from units.scope import EVERYTHING, scope_prefix, subtree_condition

TITLE = "THỐNG KÊ CHẤT LƯỢNG ĐỘI NGŨ CÁN BỘ ĐOÀN"
WHOLE_ORGANISATION = "Toàn hệ thống"
TOTAL_LABEL = "Tổng cộng"
FIRST_DAY = datetime.date(2000, 1, 1)  # the earliest date the statistics are asked for


@dataclass(frozen=True)
class Column:
    """A figure of the table: ``key`` names its count, ``group`` the header over it and its
    neighbours ("Độ tuổi"), ``sensitive`` a count of data only some roles may see."""

    key: str
    label: str
    group: str = ""
    sensitive: bool = False


COLUMNS = (
    Column("total", "Tổng số"),
    Column("women", "Nữ", group="Trong đó"),
    Column("minority", "Dân tộc thiểu số", group="Trong đó", sensitive=True),
    Column("party", "Đảng viên", group="Trong đó", sensitive=True),
    Column("age_to_30", "Đến 30", group="Độ tuổi"),
    Column("age_31_35", "31 – 35", group="Độ tuổi"),
    Column("age_36_40", "36 – 40", group="Độ tuổi"),
    Column("age_over_40", "Trên 40", group="Độ tuổi"),
    Column("education_below", "Dưới đại học", group="Trình độ chuyên môn"),
    Column("education_bachelor", "Đại học", group="Trình độ chuyên môn"),
    Column("education_higher", "Trên đại học", group="Trình độ chuyên môn"),
    Column("theory_elementary", "Sơ cấp", group="Lý luận chính trị"),
    Column("theory_intermediate", "Trung cấp", group="Lý luận chính trị"),
    Column("theory_advanced", "Cao cấp, cử nhân", group="Lý luận chính trị"),
    Column("it", "Tin học", group="Tin học, ngoại ngữ"),
    Column("language", "Ngoại ngữ B1 trở lên", group="Tin học, ngoại ngữ"),
    Column("full_time", "Chuyên trách", group="Chế độ công tác"),
    Column("concurrent", "Kiêm nhiệm", group="Chế độ công tác"),
)
SENSITIVE_KEYS = frozenset(column.key for column in COLUMNS if column.sensitive)

NOTES = (
    "Độ tuổi tính đến ngày thống kê; dưới đại học gồm cả cán bộ chưa qua đào tạo chuyên môn; "
    "tin học: có trình độ tin học từ cơ bản trở lên; ngoại ngữ: từ bậc 3 (B1) trở lên theo "
    "Khung năng lực ngoại ngữ 6 bậc.",
    "Chuyên trách gồm cả cán bộ bán chuyên trách.",
)
PAST_NOTE = (
    "Cán bộ được tính ở đơn vị nơi giữ chức vụ tại ngày thống kê (theo quá trình công tác); đảng "
    "viên tính theo ngày vào Đảng. Trình độ chuyên môn, lý luận chính trị, tin học, ngoại ngữ và "
    "chế độ công tác là thông tin hiện có trong hồ sơ (hệ thống không lưu lịch sử các thông tin này)."
)
HIDDEN_NOTE = (
    "Cột dân tộc thiểu số và đảng viên để trống: tài khoản chỉ xem không được xem thông tin "
    "nhạy cảm (Luật Bảo vệ dữ liệu cá nhân)."
)


@dataclass(frozen=True)
class StatisticsRow:
    """A line of the table: a unit below the chosen one (its whole subtree), the chosen unit's
    own cadres (``direct``), or the total. ``counts[key]`` is None for a column hidden from the
    user."""

    label: str
    counts: dict[str, int | None]
    unit: Unit | None = None
    direct: bool = False
    is_total: bool = False

    @property
    def values(self) -> list[int | None]:
        return [self.counts.get(column.key) for column in COLUMNS]

    @property
    def printed(self) -> list[str]:
        """The figures as pages print them: "1.234", "—" for a hidden one."""
        return ["—" if value is None else thousands(value) for value in self.values]

    @property
    def total(self) -> int:
        return self.counts["total"] or 0

    @property
    def can_drill_down(self) -> bool:
        return self.unit is not None and self.unit.numchild > 0


@dataclass(frozen=True)
class StatisticsTable:
    unit: Unit | None  # the chosen unit; None: the whole organisation (an administrator's)
    on_date: datetime.date
    rows: tuple[StatisticsRow, ...]
    total: StatisticsRow
    ancestors: tuple[Unit, ...] = ()  # the chosen unit's, top down (for the documents' head)
    scope: str = EVERYTHING  # the path prefix of what the user sees
    hidden: frozenset[str] = frozenset()
    columns: tuple[Column, ...] = COLUMNS
    notes: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return TITLE

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit else WHOLE_ORGANISATION

    @property
    def date_line(self) -> str:
        return f"Tính đến ngày {self.on_date:%d/%m/%Y}"

    @property
    def is_current(self) -> bool:
        return self.on_date >= today()

    @property
    def is_empty(self) -> bool:
        return self.total.total == 0

    @property
    def crumbs(self) -> list[Unit]:
        """The ancestors the user may open: from their own unit down."""
        return [unit for unit in self.ancestors if unit.path.startswith(self.scope)]

    @property
    def headers(self) -> tuple[list[HeaderCell], list[HeaderCell]]:
        return header_rows(self.columns)


def quality_statistics(user, unit: Unit | None, on_date: datetime.date) -> StatisticsTable:
    """The statistics of ``unit``'s subtree (None: everything, for a user who sees everything)
    as of ``on_date``, by the units directly below it. ``unit`` must be within the user's scope
    (the view's form offers no other); anything else is refused."""
    unit = _checked_unit(user, unit)
    prefix = unit.path if unit else EVERYTHING
    key_length = len(prefix) + Unit.steplen
    hidden = frozenset() if user.can_see_sensitive else SENSITIVE_KEYS
    groups = _remembered_counts(prefix, key_length, on_date, hidden)
    children = list(_children(unit).only("pk", "name", "path", "depth", "numchild", "dissolved_on"))
    empty = {column.key: (None if column.key in hidden else 0) for column in COLUMNS}

    rows = []
    if unit is not None and prefix in groups:
        rows.append(StatisticsRow(direct_label(unit), groups[prefix], direct=True))
    for child in children:
        counts = groups.get(child.path)
        if counts is not None or child.dissolved_on is None or child.dissolved_on > on_date:
            rows.append(StatisticsRow(child.name, counts or empty, unit=child))
    total = {key: None if key in hidden else sum(counts[key] for counts in groups.values()) for key in empty}
    notes = NOTES if on_date >= today() else (PAST_NOTE, *NOTES)
    return StatisticsTable(
        unit=unit,
        on_date=on_date,
        rows=tuple(rows),
        total=StatisticsRow(TOTAL_LABEL, total, is_total=True),
        ancestors=tuple(unit.ancestors().only("pk", "name", "path")) if unit else (),
        scope=scope_prefix(user),
        hidden=hidden,
        notes=(*notes, HIDDEN_NOTE) if hidden else notes,
    )


def direct_label(unit: Unit) -> str:
    """The line of the chosen unit's own cadres: the office of a province or district union,
    the committee and staff of a grassroots one."""
    if unit.level in {UnitLevel.CENTRAL, UnitLevel.PROVINCE, UnitLevel.DISTRICT}:
        return f"Cơ quan {unit.name}"
    return f"Trực tiếp tại {unit.name}"


def _checked_unit(user, unit: Unit | None) -> Unit | None:
    prefix = scope_prefix(user)
    if prefix is None:
        raise PermissionDenied
    if unit is None:
        return None if prefix == EVERYTHING else user.unit
    if not unit.path.startswith(prefix):
        raise PermissionDenied
    return unit


def _children(unit: Unit | None):
    if unit is None:
        return Unit.objects.filter(depth=1)
    return Unit.objects.filter(subtree_condition("path", unit.path), depth=unit.depth + 1)


def _remembered_counts(
    prefix: str, key_length: int, on_date: datetime.date, hidden: frozenset[str]
) -> dict[str, dict[str, int | None]]:
    """``_grouped_counts``, remembered until any audited record changes (``recorded_version``:
    one query): the table a user looks at, then downloads as Excel and as PDF, is counted once
    (0.6 s as of today for a province of a million cadres on PostgreSQL, 0.85 s as of a past
    date)."""
    return cached_value(
        "statistics",
        (prefix, key_length, on_date, sorted(hidden), recorded_version()),
        lambda: _grouped_counts(prefix, key_length, on_date, hidden),
    )


def _grouped_counts(
    prefix: str, key_length: int, on_date: datetime.date, hidden: frozenset[str]
) -> dict[str, dict[str, int | None]]:
    """The counts of each group of cadres at ``on_date``, by the first ``key_length`` characters
    of their unit's path: a child of the chosen unit's subtree, or the chosen unit itself (its
    path is shorter). One grouped query as of today, three for a past date (``_working_on``)."""
    counters = {
        key: Count("pk", filter=condition) if condition is not None else Count("pk")
        for key, condition in column_conditions(on_date).items()
        if key not in hidden
    }
    if on_date >= today():
        cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE)
        if prefix:
            cadres = cadres.filter(subtree_condition("unit_path", prefix))
        parts = [(cadres, F("unit_path"))]
    else:
        parts = _working_on(prefix, on_date)
    groups: dict[str, dict[str, int | None]] = {}
    for cadres, path in parts:
        rows = cadres.annotate(unit_key=Substr(path, 1, key_length)).values("unit_key").annotate(**counters)
        for row in rows.order_by():
            key = row.pop("unit_key")
            # Past dates: the moved cadres' prefilter is wider than the subtree (``_working_on``);
            # groups outside it, keyed by other paths, are dropped here.
            if not key or not key.startswith(prefix):
                continue
            counts = groups.setdefault(
                key, {column.key: None if column.key in hidden else 0 for column in COLUMNS}
            )
            for name, value in row.items():
                counts[name] += value
    return groups


def column_conditions(on_date: datetime.date) -> dict[str, Q | None]:
    """What each column counts among the cadres working on ``on_date`` (None: all of them).
    Age bands by completed years on the date: "đến 30" is born after the day 31 years
    before it."""
    born_31, born_36, born_41 = (years_before(on_date, years) for years in (31, 36, 41))
    return {
        "total": None,
        "women": Q(gender=Gender.FEMALE),
        "minority": ~Q(ethnicity=MAJORITY_ETHNICITY),
        "party": Q(party_joined_on__lte=on_date),
        "age_to_30": Q(birth_date__gt=born_31),
        "age_31_35": Q(birth_date__gt=born_36, birth_date__lte=born_31),
        "age_36_40": Q(birth_date__gt=born_41, birth_date__lte=born_36),
        "age_over_40": Q(birth_date__lte=born_41),
        "education_below": Q(education__lt=Education.BACHELOR),
        "education_bachelor": Q(education=Education.BACHELOR),
        "education_higher": Q(education__gt=Education.BACHELOR),
        "theory_elementary": Q(political_theory=PoliticalTheory.ELEMENTARY),
        "theory_intermediate": Q(political_theory=PoliticalTheory.INTERMEDIATE),
        "theory_advanced": Q(political_theory__gte=PoliticalTheory.ADVANCED),
        "it": Q(it_level__gt=ItLevel.NONE),
        "language": Q(foreign_language_level__gte=LanguageLevel.B1),
        # Bán chuyên trách counts with chuyên trách (NOTES says so under the table).
        "full_time": Q(employment__in=[Employment.FULL_TIME, Employment.PART_TIME]),
        "concurrent": Q(employment=Employment.CONCURRENT),
    }


def _working_on(prefix: str, on_date: datetime.date) -> list[tuple]:
    """The cadres working on a past date who may have been in the subtree of ``prefix`` then,
    with the expression of their unit's path on that date (the rule of ``cadres.timeline``), in
    three parts: those counted in their present unit on every date since ``unit_since`` (most
    cadres: one scan of the roster, as today's figures); those counted in their earlier unit
    then (a range of the ``unit_since`` index, the unit's path by a join); the few others (a
    range of the ``earlier_since`` index), for whom a correlated subquery finds the post held
    on the date (a probe of the posts' cadre index each)."""
    started = Appointment.objects.filter(started_on__lte=on_date)
    working = Cadre.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on_date), on_roster_since__lte=on_date
    )
    here = working.filter(Q(unit_since__isnull=True) | Q(unit_since__lte=on_date))
    earlier = working.filter(unit_since__gt=on_date, earlier_since__lte=on_date)
    # ``earlier_since`` is set with ``unit_since`` and before it: a range of its own index.
    elsewhere = working.filter(earlier_since__gt=on_date)
    if prefix:
        here = here.filter(subtree_condition("unit_path", prefix))
        earlier = earlier.filter(subtree_condition("earlier_unit__path", prefix))
        # Someone elsewhere now may have been in the subtree then: any post started there.
        elsewhere = elsewhere.filter(
            subtree_condition("unit_path", prefix)
            | Exists(started.filter(subtree_condition("unit__path", prefix), cadre=OuterRef("pk")))
        )
    covering = Q(ended_on__isnull=True) | Q(ended_on__gte=on_date)
    post_then = (  # within the units' subquery below: the cadre is two levels out
        started.filter(cadre=OuterRef(OuterRef("pk")))
        .order_by(
            Case(When(covering, then=Value(0)), default=Value(1)),
            Case(When(kind=AppointmentKind.CONCURRENT, then=Value(1)), default=Value(0)),
            "-started_on",
            "-pk",
        )
        .values("unit_id")[:1]
    )
    # The post's unit's path by its primary key: a probe of one index per cadre, where a join
    # in the subquery above made PostgreSQL scan the units for every cadre.
    path_then = Unit.objects.filter(pk=Subquery(post_then)).order_by().values("path")[:1]
    return [
        (here, F("unit_path")),
        (earlier, F("earlier_unit__path")),
        (elsewhere, Coalesce(Subquery(path_then), F("unit_path"))),
    ]
