"""Demo data of the training app (``seed_demo`` calls ``seed`` after the units, the accounts, the
cadres and the plans): a year of courses, last year's and this year's, counted from the demo's
day (``cadres.demo.demo_anchor``: the day its first cadre was made, so that a re-run months
later finds the same courses), organised by the province and some communes:

- finished last year: the title course for base-level secretaries (243 learners, or every
  active base-level cadre when there are fewer), an LLCT trung cấp class, an English B1 course,
  the contest "Hội thi Bí thư Chi đoàn giỏi" with its prizes, an LLCT sơ cấp class in several
  communes (more of them for a larger roster) and the demo commune's resolution study;
- this year: the province's resolution study for nearly every cadre (finished), an LLCT
  trung cấp class under way, two courses open for enrolment with registered learners, and a
  planned one.

Some learners fail and some withdraw; completing LLCT or B1 raises the cadre's recorded level.

A course of up to ``ONE_BY_ONE_MAX`` learners is run through ``training.services`` as its
editor would run it (``enrol``, ``withdraw``, ``record_results``), so the cadre's history names
the course that raised a level. A larger one — the scaled parts at benchmark sizes — is written
in bulk (a shortcut: ``record_results`` takes about ten queries a learner, minutes for the
hundred thousand enrolments of a large roster): its enrolments are inserted with their results
(``common.bulk.insert_new``) and the levels raised by set-based UPDATEs that leave what
``record_results`` leaves — the enrolment's ``raised_*`` columns, the cadre's new version and
derived columns, a history row of the cadre with the same reason. Only the enrolments' own
history is skipped past ``HISTORY_MAX`` rows, as the cadres' demo does.

Each course is built in one transaction and found again by organiser and name: a re-run adds
the courses that are missing (those of more communes when the roster grew, those that had no
learner to choose from) and never duplicates. Learners come from ordered, limited queries and
their results from a random stream per course and seed: the same seed makes the same demo.
"""

import datetime
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Mod
from django.utils import timezone

from accounts.models import User
from cadres.demo import HISTORY_LIMIT, demo_anchor
from cadres.derived import refresh_cadres
from cadres.models import Cadre, Position, Unit, UnitKind, UnitLevel
from cadres.standards import StandardBook
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR
from common.bulk import copy_to_history, insert_new
from common.text import nfc
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE
from units.scope import subtree_condition

from .models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus, Qualification
from .services import ResultRow, completion_reason, enrol, record_results, withdraw

ONE_BY_ONE_MAX = 250  # learners of a course run through the services; more are written in bulk
HISTORY_MAX = HISTORY_LIMIT  # enrolments of a bulk course written to its history too
BATCH = 5_000  # learners read and inserted at a time
TITLE_LEARNERS = 243  # the 2023 class of DOMAIN.md §6
CADRES_PER_COMMUNE_CLASS = 4_000  # one commune's LLCT sơ cấp class per this many cadres…
MIN_COMMUNE_CLASSES = 3  # …and at least this many
STUDY_SHARE = 85  # percent of the active cadres asked to the province's resolution study

# What becomes of a course's learners.
RESULTS, CONTEST, STUDY, ATTENDING, REGISTERED = "results", "contest", "study", "attending", "registered"
S = EnrollmentStatus
# The share of a course's learners ending in each status; the others end in the outcome's own.
SHARES = {
    RESULTS: {S.WITHDRAWN: 0.03, S.FAILED: 0.06},
    CONTEST: {},
    STUDY: {S.WITHDRAWN: 0.02, S.FAILED: 0.01, S.REGISTERED: 0.06},  # registered: absent
    ATTENDING: {S.WITHDRAWN: 0.05},
    REGISTERED: {S.WITHDRAWN: 0.05},
}
OTHERWISE = {
    RESULTS: S.COMPLETED,
    CONTEST: S.COMPLETED,
    STUDY: S.COMPLETED,
    ATTENDING: S.ATTENDING,
    REGISTERED: S.REGISTERED,
}
PRIZES = ["Giải Nhất", "Giải Nhì", "Giải Nhì", "Giải Ba", "Giải Ba", "Giải Ba"] + ["Giải Khuyến khích"] * 4
WITHDRAWAL_NOTES = [
    "Xin rút vì được cử đi công tác",
    "Xin rút vì lý do sức khoẻ",
    "Xin rút vì hoàn cảnh gia đình",
    "Trùng lịch học lớp khác",
]


