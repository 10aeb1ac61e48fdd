"""Demo data of the field-work app (``seed_demo`` calls ``seed`` after the units, the accounts,
the cadres, the plans and the courses): the "1+2" year of the province office, counted from the
demo's day (``cadres.demo.demo_anchor``), so that the progress page has something to say.

- The cadres of each province-level office (Tỉnh đoàn Gia Lai and the Đoàn Khối cơ quan Đảng)
  go to the base units and chi đoàn below it, week after week since 1 January: trips of 1–5
  days, 1–3 cadres each, about half on a topic (chuyên đề), each cadre at a pace of their own —
  some past the 60 days, some on track, many behind the pro-rata mark, a few never gone.
- The trips before the demo's day are made and mostly reported a few days later; a handful are
  overdue (one ended exactly 11 days before, its report a day late), the last few still within
  their 10 days; one was cancelled; a few are registered in the coming weeks.
- About five base units are never visited (the progress page lists them).
- The demo commune's cadres visit its chi đoàn (the commune editor ``xa`` sees them).
- One young province cadre is seconded (tăng cường cơ sở) to the demo commune for four months
  around the demo's day as its Phó Bí thư: a real concurrent appointment (``secondment_save``),
  which the commune editor sees. Not to the ward the planning demo leaves without a Phó Bí thư:
  that vacancy stays for the vacancies page.
- The province editor ``tinhdoan`` has a calendar feed of her own trips.
- Then the year's evaluations of the province-level offices and the demo commune, their
  field-work criterion scored from these trips (``fieldwork.evaluation.demo``).

A cadre's trips never overlap each other or their secondment: each week a cadre joins at most
one trip, held within that week, and the weeks of the secondment are left out. Up to
``ONE_BY_ONE_MAX`` trips are saved one by one through ``trip_save``, which would refuse an
overlap; more (the benchmark's rosters) are written in bulk (``common.bulk.insert_new``) with
what ``trip_save`` would have computed — the report's due date, the days of each cadre, the
text normalised — and their history rows up to ``HISTORY_MAX`` (the activities' history is
skipped in bulk). Everything comes from one random stream per office and seed, so the same seed
makes the same demo; it is seeded once: a re-run that finds the trips adds nothing.
"""

import datetime
import functools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Sum, Value, When
from django.utils import timezone

from accounts.models import User
from cadres.demo import HISTORY_LIMIT, demo_anchor
from cadres.models import Cadre, Position, Unit, UnitLevel
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR
from common.bulk import copy_to_history, insert_new
from common.dates import add_months
from common.text import normalize_text_fields
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE
from units.models import Sector
from units.scope import subtree_condition

from .evaluation import demo as evaluation_demo
from .models import (
    COUNTED,
    ActivityKind,
    CalendarFeed,
    FieldTrip,
    Secondment,
    TripMember,
    TripStatus,
)
from .services import QuotaBook, default_days, secondment_save, trip_save
from .signals import trips_changed
from .workdays import is_working_day, working_days

ONE_BY_ONE_MAX = 150  # trips saved through trip_save (25 ms each); more are written in bulk
HISTORY_MAX = HISTORY_LIMIT  # trips (and their cadres' rows) written to the history in bulk
OFFICE_LEVELS = (UnitLevel.PROVINCE, UnitLevel.DISTRICT)  # the quota's levels (fieldwork.0002)
UNVISITED = 5  # base units no trip of the year goes to
# An office with fewer units below it than this goes at a slower pace, so that its few chi đoàn
# are not visited every week (the Đoàn Khối cơ quan Đảng and its four chi đoàn).
FULL_PACE_HOSTS = 20
LEAD_WEEKS = 8  # trips from at least this many weeks before the demo's day (early in January)
FUTURE_DAYS = 28  # trips registered up to this many days after it
FUTURE_SHARE = 0.05  # chance a cadre registers a trip in each of those weeks
OVERDUE_SHARE = 0.015  # past trips whose report is overdue…
MIN_OVERDUE = 5  # …at least this many
HALF_DAY_SHARE = 0.05  # trips counting half a day less than their working days
CANCELLED_PER = 1_000  # one cancelled trip per this many (at least one)
GROUP_SIZES = ((1, 0.4), (2, 0.4), (3, 0.2))  # cadres on a trip
REPORT_DUE_DAYS = 10  # the seeded quota's (migration fieldwork.0002)
# Days from a trip's end to its report (most the next day or two; due on the tenth).
REPORT_DELAYS = ((1, 0.35), (2, 0.25), (3, 0.12), (4, 0.1), (5, 0.08), (7, 0.05), (9, 0.05))
LENGTHS = ((1, 0.2), (2, 0.3), (3, 0.25), (4, 0.15), (5, 0.1))  # days of a trip
# Each cadre's days over the past weeks, as a share of the pro-rata mark: (share of the office's
# cadres, lowest, highest). The ones ahead pass 60 days when the demo's day is late in the year.
PACES = (
    ("none", 0.06, 0, 0),
    ("ahead", 0.2, 1.1, 1.35),
    ("on_track", 0.24, 0.95, 1.08),
    ("behind", 0.5, 0.3, 0.85),
)
SECONDMENT_MONTHS = 4
SECONDMENT_DECISION = "125-QĐ/TĐTN-TCKT"
SECONDMENT_POSITION = "pho-bi-thu"
SECONDED_POSITIONS = ("chuyen-vien", "pho-truong-ban", "truong-ban", "uv-btv")  # whom to second, first
SECONDMENT_TASKS = (
    "Giữ chức Phó Bí thư Đoàn phường; phụ trách công tác tổ chức, kiểm tra và phong trào thanh niên "
    "địa bàn dân cư; hướng dẫn các chi đoàn tổ dân phố củng cố tổ chức, sinh hoạt theo chủ điểm."
)
ROMAN_QUARTERS = ("I", "II", "III", "IV")

