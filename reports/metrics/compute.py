"""How each metric of the catalogue is computed, over a unit's subtree and a year.

Most metrics count cadres: ``population(key, scope)`` gives the cadres the figure is about (for
a share its denominator, for a count the cadres counted) and, for a share, the condition a cadre
meets to be counted (its numerator). A figure is one aggregate over that queryset (``figures``);
the page of the cadres behind a figure lists the same queryset with the same condition, so the
two always agree. The key posts' metric counts posts, not cadres (``key_successors``).

Every condition is a subquery or a join the database evaluates: nothing is read row by row into
Python but the year's secondments (whose length in calendar months is reckoned with
``common.dates.add_months``, as the secondment form does) and the handful of key posts."""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from cadres.models import Appointment, AppointmentKind, Cadre, CadreStatus, Position
from common.dates import add_months, today
from fieldwork.models import Secondment
from fieldwork.progress import YearClock, figured, quota_states
from fieldwork.services import QuotaBook
from planning.models import Candidate, PlanStatus, ReviewStatus, SuccessionPlan
from training.figures import ATTENDED
from training.models import Category, CourseKind, CourseStatus, Enrollment, EnrollmentStatus, Qualification
from units.models import Sector, Unit
from units.scope import subtree_condition


@dataclass(frozen=True)
class Scope:
    """What a target measures over: a unit's subtree, a year, the metric's parameters (every one
    present) and the day the figure is taken (today)."""

    unit: Unit
    year: int
    params: dict[str, Any]
    day: datetime.date

    @classmethod
    def of(cls, unit: Unit, year: int, params: dict, day: datetime.date | None = None) -> "Scope":
        return cls(unit=unit, year=year, params=params, day=day or today())

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def reference(self) -> datetime.date:
        """The day posts and the roster are read on: the year's last, or today if sooner."""
        return min(self.day, self.end)

    def subtree(self, path_lookup: str = "unit_path") -> Q:
        return subtree_condition(path_lookup, self.unit.path)


@dataclass(frozen=True)
class Population:
    cadres: QuerySet  # of Cadre, each once
    counted: Any = None  # for a share, the numerator's condition (a Q or a boolean expression)


# --- Building blocks ----------------------------------------------------------------------------


def working_on(day: datetime.date) -> Q:
    """Cadres working on ``day``: active, or left after it (none has left after today: then the
    status alone, a range of the roster's index)."""
    if day >= today():
        return Q(status=CadreStatus.ACTIVE)
    return Q(status=CadreStatus.ACTIVE) | Q(left_on__gt=day)


def any_status() -> Q:
    """Every cadre whatever the status, named so that the roster's index serves the range."""
    return Q(status__in=CadreStatus.values)


def working_cadres(scope: Scope) -> QuerySet:
    """The subtree's cadres working on the reference day, narrowed by the parameters
    ``employment`` and ``unit_levels`` when the metric has them."""
    cadres = Cadre.objects.filter(scope.subtree()).filter(working_on(scope.reference))
    if employment := scope.params.get("employment"):
        cadres = cadres.filter(employment__in=employment)
    if levels := scope.params.get("unit_levels"):
        cadres = cadres.filter(unit__level__in=levels)
    return cadres


def enrollments(statuses, *, categories=None, kinds=None) -> QuerySet:
    """Enrolments of the given statuses in courses held (not merely planned)."""
    rows = Enrollment.objects.filter(status__in=statuses).exclude(course__status=CourseStatus.PLANNED)
    if categories:
        rows = rows.filter(course__kind__category__in=categories)
    if kinds:
        rows = rows.filter(course__kind__code__in=kinds)
    return rows


def held_in_year(rows: QuerySet, scope: Scope) -> QuerySet:
    """Enrolments of courses that take place in the year: that start in it, as the year's
    training figures count them (``training.figures``)."""
    return rows.filter(course__starts_on__gte=scope.start, course__starts_on__lte=scope.end)


def completed_in_year(scope: Scope, *, categories=None, kinds=None) -> QuerySet:
    """Completions of courses that end in the year: the year the certificate is gained."""
    rows = enrollments([EnrollmentStatus.COMPLETED], categories=categories, kinds=kinds)
    return rows.filter(course__ends_on__gte=scope.start, course__ends_on__lte=scope.end)


def cadre_ids(rows: QuerySet, field: str = "cadre_id") -> QuerySet:
    return rows.order_by().values(field)


# --- The cadres' metrics ------------------------------------------------------------------------