@dataclass(frozen=True)
class Spec:
    """One course of the demo and how its learners are chosen and end."""

    key: str  # names the course's random stream
    kind: str  # CourseKind.code
    name: str
    organiser: Unit
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    editor: str = PROVINCE_EDITOR
    outcome: str = ""  # "": no learners
    learners: QuerySet | None = None  # ordered cadres to choose from
    size: int | None = None  # how many of them (None: every one)
    place: str = ""
    capacity: int | None = None
    class_days: tuple[datetime.date, ...] = ()
    description: str = ""
    certificate: str = ""  # the series of the certificates the course issues, if any
    targets: tuple[str, ...] = ()  # Position codes


def seed(*, seed: int, log: Callable[[str], None], cadres: int = 0, **options) -> None:
    """``seed_demo``'s part for this app."""
    started = time.monotonic()
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        log("Đào tạo: chưa có đơn vị mẫu, bỏ qua.")
        return
    users = {
        user.username: user for user in User.objects.filter(username__in=[PROVINCE_EDITOR, COMMUNE_EDITOR])
    }
    builder = CourseBuilder(seed=seed, users=users)
    with StandardBook.shared():
        for spec in course_specs(demo_anchor(seed), province, cadres=cadres, seed=seed):
            builder.build(spec)
    courses = Course.objects.filter(subtree_condition("organiser__path", province.path))
    learners = Enrollment.objects.filter(course__in=courses)
    log(
        f"Đào tạo: {courses.count()} khoá học ({builder.built} mở mới), {learners.count()} lượt học viên, "
        f"{learners.filter(status=S.COMPLETED).count()} hoàn thành, nâng trình độ {builder.raised} lượt "
        f"({time.monotonic() - started:.1f} s)."
    )


# --- The courses ---------------------------------------------------------------------------