# --- What a trip is about ------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """A chuyên đề: its title (``{quarter}``, ``{month}``, ``{year}``, ``{next_year}`` filled
    from the trip's dates), the hosts it suits, the months it is held in, what is done."""

    title: str
    fits: Callable[[Unit], bool]
    activities: tuple[str, ...]
    months: tuple[int, ...] = tuple(range(1, 13))


def _branch(unit: Unit) -> bool:
    return unit.level == UnitLevel.BRANCH


def _base(unit: Unit) -> bool:
    return unit.level == UnitLevel.BASE


def _any(unit: Unit) -> bool:
    return True


TOPICS = (
    Topic(
        "Kiểm tra công tác Đoàn và phong trào thanh niên quý {quarter}",
        _base,
        ("kiem-tra-giam-sat", "du-hoi-nghi-bch-btv"),
    ),
    Topic(
        "Nắm tình hình thanh niên công nhân khu công nghiệp",
        lambda unit: unit.sector == Sector.WORKERS,
        ("nam-tinh-hinh",),
    ),
    Topic(
        "Hướng dẫn Đại hội chi đoàn nhiệm kỳ {year}–{next_year}",
        lambda unit: _branch(unit) and unit.sector != Sector.HIGH_SCHOOL,
        ("du-sinh-hoat-chi-doan", "khac"),
        (1, 2, 3, 4, 9, 10, 11, 12),
    ),
    Topic(
        "Giám sát thực hiện Chương trình rèn luyện đoàn viên",
        _any,
        ("kiem-tra-giam-sat", "du-sinh-hoat-chi-doan"),
    ),
    Topic("Dự sinh hoạt chi đoàn chủ điểm tháng {month}", _branch, ("du-sinh-hoat-chi-doan",)),
    Topic(
        "Hướng dẫn triển khai Chiến dịch Thanh niên tình nguyện hè",
        lambda unit: _base(unit) and unit.sector in (Sector.RESIDENTIAL, Sector.HIGHER_EDUCATION),
        ("phoi-hop-to-chuc-hoat-dong", "du-hoi-nghi-bch-btv"),
        (5, 6, 7),
    ),
    Topic(
        "Kiểm tra công tác phát triển đoàn viên mới và quản lý đoàn viên",
        _base,
        ("kiem-tra-giam-sat",),
    ),
    Topic(
        "Nắm tình hình tư tưởng đoàn viên, thanh niên vùng đồng bào dân tộc thiểu số",
        lambda unit: unit.is_hardship_area,
        ("nam-tinh-hinh", "du-sinh-hoat-chi-doan"),
    ),
    Topic(
        "Kiểm tra công tác Đội và phong trào thiếu nhi trong trường học",
        lambda unit: _base(unit) and unit.sector == Sector.HIGH_SCHOOL,
        ("kiem-tra-giam-sat",),
        (1, 2, 3, 4, 5, 9, 10, 11, 12),
    ),
    Topic(
        "Dự Hội nghị Ban Chấp hành sơ kết công tác Đoàn 6 tháng đầu năm",
        _base,
        ("du-hoi-nghi-bch-btv",),
        (6, 7),
    ),
    Topic(
        "Phối hợp tổ chức Ngày hội “Thanh niên với chuyển đổi số”",
        lambda unit: _base(unit) and unit.sector == Sector.RESIDENTIAL,
        ("phoi-hop-to-chuc-hoat-dong",),
        (3, 4, 8, 9, 10),
    ),
    Topic(
        "Hướng dẫn nghiệp vụ công tác tổ chức, kiểm tra cho Ban Thường vụ Đoàn cơ sở",
        _base,
        ("khac", "kiem-tra-giam-sat"),
    ),
)
# A trip without a topic: what is done there.
PLAIN_ACTIVITIES = (
    ("nam-tinh-hinh",),
    ("nam-tinh-hinh", "du-sinh-hoat-chi-doan"),
    ("kiem-tra-giam-sat",),
    ("du-hoi-nghi-bch-btv", "nam-tinh-hinh"),
    ("phoi-hop-to-chuc-hoat-dong",),
)
PLANS = {
    "kiem-tra-giam-sat": "kiểm tra hồ sơ, sổ sách và việc thực hiện chương trình công tác Đoàn",
    "du-sinh-hoat-chi-doan": "dự sinh hoạt chi đoàn, trao đổi với đoàn viên",
    "du-hoi-nghi-bch-btv": "dự hội nghị Ban Chấp hành, góp ý chương trình công tác",
    "phoi-hop-to-chuc-hoat-dong": "phối hợp tổ chức hoạt động tình nguyện, sinh hoạt hè",
    "nam-tinh-hinh": "nắm tình hình tư tưởng, việc làm, đời sống của đoàn viên, thanh niên",
    "khac": "hướng dẫn nghiệp vụ công tác Đoàn",
}
RESULTS = (
    "Nắm được tình hình tổ chức cơ sở Đoàn, số lượng và chất lượng đoàn viên; các chi đoàn sinh hoạt "
    "đều đặn theo chủ điểm.",
    "Kiểm tra hồ sơ, sổ sách công tác Đoàn; góp ý cụ thể để hoàn thiện sổ chi đoàn, sổ đoàn viên.",
    "Hướng dẫn Ban Chấp hành xây dựng chương trình công tác, đăng ký công trình, phần việc thanh niên.",
    "Trao đổi trực tiếp với đoàn viên về tư tưởng, việc làm và nhu cầu học tập; ghi nhận nhiều ý kiến "
    "tâm huyết.",
    "Phối hợp tổ chức hoạt động tình nguyện, thu hút đông đảo đoàn viên, thanh niên tham gia.",
    "Đánh giá việc thực hiện Chương trình rèn luyện đoàn viên: phần lớn đoàn viên hoàn thành nội dung "
    "rèn luyện theo kế hoạch.",
)
DIFFICULTIES = (
    "Đoàn viên đi làm ăn xa nhiều, sinh hoạt chi đoàn chưa đủ số lượng.",
    "Kinh phí hoạt động của cơ sở còn hạn chế.",
    "Một số cán bộ chi đoàn mới được kiện toàn, chưa nắm vững nghiệp vụ.",
    "Chưa có điểm sinh hoạt riêng, cơ sở vật chất phục vụ hoạt động còn thiếu.",
    "Việc cập nhật dữ liệu đoàn viên trên phần mềm quản lý còn chậm.",
    "",
)
PROPOSALS = (
    "Đề nghị Ban Tổ chức – Kiểm tra Tỉnh đoàn mở lớp tập huấn nghiệp vụ cho Bí thư chi đoàn.",
    "Đề nghị Tỉnh đoàn hỗ trợ kinh phí tổ chức hoạt động hè cho thiếu nhi.",
    "Đề nghị cấp ủy địa phương quan tâm bố trí điểm sinh hoạt cho chi đoàn.",
    "Đề nghị tiếp tục theo dõi, hướng dẫn cơ sở trong quý tới.",
    "Kiến nghị doanh nghiệp tạo điều kiện về thời gian để đoàn viên công nhân sinh hoạt.",
    "",
)


