"""The year's training figures (DOMAIN.md §6), for the reports app: ``training_figures`` computes
them in a constant number of aggregate queries; the reports' renderers (HTML, xlsx, PDF) only
format them.

What is counted, for a user and a range of days:

- a course counts in the range when it **starts** in it, and only once held: a course still
  "dự kiến" (planned) is not;
- the courses are those visible to the user (``Course.objects.visible_to``) that they ran or
  that their cadres attended. A course visible only because a unit above opened it for
  enrolment, with none of the user's cadres in it, is left out: it was not held for them, and
  counting it would make last year's figures change when the course closes;
- the learners are those of the user's scope (``Enrollment.objects.visible_to``): a commune
  counts its own cadres in a province class, not the whole class. A learner place (lượt học
  viên) is an enrolment not withdrawn.

The planned cadres come from ``cadres.registry.planned_cadre_ids`` (the planning app answers
it): training does not read planning's models.
"""

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cadres import registry
from cadres.models import Cadre, CadreStatus, UnitLevel
from units.scope import EVERYTHING, scope_prefix, subtree_condition

from .models import (
    Category,
    Course,
    CourseKind,
    CourseQuerySet,
    CourseStatus,
    Enrollment,
    EnrollmentQuerySet,
    EnrollmentStatus,
    Qualification,
    level_label,
)

# Quyết định 489/QĐ-TTg (2023–2027): 90% of the cadres in the succession plans for key posts
# trained.
PLANNED_TRAINED_GOAL = 90
# Cadre ids per ``IN (…)`` list: SQLite refuses statements with too many parameters.
IDS_PER_QUERY = 500
# What counts as taking part in a resolution study.
ATTENDED = (EnrollmentStatus.COMPLETED, EnrollmentStatus.ATTENDING)


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, to one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class CourseCount:
    """Courses held and learner places of one kind of course or one organiser level."""

    key: str  # the kind's code, or the organiser's ``UnitLevel``
    label: str
    courses: int
    learners: int


@dataclass(frozen=True)
class PlannedTraining:
    """The cadres planned for key posts who completed a course, against all of them."""

    trained: int
    planned: int
    goal: int = PLANNED_TRAINED_GOAL

    @property
    def percent(self) -> float | None:
        return percent(self.trained, self.planned)

    @property
    def meets_goal(self) -> bool:
        return self.percent is not None and self.percent >= self.goal


@dataclass(frozen=True)
class CertificateCount:
    """Completions of a kind of course that grants a qualification."""

    kind: str  # the kind's name
    qualification: str  # what it raises, e.g. "Lý luận chính trị"
    level: str  # to what, e.g. "Trung cấp"
    count: int


@dataclass(frozen=True)
class ResolutionAttendance:
    """A resolution study (học tập nghị quyết): its learners who completed it or are attending,
    against every active cadre of the user's scope."""

    course_id: int
    name: str
    starts_on: datetime.date
    organiser: str
    attended: int
    active_cadres: int

    @property
    def percent(self) -> float | None:
        return percent(self.attended, self.active_cadres)


@dataclass(frozen=True)
class TrainingFigures:
    start: datetime.date
    end: datetime.date
    by_kind: list[CourseCount]  # every kind, in the catalogue's order
    by_level: list[CourseCount]  # every unit level, top down
    cadres_trained: int  # distinct cadres who completed a course in the range
    planned: PlannedTraining
    certificates: list[CertificateCount]
    resolution_studies: list[ResolutionAttendance]
    active_cadres: int

    @property
    def courses(self) -> int:
        return sum(row.courses for row in self.by_kind)

    @property
    def learners(self) -> int:
        return sum(row.learners for row in self.by_kind)


def training_figures(user, start: datetime.date, end: datetime.date) -> TrainingFigures:
    """The figures of the courses starting in [start, end], for ``user``'s scope."""
    courses = courses_held(user, start, end)
    learners = learners_of(user, start, end)
    active = Cadre.objects.visible_to(user).filter(status=CadreStatus.ACTIVE).count()
    by_kind, by_level = _course_counts(courses, learners)
    return TrainingFigures(
        start=start,
        end=end,
        by_kind=by_kind,
        by_level=by_level,
        cadres_trained=learners.filter(status=EnrollmentStatus.COMPLETED).aggregate(
            count=Count("cadre", distinct=True)
        )["count"],
        planned=_planned_training(user, end),
        certificates=_certificates(learners),
        resolution_studies=_resolution_studies(user, courses, active),
        active_cadres=active,
    )