def secretary_degree_share(scope: Scope) -> Population:
    day = scope.reference
    holders = Appointment.objects.filter(
        scope.subtree("unit__path"), position__code__in=scope.params["positions"], started_on__lte=day
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    if kinds := scope.params["unit_kinds"]:
        holders = holders.filter(unit__kind__in=kinds)
    cadres = Cadre.objects.filter(working_on(day), pk__in=cadre_ids(holders))
    return Population(cadres, Q(education__gte=scope.params["min_education"]))


def language_certificates(scope: Scope) -> Population:
    gained = completed_in_year(scope, categories=[Category.LANGUAGE]).filter(
        course__kind__grants=Qualification.FOREIGN_LANGUAGE,
        course__kind__grants_level__gte=scope.params["min_level"],
    )
    return Population(Cadre.objects.filter(scope.subtree(), any_status(), pk__in=cadre_ids(gained)))


def course_completions(scope: Scope) -> Population:
    done = completed_in_year(scope, categories=scope.params["categories"], kinds=scope.params["course_kinds"])
    return Population(Cadre.objects.filter(scope.subtree(), any_status(), pk__in=cadre_ids(done)))


def resolution_study_share(scope: Scope) -> Population:
    studied = held_in_year(enrollments(ATTENDED, categories=[Category.RESOLUTION]), scope)
    return Population(working_cadres(scope), Q(pk__in=cadre_ids(studied)))


def title_training_share(scope: Scope) -> Population:
    """The holders appointed in the year, and whether they completed the title course of their
    new post by the year's end: a course whose kind names the post (``CourseKind.positions``,
    as the training-needs list reads it), or, for a post no kind names, any course of the
    "title" category."""
    titled = sorted(
        set(CourseKind.objects.filter(positions__isnull=False).values_list("positions", flat=True))
    )
    appointed = Appointment.objects.filter(
        scope.subtree("unit__path"), started_on__gte=scope.start, started_on__lte=scope.end
    )
    if positions := scope.params["positions"]:
        appointed = appointed.filter(position__code__in=positions)
    else:
        appointed = appointed.filter(position_id__in=titled)
    if kinds := scope.params["unit_kinds"]:
        appointed = appointed.filter(unit__kind__in=kinds)
    done = Enrollment.objects.filter(
        cadre_id=OuterRef("cadre_id"), status=EnrollmentStatus.COMPLETED, course__ends_on__lte=scope.end
    ).exclude(course__status=CourseStatus.PLANNED)
    trained = appointed.filter(
        (Q(position_id__in=titled) & Exists(done.filter(course__kind__positions=OuterRef("position_id"))))
        | (~Q(position_id__in=titled) & Exists(done.filter(course__kind__category=Category.TITLE)))
    )
    cadres = Cadre.objects.filter(working_on(scope.reference), pk__in=cadre_ids(appointed))
    return Population(cadres, Q(pk__in=cadre_ids(trained)))


def activity_share(scope: Scope) -> Population:
    attended = held_in_year(enrollments(ATTENDED, categories=scope.params["categories"]), scope)
    active = (
        attended.order_by()
        .values("cadre_id")
        .annotate(activities=Count("pk"))
        .filter(activities__gte=scope.params["min_activities"])
        .values("cadre_id")
    )
    return Population(working_cadres(scope), Q(pk__in=active))


def fieldwork_quota_share(scope: Scope) -> Population:
    """The "1+2" progress page's own figures (``fieldwork.progress``): the cadres some quota
    rule of the year applies to, and whether their days reach it."""
    clock = YearClock(scope.year, scope.day)
    book = QuotaBook(scope.year)
    cadres = Cadre.objects.filter(scope.subtree(), status=CadreStatus.ACTIVE).filter(book.subject_condition())
    if levels := scope.params["unit_levels"]:
        cadres = cadres.filter(unit__level__in=levels)
    met, _behind = quota_states(clock)
    return Population(figured(cadres, clock, book).filter(quota_days__isnull=False), met)


def secondment_share(scope: Scope) -> Population:
    cadres = working_cadres(scope)
    if positions := scope.params["positions"]:
        cadres = cadres.filter(position__code__in=positions)
    months = scope.params["min_months"]
    rows = Secondment.objects.filter(
        cadre__in=cadres.order_by().values("pk"), starts_on__lte=scope.end, ends_on__gte=scope.start
    ).values_list("cadre_id", "starts_on", "ends_on")
    seconded = sorted(
        {
            cadre
            for cadre, starts, ends in rows
            if ends >= add_months(starts, months) - datetime.timedelta(days=1)
        }
    )
    return Population(cadres, Q(pk__in=seconded))


def in_force(scope: Scope) -> QuerySet:
    """The approved succession plans of the subtree whose term covers the year."""
    plans = SuccessionPlan.objects.filter(
        scope.subtree("unit__path"),
        status=PlanStatus.APPROVED,
        term__start_year__lte=scope.year,
        term__end_year__gte=scope.year,
    )
    if kinds := scope.params.get("unit_kinds"):
        plans = plans.filter(unit__kind__in=kinds)
    return plans


def planned_in_year(scope: Scope, plans: QuerySet) -> QuerySet:
    """The candidates of ``plans`` in the plan during the year: added by then, not removed before
    its end, and not a pending addition (a review not approved yet)."""
    return (
        Candidate.objects.filter(plan__in=plans.order_by().values("pk"), added_year__lte=scope.year)
        .filter(Q(removed_year__isnull=True) | Q(removed_year__gt=scope.year))
        .exclude(added_by_review__status__in=[s for s in ReviewStatus.values if s != ReviewStatus.APPROVED])
    )


def candidates_trained_share(scope: Scope) -> Population:
    candidates = planned_in_year(scope, in_force(scope))
    cadres = Cadre.objects.filter(working_on(scope.reference), pk__in=cadre_ids(candidates))
    trained = completed_in_year(scope, categories=scope.params["categories"])
    return Population(cadres, Q(pk__in=cadre_ids(trained)))


def school_to_university(scope: Scope) -> Population:
    """Posts begun in the year in a university or college Youth Union whose holder's previous
    main post (the latest begun before, not a concurrent one) was in a high school of the
    subtree."""
    previous = (
        Appointment.objects.filter(cadre_id=OuterRef("cadre_id"), started_on__lt=OuterRef("started_on"))
        .exclude(kind=AppointmentKind.CONCURRENT)
        .order_by("-started_on", "-pk")
        .values("unit_id")[:1]
    )
    schools = Unit.objects.filter(scope.subtree("path"), sector=Sector.HIGH_SCHOOL).order_by().values("pk")
    moves = (
        Appointment.objects.filter(
            unit__sector=Sector.HIGHER_EDUCATION, started_on__gte=scope.start, started_on__lte=scope.end
        )
        .annotate(previous_unit=Subquery(previous))
        .filter(previous_unit__in=schools)
    )
    return Population(Cadre.objects.filter(any_status(), pk__in=cadre_ids(moves)))


POPULATIONS: dict[str, Callable[[Scope], Population]] = {
    "secretary_degree_share": secretary_degree_share,
    "language_certificates": language_certificates,
    "course_completions": course_completions,
    "resolution_study_share": resolution_study_share,
    "title_training_share": title_training_share,
    "activity_share": activity_share,
    "fieldwork_quota_share": fieldwork_quota_share,
    "secondment_share": secondment_share,
    "candidates_trained_share": candidates_trained_share,
    "school_to_university": school_to_university,
}


# --- The key posts ------------------------------------------------------------------------------


def key_successors(scope: Scope) -> tuple[int, int]:
    """(posts with enough successors, key posts) of the plans in force: each plan's unit has the
    key posts of its level (``Position.is_key``, level empty or the unit's, as
    ``planning.rules.key_positions`` reads them); a post has as many successors as distinct
    cadres planned for it in the year (``planned_in_year``). Three queries."""
    plans = in_force(scope)
    per_level = Counter(dict(plans.order_by().values_list("unit__level").annotate(count=Count("pk"))))
    keys = Counter(Position.objects.filter(is_key=True).values_list("level", flat=True))
    posts = sum(count * (keys[level] + keys[""]) for level, count in per_level.items() if level)
    covered = (
        planned_in_year(scope, plans)
        .filter(position__is_key=True)
        .filter(Q(position__level="") | Q(position__level=F("plan__unit__level")))
        .order_by()
        .values("plan_id", "position_id")
        .annotate(successors=Count("cadre_id", distinct=True))
        .filter(successors__gte=scope.params["min_successors"])
        .count()
    )
    return covered, posts


# --- Figures --------------------------------------------------------------------------------------


def population(key: str, scope: Scope) -> Population:
    return POPULATIONS[key](scope)


def figures(key: str, is_share: bool, scope: Scope) -> tuple[int, int | None]:
    """(numerator, denominator) of a share, (count, None) of a count: one aggregate query (a
    few more for the metrics reading a catalogue first)."""
    if key == "key_successors_share":
        return key_successors(scope)
    found = population(key, scope)
    cadres = found.cadres.order_by()
    if not is_share:
        return cadres.count(), None
    row = cadres.aggregate(total=Count("pk"), counted=Count("pk", filter=found.counted))
    return row["counted"], row["total"]