# --- The plan of the year --------------------------------------------------------------------


@dataclass
class PlannedTrip:
    """A trip as it will be saved: its cadres (pks) and what becomes of it."""

    organiser: Unit
    host: Unit
    starts_on: datetime.date
    ends_on: datetime.date
    cadres: list[int]
    topic: str = ""
    activities: tuple[str, ...] = ()
    plan: str = ""
    status: str = TripStatus.DONE
    days: Decimal | None = None  # None: the trip's working days (the service's default)
    results: str = ""
    difficulties: str = ""
    proposals: str = ""
    reported_on: datetime.date | None = None
    editor: str = PROVINCE_EDITOR
    keep_overdue: bool = False  # left unreported past its due date whatever ``settle`` draws


@dataclass
class Week:
    monday: datetime.date
    first: datetime.date  # the days trips may take this week, from…
    last: datetime.date  # …to


@dataclass
class Office:
    """A province-level office, the cadres it sends and where they go."""

    unit: Unit
    cadres: list[int]
    hosts: list[Unit]
    names: dict[int, str] = field(default_factory=dict)  # host pk → "Chi đoàn …, Đoàn phường …"


def seed(*, seed: int, log: Callable[[str], None], cadres: int = 0, **options) -> None:
    """``seed_demo``'s part for this app: the trips, then the evaluations of the year (which
    score the trips' days)."""
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        log("Đi cơ sở: chưa có đơn vị mẫu, bỏ qua.")
        return
    anchor = demo_anchor(seed)
    seed_trips(province, anchor=anchor, seed=seed, log=log)
    offices = Unit.objects.active().filter(subtree_condition("path", province.path), level__in=OFFICE_LEVELS)
    evaluation_demo.seed(
        offices=list(offices.order_by("path")),
        commune=Unit.objects.filter(code=DEMO_COMMUNE_CODE).first(),
        anchor=anchor,
        seed=seed,
        log=log,
    )