def courses_held(user, start: datetime.date, end: datetime.date) -> CourseQuerySet:
    """The courses the figures count (see the module's docstring)."""
    courses = (
        Course.objects.visible_to(user)
        .filter(starts_on__gte=start, starts_on__lte=end)
        .exclude(status=CourseStatus.PLANNED)
    )
    prefix = scope_prefix(user)
    if prefix is None or prefix == EVERYTHING:
        return courses
    ours = Enrollment.objects.visible_to(user).taking_places().filter(course=OuterRef("pk"))
    return courses.filter(subtree_condition("organiser__path", prefix) | Exists(ours))


def learners_of(user, start: datetime.date, end: datetime.date) -> EnrollmentQuerySet:
    """The learner places of the user's cadres in the courses held in the range (a course with
    a learner of the user's is one the user sees)."""
    return (
        Enrollment.objects.visible_to(user)
        .taking_places()
        .filter(course__starts_on__gte=start, course__starts_on__lte=end)
        .exclude(course__status=CourseStatus.PLANNED)
    )


def _course_counts(courses, learners) -> tuple[list[CourseCount], list[CourseCount]]:
    """Courses and learner places by kind and by organiser level: one grouped count each, whose
    groups (kind × level, a few dozen) are then added up per kind and per level."""
    totals = Counter()  # ("courses" | "learners", kind pk | level) → count
    for name, groups in (
        ("courses", courses.values_list("kind", "organiser__level")),
        ("learners", learners.values_list("course__kind", "course__organiser__level")),
    ):
        for kind, level, count in groups.order_by().annotate(count=Count("pk")):
            totals[name, kind] += count
            totals[name, level] += count
    by_kind = [
        CourseCount(code, name, totals["courses", pk], totals["learners", pk])
        for pk, code, name in CourseKind.objects.values_list("pk", "code", "name")
    ]
    by_level = [
        CourseCount(level, label, totals["courses", level], totals["learners", level])
        for level, label in UnitLevel.choices
    ]
    return by_kind, by_level


def _planned_training(user, end: datetime.date) -> PlannedTraining:
    """Of the live candidates of the plans the user sees, those who completed a course that
    started by ``end``, whoever organised it. The ids come from the registry; the counts of
    the chunks add up, as no cadre is in two chunks."""
    planned = registry.planned_cadre_ids(user)
    completed = Enrollment.objects.filter(
        status=EnrollmentStatus.COMPLETED, course__starts_on__lte=end
    ).exclude(course__status=CourseStatus.PLANNED)
    trained = sum(
        completed.filter(cadre_id__in=chunk).aggregate(count=Count("cadre", distinct=True))["count"]
        for chunk in _chunks(sorted(planned), IDS_PER_QUERY)
    )
    return PlannedTraining(trained=trained, planned=len(planned))


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for first in range(0, len(ids), size):
        yield ids[first : first + size]


def _certificates(learners) -> list[CertificateCount]:
    rows = (
        learners.filter(status=EnrollmentStatus.COMPLETED)
        .exclude(course__kind__grants="")
        .order_by("course__kind__order", "course__kind__name")
        .values_list("course__kind__name", "course__kind__grants", "course__kind__grants_level")
        .annotate(count=Count("pk"))
    )
    return [
        CertificateCount(name, Qualification(grants).label, level_label(grants, level), count)
        for name, grants, level, count in rows
    ]


def _resolution_studies(user, courses, active: int) -> list[ResolutionAttendance]:
    attended = (
        Enrollment.objects.visible_to(user)
        .filter(course=OuterRef("pk"), status__in=ATTENDED)
        .order_by()
        .values("course")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        courses.filter(kind__category=Category.RESOLUTION)
        .annotate(attended=Coalesce(Subquery(attended), Value(0), output_field=IntegerField()))
        .order_by("starts_on", "pk")
        .values_list("pk", "name", "starts_on", "organiser__name", "attended")
    )
    return [ResolutionAttendance(*row, active_cadres=active) for row in rows]
