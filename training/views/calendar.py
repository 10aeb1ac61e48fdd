"""The calendar of courses: a month of the courses the user sees, each on the days its class
meets, filtered by kind and organiser. A plain month grid, weeks from Monday; below the md
breakpoint the same month as a list of days."""

from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadres.models import Unit
from common import calendar

from ..models import FIRST_DATE, LAST_DATE, Course, CourseKind, CourseStatus

# The legend of the courses' colours, as ``Course.status_tone`` gives them.
STATUSES = [(label, Course(status=value).status_tone) for value, label in CourseStatus.choices]
WEEKDAYS = calendar.WEEKDAYS
YEARS = range(FIRST_DATE.year, LAST_DATE.year + 1)


class Day(calendar.Day):
    @property
    def courses(self) -> tuple[Course, ...]:
        return self.items


@require_GET
def course_calendar(request):
    today = timezone.localdate()
    month = calendar.parse_month(request.GET.get("month", ""), today, years=YEARS)
    last = calendar.last_day(month)
    kinds = list(CourseKind.objects.all())
    kind = _chosen(kinds, request.GET.get("kind"))
    units = Unit.objects.visible_to(request.user)
    unit = _chosen_unit(units, request.GET.get("unit"))
    courses = (
        Course.objects.visible_to(request.user)
        .filter(starts_on__lte=last, ends_on__gte=month)
        .select_related("kind", "organiser")
        .order_by("starts_on", "name", "pk")
    )
    if kind is not None:
        courses = courses.filter(kind=kind)
    if unit is not None:
        courses = courses.filter(organiser=unit)
    weeks = calendar.month_weeks(month, courses, today, days_of=Course.meeting_days, day_class=Day)
    return render(
        request,
        "training/calendar.html",
        {
            "month": month,
            "previous_month": calendar.shift_month(month, -1, years=YEARS),
            "next_month": calendar.shift_month(month, 1, years=YEARS),
            "this_month": today.replace(day=1),
            "weekdays": WEEKDAYS,
            "statuses": STATUSES,
            "weeks": weeks,
            "course_days": calendar.busy_days(weeks),
            "kinds": kinds,
            "kind": kind,
            "units": units.filter(Exists(Course.objects.filter(organiser=OuterRef("pk")))).with_parent_name(),
            "unit": unit,
            "filtered": kind is not None or unit is not None,
        },
    )


def _chosen(kinds: list[CourseKind], value: str | None) -> CourseKind | None:
    return next((kind for kind in kinds if str(kind.pk) == (value or "").strip()), None)


def _chosen_unit(units, value: str | None) -> Unit | None:
    """The organiser picked, if it is a unit the user sees; anything else is ignored."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        return None
    return units.filter(pk=int(value)).first()