def seed_trips(province: Unit, *, anchor: datetime.date, seed: int, log: Callable[[str], None]) -> None:
    started = time.monotonic()
    trips = FieldTrip.objects.filter(subtree_condition("organiser__path", province.path))
    if trips.exists():
        log(f"Đi cơ sở: đã có {trips.count()} đợt, không thêm.")
        return
    with transaction.atomic():
        builder = YearBuilder(province, anchor=anchor, seed=seed)
        if not builder.offices:
            log("Đi cơ sở: chưa có cán bộ cấp tỉnh, bỏ qua.")
            return
        builder.second_a_cadre()
        planned = builder.plan_trips()
        write(planned, builder.users)
        builder.commune_trips()
        builder.give_a_calendar_feed()
        date_back(trips)
        trips_changed()  # written in bulk: no signal said so
    members = TripMember.objects.filter(trip__in=trips)
    seconded = Secondment.objects.filter(subtree_condition("cadre__unit_path", province.path)).count()
    counted = members.filter(trip__status__in=COUNTED).aggregate(days=Sum("days"))["days"] or Decimal(0)
    log(
        f"Đi cơ sở: {trips.count()} đợt, {members.count()} lượt cán bộ, {_days(counted)} ngày, "
        f"{trips.overdue(anchor).count()} báo cáo quá hạn; {seconded} cán bộ tăng cường cơ sở; "
        f"{unvisited_count(province, anchor.year)} cơ sở chưa được đến ({time.monotonic() - started:.1f} s)."
    )


def unvisited_count(province: Unit, year: int) -> int:
    """The base units no trip made in ``year`` and no secondment went to, at or below."""
    trips = FieldTrip.objects.counted().in_year(year).values_list("host__path", flat=True)
    hosts = [*trips.distinct(), *Secondment.objects.in_year(year).values_list("host__path", flat=True)]
    base = Unit.objects.filter(subtree_condition("path", province.path), level=UnitLevel.BASE)
    paths = base.values_list("path", flat=True)
    return sum(1 for path in paths if not any(host.startswith(path) for host in hosts))


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


