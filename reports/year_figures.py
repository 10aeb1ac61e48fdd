"""The year's figures of cadre work from the other apps, for the year-end results report (Báo
cáo kết quả): the training (courses finished, learners who completed them, by kind of course),
the "1+2" field work (days at the grassroots, cadres meeting the quota), the reviews of the
succession plans and the annual evaluations. Each is aggregated in SQL over the subtree of the
report's unit; a constant number of queries whatever the data.

Field work is counted the way the "1+2" progress page counts it (``fieldwork.progress``): the
trips made that start in the year, the secondment days of the year, the active cadres subject
to a quota rule and whether their days reach it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from cadres.models import Cadre, CadreStatus, Unit
from common.dates import today
from common.lists import cached_value
from common.versions import recorded_version
from fieldwork.evaluation.models import Classification, Evaluation, EvaluationStatus, Period
from fieldwork.models import SecondmentYear
from fieldwork.progress import YearClock, counted_members, figured, quota_states, year_totals
from fieldwork.services import QuotaBook
from planning.models import AnnualReview, ReviewStatus
from training.models import Category, Course, CourseStatus, Enrollment, EnrollmentStatus
from units.scope import subtree_condition


@dataclass(frozen=True)
class TrainingLine:
    """A kind of course (``Category``) in the year: the courses organised in the subtree that
    finished in the year, and the completions by the subtree's cadres of a course (held, not
    merely planned) ending in it — the year the certificate is gained, as the targets' metrics
    count it (``reports.metrics``)."""

    label: str
    courses: int
    learners: int


@dataclass(frozen=True)
class YearFigures:
    year: int
    training: tuple[TrainingLine, ...]  # the categories with a course or a learner, in order
    fieldwork_cadres: int  # cadres who went to the grassroots (by trip or secondment)
    fieldwork_trips: int  # cadre-trips (lượt)
    fieldwork_days: Decimal  # days on trips and on secondment
    quota_subject: int  # active cadres a quota rule applies to
    quota_met: int  # of them, those whose days reach their quota
    reviews: tuple[tuple[str, int], ...]  # the year's plan reviews by status (every status)
    evaluations: tuple[tuple[str, int], ...]  # the year's decided evaluations by classification

    @property
    def courses(self) -> int:
        return sum(line.courses for line in self.training)

    @property
    def learners(self) -> int:
        return sum(line.learners for line in self.training)

    @property
    def reviews_total(self) -> int:
        return sum(count for _, count in self.reviews)

    @property
    def evaluations_total(self) -> int:
        return sum(count for _, count in self.evaluations)


def year_figures(unit: Unit, year: int, *, day: datetime.date | None = None) -> YearFigures:
    """The figures of ``unit``'s subtree for ``year`` (as of ``day``, today by default, for a
    year still running), remembered until any audited record changes (``recorded_version``):
    a province of a million cadres takes seconds (its 1+2 totals), and the report is opened,
    printed and downloaded as Word in a row."""
    day = day or today()
    return cached_value(
        "year-figures",
        (unit.pk, unit.path, year, day, recorded_version()),
        lambda: _year_figures(unit, year, day),
    )


def _year_figures(unit: Unit, year: int, day: datetime.date) -> YearFigures:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    fieldwork = _fieldwork(unit, YearClock(year, day))
    return YearFigures(
        year=year,
        training=_training(unit, start, end),
        **fieldwork,
        reviews=_reviews(unit, year),
        evaluations=_evaluations(unit, year),
    )


def _training(unit: Unit, start: datetime.date, end: datetime.date) -> tuple[TrainingLine, ...]:
    courses = dict(
        Course.objects.filter(
            subtree_condition("organiser__path", unit.path),
            status=CourseStatus.FINISHED,
            ends_on__range=(start, end),
        )
        .order_by()
        .values_list("kind__category")
        .annotate(count=Count("pk"))
    )
    learners = dict(
        Enrollment.objects.filter(
            subtree_condition("cadre__unit_path", unit.path),
            status=EnrollmentStatus.COMPLETED,
            course__ends_on__range=(start, end),
        )
        .exclude(course__status=CourseStatus.PLANNED)
        .order_by()
        .values_list("course__kind__category")
        .annotate(count=Count("pk"))
    )
    return tuple(
        TrainingLine(label, courses.get(value, 0), learners.get(value, 0))
        for value, label in Category.choices
        if courses.get(value) or learners.get(value)
    )


def _fieldwork(unit: Unit, clock: YearClock) -> dict:
    in_subtree = subtree_condition("cadre__unit_path", unit.path)
    members = counted_members(clock).filter(in_subtree)
    seconded = SecondmentYear.objects.filter(in_subtree, year=clock.year, days__gt=0)
    total = year_totals(members, seconded).total
    book = QuotaBook(clock.year)
    cadres = Cadre.objects.filter(
        subtree_condition("unit_path", unit.path), book.subject_condition(), status=CadreStatus.ACTIVE
    )
    met, _ = quota_states(clock)
    counts = (
        figured(cadres, clock, book)
        .filter(quota_days__isnull=False)
        .order_by()
        .aggregate(subject=Count("pk"), met=Count("pk", filter=met))
    )
    return {
        "fieldwork_cadres": total.cadres,
        "fieldwork_trips": total.trips,
        "fieldwork_days": total.total_days,
        "quota_subject": counts["subject"],
        "quota_met": counts["met"],
    }


def _reviews(unit: Unit, year: int) -> tuple[tuple[str, int], ...]:
    found = dict(
        AnnualReview.objects.filter(subtree_condition("plan__unit__path", unit.path), year=year)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return tuple((label, found[value]) for value, label in ReviewStatus.choices if found.get(value))


def _evaluations(unit: Unit, year: int) -> tuple[tuple[str, int], ...]:
    found = dict(
        Evaluation.objects.filter(
            subtree_condition("unit__path", unit.path),
            status=EvaluationStatus.DECIDED,
            year=year,
            period=Period.YEAR,
        )
        .order_by()
        .values_list("classification")
        .annotate(count=Count("pk"))
    )
    return tuple((label, found.get(value, 0)) for value, label in Classification.choices)