def course_specs(anchor: datetime.date, province: Unit, *, cadres: int, seed: int) -> list[Spec]:
    """Every course of the demo, in the order they are built (learners are chosen from what the
    courses before left: the second LLCT class takes those the first did not)."""
    last = anchor.year - 1
    day = datetime.date
    communes = _communes(province)
    commune = communes[0]
    active = Cadre.objects.active().filter(subtree_condition("unit_path", province.path))
    base = active.filter(unit__level=UnitLevel.BASE)
    province_and_base = active.filter(unit__level__in=[UnitLevel.PROVINCE, UnitLevel.BASE])
    llct_trung_cap = Enrollment.objects.filter(cadre=OuterRef("pk"), course__kind__code="llct-trung-cap")
    hall = "Hội trường Tỉnh đoàn Gia Lai"
    school = "Trường Chính trị tỉnh Gia Lai"
    study_day = anchor - datetime.timedelta(days=40)
    running_from = anchor - datetime.timedelta(days=75)
    training_day = anchor + datetime.timedelta(days=21)
    digital_day = anchor + datetime.timedelta(days=12)
    pioneer_day = anchor + datetime.timedelta(days=100)
    specs = [
        Spec(
            "title",
            "chuc-danh-bi-thu-co-so",
            f"Bồi dưỡng chức danh Bí thư, Phó Bí thư Đoàn cơ sở năm {last}",
            province,
            day(last, 5, 13),
            day(last, 5, 17),
            CourseStatus.FINISHED,
            outcome=RESULTS,
            learners=base.order_by("position_order", "unit_path", "pk"),
            size=TITLE_LEARNERS,
            place=hall,
            capacity=250,
            description="Bồi dưỡng nghiệp vụ, kỹ năng công tác cho Bí thư, Phó Bí thư Đoàn cơ sở.",
            certificate=f"BDCD-{last}",
            targets=("bi-thu", "pho-bi-thu"),
        ),
        Spec(
            "llct-trung-cap",
            "llct-trung-cap",
            f"Lớp Trung cấp LLCT – HC khoá {last}, hệ tập trung",
            province,
            day(last, 3, 4),
            day(last, 11, 29),
            CourseStatus.FINISHED,
            outcome=RESULTS,
            learners=province_and_base.filter(political_theory=1).order_by("position_order", "pk"),
            size=60,
            place=school,
            capacity=60,
            description="Phối hợp Trường Chính trị tỉnh mở lớp cho cán bộ Đoàn trong diện quy hoạch.",
            certificate=f"TCLLCT-{last}",
        ),
        Spec(
            "english-b1",
            "tieng-anh-b1",
            f"Tiếng Anh bậc 3 (B1) cho cán bộ Đoàn năm {last}",
            province,
            day(last, 6, 3),
            day(last, 9, 27),
            CourseStatus.FINISHED,
            outcome=RESULTS,
            learners=province_and_base.filter(foreign_language_level__lt=3).order_by("-birth_date", "pk"),
            size=35,
            place=hall,
            capacity=40,
            description="Theo Khung năng lực ngoại ngữ 6 bậc dùng cho Việt Nam; thi cấp chứng chỉ bậc 3.",
            certificate=f"B1-{last}",
        ),
        Spec(
            "contest",
            "hoi-thi",
            f"Hội thi Bí thư Chi đoàn giỏi năm {last}",
            province,
            day(last, 10, 15),
            day(last, 10, 16),
            CourseStatus.FINISHED,
            outcome=CONTEST,
            learners=active.filter(unit__level=UnitLevel.BRANCH, position__code="bi-thu").order_by(
                "unit_path", "pk"
            ),
            size=30,
            place=hall,
            class_days=(day(last, 10, 15), day(last, 10, 16)),
            description="Phần thi kiến thức, xử lý tình huống và năng khiếu; xếp giải theo tổng điểm.",
        ),
    ]
    for index, unit in enumerate(communes[: commune_class_count(cadres, len(communes))]):
        starts_on = day(last, 7, 8) + datetime.timedelta(days=7 * (index % 4))
        specs.append(
            Spec(
                f"so-cap-{unit.code}",
                "llct-so-cap",
                f"Lớp Sơ cấp LLCT {_words(unit)} năm {last}",
                unit,
                starts_on,
                starts_on + datetime.timedelta(days=32),
                CourseStatus.FINISHED,
                editor=COMMUNE_EDITOR if unit.code == DEMO_COMMUNE_CODE else PROVINCE_EDITOR,
                outcome=RESULTS,
                learners=active.filter(
                    subtree_condition("unit_path", unit.path), political_theory=0
                ).order_by("position_order", "unit_path", "pk"),
                size=min(400, max(40, cadres // 250)),
                place=f"Hội trường Đảng ủy {_words(unit)}",
                description="Cho cán bộ Đoàn, Hội chưa qua đào tạo lý luận chính trị.",
                certificate=f"SCLLCT-{unit.code}-{last}",
            )
        )
    commune_cadres = active.filter(subtree_condition("unit_path", commune.path))
    specs += [
        Spec(
            "commune-study",
            "hoc-tap-nghi-quyet",
            f"Học tập, quán triệt nghị quyết cho cán bộ Đoàn {_words(commune)} năm {last}",
            commune,
            day(last, 4, 19),
            day(last, 4, 19),
            CourseStatus.FINISHED,
            editor=COMMUNE_EDITOR,
            outcome=STUDY,
            learners=commune_cadres.order_by("unit_path", "position_order", "pk"),
            place=f"Hội trường Đảng ủy {_words(commune)}",
            description="Quán triệt nghị quyết, chuyên đề của cấp trên; học viên viết bài thu hoạch.",
        ),
        Spec(
            "province-study",
            "hoc-tap-nghi-quyet",
            f"Học tập chuyên đề năm {study_day.year} “Học tập và làm theo tư tưởng, đạo đức, phong cách "
            "Hồ Chí Minh”",
            province,
            study_day,
            study_day,
            CourseStatus.FINISHED,
            outcome=STUDY,
            learners=active.alias(bucket=Mod(F("pk") * 7919 + seed, 100))
            .filter(bucket__lt=STUDY_SHARE)
            .order_by("pk"),
            place="Hội nghị trực tuyến đến các điểm cầu cơ sở",
            description="Hội nghị trực tuyến đến các điểm cầu xã, phường; học viên viết bài thu hoạch.",
        ),
        Spec(
            "llct-running",
            "llct-trung-cap",
            f"Lớp Trung cấp LLCT – HC khoá {running_from.year}, hệ không tập trung",
            province,
            running_from,
            anchor + datetime.timedelta(days=150),
            CourseStatus.RUNNING,
            outcome=ATTENDING,
            learners=province_and_base.filter(political_theory=1)
            .filter(~Exists(llct_trung_cap))
            .order_by("position_order", "pk"),
            size=40,
            place=school,
            capacity=45,
            description="Học không tập trung vào các ngày cuối tuần.",
            class_days=weekends(running_from, anchor + datetime.timedelta(days=150)),
        ),
        Spec(
            "professional-open",
            "tap-huan-nghiep-vu",
            f"Tập huấn nghiệp vụ công tác Đoàn cho Ủy viên Ban Thường vụ Đoàn cơ sở năm {training_day.year}",
            province,
            training_day,
            training_day + datetime.timedelta(days=2),
            CourseStatus.OPEN,
            outcome=REGISTERED,
            learners=base.filter(position__code="uv-btv").order_by("unit_path", "pk"),
            size=60,
            place=hall,
            capacity=80,
            description="Kỹ năng tổ chức hoạt động, quản lý đoàn viên và sử dụng phần mềm quản lý cán bộ.",
        ),
        Spec(
            "digital-open",
            "chuyen-doi-so",
            f"Tập huấn kỹ năng số, chuyển đổi số cho cán bộ Đoàn {_words(commune)} năm {digital_day.year}",
            commune,
            digital_day,
            digital_day,
            CourseStatus.OPEN,
            editor=COMMUNE_EDITOR,
            outcome=REGISTERED,
            learners=commune_cadres.order_by("position_order", "pk"),
            size=20,
            place=f"Hội trường Đảng ủy {_words(commune)}",
            capacity=30,
            description="Kỹ năng số cơ bản, an toàn thông tin, sử dụng nền tảng số trong công tác Đoàn.",
        ),
        Spec(
            "pioneer-planned",
            "tong-phu-trach-doi",
            f"Bồi dưỡng chức danh Tổng phụ trách Đội năm {pioneer_day.year}",
            province,
            pioneer_day,
            pioneer_day + datetime.timedelta(days=4),
            CourseStatus.PLANNED,
            place=hall,
            capacity=60,
            description="Dự kiến mở lớp khi đủ số học viên đăng ký.",
            targets=("tong-phu-trach-doi",),
        ),
    ]
    return specs


def commune_class_count(cadres: int, communes: int) -> int:
    return min(communes, max(MIN_COMMUNE_CLASSES, cadres // CADRES_PER_COMMUNE_CLASS))


def _communes(province: Unit) -> list[Unit]:
    """The province's communes and wards, the commune editor's first."""
    found = Unit.objects.filter(
        subtree_condition("path", province.path),
        depth=province.depth + 1,
        kind__in=[UnitKind.COMMUNE, UnitKind.WARD],
    )
    return sorted(found, key=lambda unit: (unit.code != DEMO_COMMUNE_CODE, unit.path))


def _words(unit: Unit) -> str:
    """ "Đoàn phường Quy Nhơn" → "phường Quy Nhơn"."""
    return unit.name.removeprefix("Đoàn ")


# --- Building one course -------------------------------------------------------------------


class CourseBuilder:
    def __init__(self, *, seed: int, users: dict[str, User]):
        self.seed = seed
        self.users = users
        self.kinds = {kind.code: kind for kind in CourseKind.objects.all()}
        self.built = 0  # courses made by this run
        self.raised = 0  # levels raised by this run

    def build(self, spec: Spec) -> Course | None:
        """The course of ``spec``, made with its learners unless an earlier run made it; None
        when it has learners to choose and none is there yet."""
        with transaction.atomic():
            existing = Course.objects.filter(organiser=spec.organiser, name=nfc(spec.name)).first()
            if existing is not None:
                return existing
            learners = self.choose(spec)
            if spec.outcome and not learners:
                return None
            rng = random.Random(f"{self.seed}:{spec.key}")
            fates = _fates(len(learners), spec.outcome, rng)
            if len(learners) <= ONE_BY_ONE_MAX:
                course = self.run(spec, learners, fates, rng)
            else:
                course = self.write_in_bulk(spec, learners, fates, rng)
            _date_back(course)
            self.built += 1
            return course

    def choose(self, spec: Spec) -> list[int]:
        if spec.learners is None:
            return []
        learners = spec.learners if spec.size is None else spec.learners[: spec.size]
        return list(learners.values_list("pk", flat=True))

    def new_course(self, spec: Spec, status: str) -> Course:
        course = Course(
            name=spec.name,
            kind=self.kinds[spec.kind],
            organiser=spec.organiser,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            class_days=[day.isoformat() for day in spec.class_days],
            place=spec.place,
            capacity=spec.capacity,
            status=status,
            description=spec.description,
            created_by=self.users.get(spec.editor),
        )
        course.full_clean()
        course.save()
        if spec.targets:
            course.target_positions.set(Position.objects.filter(code__in=spec.targets))
        return course

    def run(self, spec: Spec, learners: list[int], fates: list[str], rng: random.Random) -> Course:
        """The course as its editor runs it: opened, learners enrolled, some withdrawn, then
        under way or finished with the results entered."""
        enrolling = (
            spec.status if spec.status in (CourseStatus.PLANNED, CourseStatus.OPEN) else CourseStatus.OPEN
        )
        course = self.new_course(spec, enrolling)
        if not learners:
            return course
        cadres = Cadre.objects.in_bulk(learners)
        enrolled = {
            row.cadre_id: row
            for row in enrol(course, [cadres[pk] for pk in learners], user=self.users.get(spec.editor))
        }
        values = _results(spec, learners, fates, rng)
        for pk, fate in zip(learners, fates, strict=True):
            if fate == S.WITHDRAWN:
                withdraw(enrolled[pk])
        if course.status != spec.status:
            course.status = spec.status
            course.save()
        versions = dict(Enrollment.objects.filter(course=course).values_list("pk", "version"))
        rows = [
            ResultRow(enrolled[pk], versions[enrolled[pk].pk], values[pk])
            for pk, fate in zip(learners, fates, strict=True)
            if fate != S.REGISTERED  # the withdrawn for their note
        ]
        if rows:
            record_results(course, rows)
        self.raised += Enrollment.objects.filter(course=course).exclude(raised="").count()
        return course

    def write_in_bulk(self, spec: Spec, learners: list[int], fates: list[str], rng: random.Random) -> Course:
        """The course with its learners as they ended, inserted in batches, then the levels
        their completions raise (``raise_levels``)."""
        course = self.new_course(spec, spec.status)
        editor = self.users.get(spec.editor)
        numbers = itertools.count(1)  # the certificates' serial numbers
        inserted: list[int] = []
        for first in range(0, len(learners), BATCH):
            chosen, ended = learners[first : first + BATCH], fates[first : first + BATCH]
            values = _results(spec, chosen, ended, rng, numbers=numbers)
            batch = [
                Enrollment(course=course, cadre_id=pk, enrolled_by=editor, **values[pk]) for pk in chosen
            ]
            insert_new(batch)
            inserted += [row.pk for row in batch]
        self.raised += raise_levels(course)
        if len(inserted) <= HISTORY_MAX:
            copy_to_history(Enrollment, inserted, user=editor, reason="Dữ liệu mẫu")
        return course


def _fates(count: int, outcome: str, rng: random.Random) -> list[str]:
    """How each of ``count`` learners ends: the outcome's shares of withdrawn, failed or absent
    learners (at least one each from ten learners up), the others in the outcome's status, in
    an order drawn from ``rng``."""
    if not outcome:
        return []
    fates = []
    for status, share in SHARES[outcome].items():
        fates += [status] * max(round(count * share), 1 if count >= 10 else 0)
    fates = fates[:count]
    fates += [OTHERWISE[outcome]] * (count - len(fates))
    rng.shuffle(fates)
    return fates


def _results(
    spec: Spec,
    learners: list[int],
    fates: list[str],
    rng: random.Random,
    *,
    numbers: Iterator[int] | None = None,
) -> dict[int, dict]:
    """Each learner's row of ``training.services.RESULT_FIELDS``: a score and grade for a
    class, the prizes of a contest (by score, among ``learners``), a numbered certificate for a
    completion of a course that grants one, a note for a withdrawal."""
    values: dict[int, dict] = {}
    issued = spec.ends_on + datetime.timedelta(days=10)
    numbers = itertools.count(1) if numbers is None else numbers
    for pk, fate in zip(learners, fates, strict=True):
        row: dict = {"status": fate}
        if fate == S.COMPLETED and spec.outcome == STUDY:
            row["result"] = "Hoàn thành"
        elif fate == S.COMPLETED:
            row["score"] = Decimal(rng.randint(55, 98)) / 10
            row["result"] = "Đạt" if spec.outcome == CONTEST else _grade(row["score"])
            if spec.certificate:
                row["certificate_number"] = f"{spec.certificate}/{next(numbers):04d}"
                row["certificate_date"] = issued
        elif fate == S.FAILED:
            row["score"] = Decimal(rng.randint(20, 49)) / 10 if spec.outcome != STUDY else None
            row["result"] = "Không đạt" if spec.outcome != STUDY else "Bài thu hoạch không đạt yêu cầu"
        elif fate == S.WITHDRAWN:
            row["note"] = rng.choice(WITHDRAWAL_NOTES)
        values[pk] = row
    if spec.outcome == CONTEST:
        ranked = sorted(values, key=lambda pk: (-values[pk].get("score", 0), pk))
        for pk, prize in zip(ranked, PRIZES, strict=False):
            values[pk]["prize"] = prize
    return values


def _grade(score: Decimal) -> str:
    for floor, grade in ((9, "Xuất sắc"), (8, "Giỏi"), (Decimal("6.5"), "Khá")):
        if score >= floor:
            return grade
    return "Trung bình"


def raise_levels(course: Course) -> int:
    """What ``record_results`` does for each completion, for all of the course's completions at
    once: the enrolment remembers the level before, the cadre takes the level the course grants
    if it is higher (a new version, the derived columns refreshed, a history row saying which
    course). Returns how many cadres were raised."""
    kind = course.kind
    if not kind.grants or kind.grants_level is None:
        return 0
    field, level = kind.grants, kind.grants_level
    cadre = Cadre.objects.filter(pk=OuterRef("cadre_id"))
    Enrollment.objects.filter(
        course=course, status=S.COMPLETED, raised="", **{f"cadre__{field}__lt": level}
    ).update(
        raised=field,
        raised_from=Subquery(cadre.values(field)[:1]),
        raised_to=level,
        raised_language_from=Subquery(cadre.values("foreign_language")[:1]),
    )
    raised = Cadre.objects.filter(
        pk__in=Enrollment.objects.filter(course=course, raised=field).values("cadre_id")
    )
    pks = list(raised.values_list("pk", flat=True))
    changes = {field: level, "version": F("version") + 1, "updated_at": timezone.now()}
    if field == Qualification.FOREIGN_LANGUAGE:
        changes["foreign_language"] = kind.language
    raised.update(**changes)
    refresh_cadres(raised)
    copy_to_history(Cadre, pks, reason=completion_reason(course), created=False)
    return len(pks)


def _date_back(course: Course) -> None:
    """Date the course's creation a month before it starts and its enrolments a week before,
    not the day the demo was seeded (never later than now)."""
    now = timezone.now()

    def moment(day: datetime.date) -> datetime.datetime:
        return min(now, timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))))

    Course.objects.filter(pk=course.pk).update(
        created_at=moment(course.starts_on - datetime.timedelta(days=30))
    )
    Enrollment.objects.filter(course=course).update(
        created_at=moment(course.starts_on - datetime.timedelta(days=7))
    )


def weekends(start: datetime.date, end: datetime.date) -> tuple[datetime.date, ...]:
    """The Saturdays and Sundays from ``start`` to ``end``: a part-time class's days."""
    days = (start + datetime.timedelta(days=offset) for offset in range((end - start).days + 1))
    return tuple(day for day in days if day.weekday() >= 5)