class YearBuilder:
    """The field-work year of the demo province up to ``anchor`` and a few weeks on."""

    def __init__(self, province: Unit, *, anchor: datetime.date, seed: int):
        self.province, self.anchor, self.seed = province, anchor, seed
        self.users = {
            user.username: user
            for user in User.objects.filter(username__in=[PROVINCE_EDITOR, COMMUNE_EDITOR])
        }
        units = list(Unit.objects.active().filter(subtree_condition("path", province.path)).order_by("path"))
        base_units = [
            unit for unit in units if unit.level == UnitLevel.BASE and unit.depth == province.depth + 1
        ]
        # Not the demo commune: its own cadres visit its chi đoàn, and its seconded Phó Bí thư.
        choosable = [unit for unit in base_units if unit.code != DEMO_COMMUNE_CODE]
        rng = random.Random(f"{seed}:fieldwork:unvisited")
        self.unvisited = rng.sample(choosable, min(UNVISITED, max(0, len(choosable) - 1)))
        skipped = tuple(unit.path for unit in self.unvisited)
        by_path = {unit.path: unit for unit in units}
        self.offices = []
        for office in (unit for unit in units if unit.level in OFFICE_LEVELS):
            staff = list(
                Cadre.objects.active().filter(unit=office).order_by("pk").values_list("pk", flat=True)
            )
            hosts = [
                unit
                for unit in units
                if unit.path.startswith(office.path)
                and unit.depth > office.depth
                and unit.level in (UnitLevel.BASE, UnitLevel.BRANCH)
                and not unit.path.startswith(skipped)
                # another office's own units are that office's to visit
                and not any(
                    unit.path.startswith(other.path)
                    for other in units
                    if other.level in OFFICE_LEVELS and other.depth > office.depth
                )
            ]
            if staff and hosts:
                names = {unit.pk: _host_name(unit, by_path) for unit in hosts}
                self.offices.append(Office(office, staff, hosts, names))
        self.secondment: Secondment | None = None
        self.feed_cadre = self._feed_cadre()

    # The secondment ---------------------------------------------------------------------------

    def second_a_cadre(self) -> None:
        """Second the province office's youngest chuyên viên (not the feed's cadre; on a small
        roster, another of its cadres but its secretaries) to the demo commune as its Phó Bí thư,
        from the first of the month two months before the demo's day for four months."""
        host = Unit.objects.filter(code=DEMO_COMMUNE_CODE).first()
        position = Position.objects.filter(code=SECONDMENT_POSITION).first()
        preference = Case(
            *(When(position__code=code, then=Value(rank)) for rank, code in enumerate(SECONDED_POSITIONS)),
            default=Value(len(SECONDED_POSITIONS)),
        )
        cadre = (
            Cadre.objects.active()
            .filter(unit__code=PROVINCE_CODE)
            .exclude(pk=getattr(self.feed_cadre, "pk", None))
            .exclude(position__code__in=["bi-thu", "pho-bi-thu"])
            .alias(preference=preference)
            .order_by("preference", "-birth_date", "pk")
            .first()
        )
        if host is None or position is None or cadre is None:
            return
        starts_on = add_months(self.anchor.replace(day=1), -2)
        secondment = Secondment(
            cadre=cadre,
            host=host,
            position=position,
            starts_on=starts_on,
            ends_on=add_months(starts_on, SECONDMENT_MONTHS) - datetime.timedelta(days=1),
            decision_number=SECONDMENT_DECISION,
            decision_date=starts_on - datetime.timedelta(days=10),
            tasks=SECONDMENT_TASKS,
        )
        secondment.full_clean(exclude=["cadre", "host", "position"])
        self.secondment = secondment_save(secondment=secondment, user=self.users.get(PROVINCE_EDITOR))

    # The province offices' trips ---------------------------------------------------------------

    def plan_trips(self) -> list[PlannedTrip]:
        planned = []
        for office in self.offices:
            planned += OfficeYear(self, office).plan()
        settle(planned, self.anchor, random.Random(f"{self.seed}:fieldwork:settle"))
        return planned

    def busy(self, cadre: int, week: Week) -> bool:
        """Whether the cadre is seconded during some day of the week."""
        secondment = self.secondment
        return (
            secondment is not None
            and secondment.cadre_id == cadre
            and secondment.starts_on <= week.monday + datetime.timedelta(days=6)
            and week.monday <= secondment.ends_on
        )

    # The demo commune's own trips --------------------------------------------------------------

    def commune_trips(self) -> None:
        """The demo commune's Bí thư and Phó Bí thư at two of its chi đoàn: one done and
        reported, one registered for next week."""
        commune = Unit.objects.filter(code=DEMO_COMMUNE_CODE).first()
        if commune is None:
            return
        branches = list(Unit.objects.get_children(commune).order_by("path"))
        heads = list(
            Cadre.objects.active()
            .filter(unit=commune, position__code__in=["bi-thu", "pho-bi-thu"])
            .order_by("position_order", "pk")[:2]
        )
        if len(branches) < 2 or not heads:
            return
        past = _weekday_on_or_after(self.anchor - datetime.timedelta(days=40))
        future = _weekday_on_or_after(self.anchor + datetime.timedelta(days=6))
        trips = [
            PlannedTrip(
                commune,
                branches[0],
                past,
                past,
                [cadre.pk for cadre in heads],
                topic=f"Dự sinh hoạt chi đoàn chủ điểm tháng {past.month}",
                activities=("du-sinh-hoat-chi-doan", "nam-tinh-hinh"),
                status=TripStatus.REPORTED,
                results=RESULTS[0],
                difficulties=DIFFICULTIES[0],
                proposals=PROPOSALS[2],
                reported_on=past + datetime.timedelta(days=2),
                editor=COMMUNE_EDITOR,
            ),
            PlannedTrip(
                commune,
                branches[1],
                future,
                future,
                [heads[0].pk],
                topic=f"Hướng dẫn Đại hội chi đoàn nhiệm kỳ {future.year}–{future.year + 1}",
                activities=("du-sinh-hoat-chi-doan", "khac"),
                status=TripStatus.REGISTERED,
                editor=COMMUNE_EDITOR,
            ),
        ]
        for trip in trips:
            trip.plan = _plan(trip.activities, trip.host.name)
        write_one_by_one(trips, self.users)

    # The calendar feed ---------------------------------------------------------------------

    def _feed_cadre(self) -> Cadre | None:
        """The province editor's own record on the roster: a province cadre of her name, else
        (a small roster) the office's first cadre of the lowest rank."""
        user = self.users.get(PROVINCE_EDITOR)
        staff = Cadre.objects.active().filter(unit__code=PROVINCE_CODE)
        if user is not None:
            mine = staff.filter(full_name=f"{user.last_name} {user.first_name}").order_by("pk").first()
            if mine is not None:
                return mine
        return staff.order_by("-position_order", "pk").first()

    def give_a_calendar_feed(self) -> None:
        user = self.users.get(PROVINCE_EDITOR)
        if user is not None and self.feed_cadre is not None:
            CalendarFeed.objects.get_or_create(user=user, defaults={"cadre": self.feed_cadre})


def _host_name(unit: Unit, by_path: dict[str, Unit]) -> str:
    """A chi đoàn with its base unit ("Chi đoàn thôn 3, Đoàn xã Kbang"), a base unit alone."""
    if unit.level != UnitLevel.BRANCH:
        return unit.name
    parent = by_path.get(unit.path[: -Unit.steplen])
    return f"{unit.name}, {parent.name}" if parent else unit.name


@functools.cache
def trip_days(starts_on: datetime.date, ends_on: datetime.date) -> Decimal:
    """What ``trip_save`` gives each cadre of a trip by default (its working days), for the
    few hundred distinct spans of the year's trips."""
    return default_days(FieldTrip(starts_on=starts_on, ends_on=ends_on))


def _weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _pick(rng: random.Random, weighted: Sequence[tuple]) -> object:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def _plan(activities: Sequence[str], host_name: str) -> str:
    text = "; ".join(PLANS[code] for code in activities)
    return f"Làm việc với {host_name}: {text}."


class OfficeYear:
    """One office's trips: week by week, the cadres behind their own pace go, in groups."""

    def __init__(self, builder: YearBuilder, office: Office):
        self.builder, self.office = builder, office
        self.anchor = builder.anchor
        self.rng = random.Random(f"{builder.seed}:fieldwork:{office.unit.code}")
        self.done: dict[int, Decimal] = defaultdict(Decimal)

    def plan(self) -> list[PlannedTrip]:
        past, future = self.weeks()
        targets = self.targets(past)
        # Days ahead of their pace each cadre starts with, so that not everyone goes in January.
        head_start = {
            cadre: targets[cadre] * Decimal(self.rng.randint(0, 6)) / 100 for cadre in self.office.cadres
        }
        trips = []
        for index, week in enumerate(past):
            due = Decimal(index + 1) / len(past)  # the share of the target due by this week
            going = [
                cadre
                for cadre in self.office.cadres
                if targets[cadre]
                and self.done[cadre] + head_start[cadre] < targets[cadre] * due
                and not self.busy(cadre, week)
            ]
            trips += self.trips_of_week(week, going, topic_share=0.5)
        for week in future:
            going = [
                cadre
                for cadre in self.office.cadres
                if targets[cadre] and self.rng.random() < FUTURE_SHARE and not self.busy(cadre, week)
            ]
            feed = self.builder.feed_cadre
            if week is future[0] and feed is not None and feed.pk in targets and feed.pk not in going:
                going.insert(0, feed.pk)  # the calendar feed shows a trip to come
            trips += self.trips_of_week(week, going, topic_share=1, status=TripStatus.REGISTERED)
        self.end_one_exactly_11_days_ago(trips, past)
        return trips

    def busy(self, cadre: int, week: Week) -> bool:
        return self.builder.busy(cadre, week)

    def weeks(self) -> tuple[list[Week], list[Week]]:
        """The weeks with trips before the demo's day (from 1 January, or earlier when it is
        early in the year; none in a week of holidays such as Tết) and after it."""
        anchor = self.anchor
        start = min(datetime.date(anchor.year, 1, 1), anchor - datetime.timedelta(weeks=LEAD_WEEKS))
        monday = start - datetime.timedelta(days=start.weekday())
        past, future = [], []
        while monday <= anchor + datetime.timedelta(days=FUTURE_DAYS):
            friday = monday + datetime.timedelta(days=4)
            if working_days(monday, friday) >= 3:
                before = Week(monday, max(monday, start), min(friday, anchor - datetime.timedelta(days=1)))
                after = Week(monday, max(monday, anchor + datetime.timedelta(days=1)), friday)
                if before.first <= before.last:
                    past.append(before)
                if after.first <= after.last:
                    future.append(after)
            monday += datetime.timedelta(days=7)
        return past, future

    def targets(self, past: list[Week]) -> dict[int, Decimal]:
        """Each cadre's days over the past weeks: a pace drawn for them (``PACES``) times the
        pro-rata mark of 60 days a year over those weeks (less for an office with few units to
        visit, ``FULL_PACE_HOSTS``); the calendar feed's cadre on track."""
        year = self.anchor.year
        first, last = (past[0].first, past[-1].last) if past else (self.anchor, self.anchor)
        span = working_days(first, last)
        mark = (
            Decimal(60) * span / max(1, working_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        )
        mark *= Decimal(min(len(self.office.hosts), FULL_PACE_HOSTS)) / FULL_PACE_HOSTS
        ceiling = Decimal(span) * Decimal("0.7")
        cadres = list(self.office.cadres)
        self.rng.shuffle(cadres)
        feed = self.builder.feed_cadre
        if feed is not None and feed.pk in cadres:  # on track: after the ones without a trip
            cadres.remove(feed.pk)
            cadres.insert(min(len(cadres), round(len(cadres) * 0.3)), feed.pk)
        targets, position = {}, 0
        for name, share, low, high in PACES:
            count = len(cadres) - position if name == PACES[-1][0] else round(len(cadres) * share)
            if name == "none" and len(cadres) >= 8:
                count = max(1, count)
            for cadre in cadres[position : position + count]:
                pace = Decimal(str(round(self.rng.uniform(low, high), 3)))
                targets[cadre] = min(ceiling, mark * pace).quantize(Decimal("0.1"))
            position += count
        return targets

    def trips_of_week(
        self, week: Week, going: list[int], *, topic_share: float, status: str = TripStatus.DONE
    ) -> list[PlannedTrip]:
        """The cadres going this week, in groups of 1–3, each group on one trip within the week."""
        self.rng.shuffle(going)
        trips = []
        while going:
            size = min(len(going), _pick(self.rng, GROUP_SIZES))
            group, going = sorted(going[:size]), going[size:]
            available = (week.last - week.first).days + 1
            length = min(available, _pick(self.rng, LENGTHS))
            starts = [week.first + datetime.timedelta(days=day) for day in range(available - length + 1)]
            starts_on = self.rng.choice([day for day in starts if is_working_day(day)] or starts)
            trip = self.trip(
                starts_on, starts_on + datetime.timedelta(days=length - 1), group, topic_share, status
            )
            trips.append(trip)
            if status != TripStatus.REGISTERED:
                days = trip_days(trip.starts_on, trip.ends_on)
                for cadre in group:
                    self.done[cadre] += days
        return trips

    def trip(
        self,
        starts_on: datetime.date,
        ends_on: datetime.date,
        cadres: list[int],
        topic_share: float,
        status: str,
    ) -> PlannedTrip:
        host = self.rng.choice(self.office.hosts)
        topics = [topic for topic in TOPICS if topic.fits(host) and starts_on.month in topic.months]
        topic = self.rng.choice(topics) if topics and self.rng.random() < topic_share else None
        activities = topic.activities if topic else self.rng.choice(PLAIN_ACTIVITIES)
        title = ""
        if topic is not None:
            title = topic.title.format(
                quarter=ROMAN_QUARTERS[(starts_on.month - 1) // 3],
                month=starts_on.month,
                year=starts_on.year,
                next_year=starts_on.year + 1,
            )
        return PlannedTrip(
            self.office.unit,
            host,
            starts_on,
            ends_on,
            cadres,
            topic=title,
            activities=activities,
            plan=_plan(activities, self.office.names[host.pk]),
            status=status,
        )

    def end_one_exactly_11_days_ago(self, trips: list[PlannedTrip], past: list[Week]) -> None:
        """Make a trip of the week 11 days before the demo's day end that day (its report due
        the day before the demo's day: overdue by one day). The trip stays within its week, so
        its cadres' other trips are untouched."""
        day = self.anchor - datetime.timedelta(days=11)
        monday = day - datetime.timedelta(days=day.weekday())
        if self.office is not self.builder.offices[0]:
            return
        week = [trip for trip in trips if monday <= trip.starts_on <= monday + datetime.timedelta(days=6)]
        if any(trip.ends_on == day for trip in week):
            chosen = next(trip for trip in week if trip.ends_on == day)
        elif week:
            chosen = week[0]
            length = (chosen.ends_on - chosen.starts_on).days + 1
            chosen.ends_on = day
            chosen.starts_on = max(monday, day - datetime.timedelta(days=length - 1))
        else:  # a week of holidays: nobody went
            cadre = next(
                (cadre for cadre in self.office.cadres if not self.busy(cadre, Week(monday, monday, day))),
                None,
            )
            if cadre is None or monday < (past[0].first if past else day):
                return
            chosen = self.trip(day, day, [cadre], 0.5, TripStatus.DONE)
            trips.append(chosen)
        chosen.status = TripStatus.DONE
        chosen.reported_on = None
        chosen.keep_overdue = True


def settle(trips: list[PlannedTrip], anchor: datetime.date, rng: random.Random) -> None:
    """What became of the trips before ``anchor``: most reported a few days after their end,
    a handful overdue, the latest still within their time, one cancelled, a few counting half a
    day less than their working days."""
    trips.sort(key=lambda trip: (trip.starts_on, trip.organiser.path, trip.cadres))
    past = [trip for trip in trips if trip.status == TripStatus.DONE]
    late = [trip for trip in past if trip.ends_on + datetime.timedelta(days=REPORT_DUE_DAYS) < anchor]
    overdue = {id(trip) for trip in late if trip.keep_overdue}
    count = max(MIN_OVERDUE, round(len(past) * OVERDUE_SHARE))
    overdue |= {id(trip) for trip in rng.sample(late, min(len(late), count))}
    early = [
        trip
        for trip in late
        if id(trip) not in overdue and trip.ends_on < anchor - datetime.timedelta(days=30)
    ]
    cancelled = {id(trip) for trip in rng.sample(early, min(len(early), max(1, len(trips) // CANCELLED_PER)))}
    latest = max((trip.ends_on for trip in past), default=None)
    for trip in trips:
        if trip.status == TripStatus.REGISTERED:
            continue
        length = (trip.ends_on - trip.starts_on).days + 1
        workdays = trip_days(trip.starts_on, trip.ends_on)
        if length >= 2 and workdays >= 2 and rng.random() < HALF_DAY_SHARE:
            trip.days = workdays - Decimal("0.5")
        if id(trip) in cancelled:
            trip.status = TripStatus.CANCELLED
            continue
        if id(trip) in overdue:
            continue
        delay = _pick(rng, REPORT_DELAYS)
        reported_on = trip.ends_on + datetime.timedelta(days=delay)
        if reported_on >= anchor or trip.ends_on == latest:
            continue  # not yet: its report is due in the days to come
        trip.status = TripStatus.REPORTED
        trip.reported_on = reported_on
        trip.results = " ".join(rng.sample(RESULTS, 2))
        trip.difficulties = rng.choice(DIFFICULTIES)
        trip.proposals = rng.choice(PROPOSALS)


# --- Writing the trips -----------------------------------------------------------------------

BATCH = 5_000  # trips inserted at a time


def write(planned: list[PlannedTrip], users: dict[str, User]) -> None:
    if len(planned) <= ONE_BY_ONE_MAX:
        write_one_by_one(planned, users)
    else:
        write_in_bulk(planned, users)


def _new_trip(item: PlannedTrip, users: dict[str, User]) -> FieldTrip:
    reported = item.reported_on is not None
    return FieldTrip(
        organiser=item.organiser,
        host=item.host,
        starts_on=item.starts_on,
        ends_on=item.ends_on,
        topic=item.topic,
        plan=item.plan,
        status=item.status,
        results=item.results,
        difficulties=item.difficulties,
        proposals=item.proposals,
        reported_at=_moment(item.reported_on, datetime.time(16, 30)) if reported else None,
        reported_by=users.get(item.editor) if reported else None,
    )


def write_one_by_one(planned: list[PlannedTrip], users: dict[str, User]) -> None:
    """Each trip as its editor registers it, through ``trip_save`` (which refuses overlaps)."""
    kinds = {kind.code: kind for kind in ActivityKind.objects.all()}
    cadres = Cadre.objects.in_bulk({pk for item in planned for pk in item.cadres})
    for item in planned:
        trip_save(
            trip=_new_trip(item, users),
            cadres=[cadres[pk] for pk in item.cadres],
            days=item.days,
            user=users.get(item.editor),
            activities=[kinds[code] for code in item.activities if code in kinds],
        )


def write_in_bulk(planned: list[PlannedTrip], users: dict[str, User]) -> None:
    """The trips, their activities and cadres inserted in batches, with what ``trip_save``
    sets: the report's due date, each cadre's days, the text normalised, the editor."""
    kinds = {kind.code: kind.pk for kind in ActivityKind.objects.all()}
    books: dict[int, QuotaBook] = {}
    due_days: dict[tuple[int, int], int] = {}
    trips = []
    for item in planned:
        trip = _new_trip(item, users)
        trip.created_by = users.get(item.editor)
        key = (item.starts_on.year, item.organiser.pk)
        if key not in due_days:
            book = books.setdefault(key[0], QuotaBook(key[0]))
            due_days[key] = book.report_due_days(item.organiser)
        trip.report_due_on = item.ends_on + datetime.timedelta(days=due_days[key])
        normalize_text_fields(trip)
        trips.append(trip)
    for first in range(0, len(trips), BATCH):
        insert_new(trips[first : first + BATCH])
    through = FieldTrip.activities.through
    insert_new(
        [
            through(fieldtrip_id=trip.pk, activitykind_id=kinds[code])
            for trip, item in zip(trips, planned, strict=True)
            for code in item.activities
            if code in kinds
        ]
    )
    members = [
        TripMember(trip_id=trip.pk, cadre_id=cadre, days=_member_days(item))
        for trip, item in zip(trips, planned, strict=True)
        for cadre in item.cadres
    ]
    for first in range(0, len(members), BATCH):
        insert_new(members[first : first + BATCH])
    if len(trips) <= HISTORY_MAX:
        editor = users.get(PROVINCE_EDITOR)
        copy_to_history(FieldTrip, [trip.pk for trip in trips], user=editor)
        copy_to_history(TripMember, [member.pk for member in members], user=editor)


def _member_days(item: PlannedTrip) -> Decimal:
    return item.days if item.days is not None else trip_days(item.starts_on, item.ends_on)


def _moment(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """``day`` at ``at`` in the configured time zone, never later than now."""
    return min(timezone.now(), timezone.make_aware(datetime.datetime.combine(day, at)))


def date_back(trips) -> None:
    """Date each trip's registration a week before it starts, not the day the demo was seeded
    (one UPDATE per starting day)."""
    for day in trips.order_by().values_list("starts_on", flat=True).distinct():
        trips.filter(starts_on=day).update(
            created_at=_moment(day - datetime.timedelta(days=7), datetime.time(8))
        )
