"""The calendar of courses: a month of the courses the user sees, each on the days its class
meets, filtered by kind and organiser. A plain month grid, weeks from Monday; below the md
breakpoint the same month as a list of days."""

import calendar
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cadres.models import Unit

from ..models import FIRST_DATE, LAST_DATE, Course, CourseKind, CourseStatus

# The legend of the courses' colours, as ``Course.status_tone`` gives them.
STATUSES = [(label, Course(status=value).status_tone) for value, label in CourseStatus.choices]
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    courses: tuple[Course, ...]

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]


@require_GET
def course_calendar(request):
    today = timezone.localdate()
    month = parse_month(request.GET.get("month", ""), today)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
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
    weeks = month_weeks(month, list(courses), today)
    return render(
        request,
        "training/calendar.html",
        {
            "month": month,
            "previous_month": _shift(month, -1),
            "next_month": _shift(month, 1),
            "this_month": today.replace(day=1),
            "weekdays": WEEKDAYS,
            "statuses": STATUSES,
            "weeks": weeks,
            "course_days": [day for week in weeks for day in week if day.in_month and day.courses],
            "kinds": kinds,
            "kind": kind,
            "units": units.filter(Exists(Course.objects.filter(organiser=OuterRef("pk")))).with_parent_name(),
            "unit": unit,
            "filtered": kind is not None or unit is not None,
        },
    )


def parse_month(value: str, today: datetime.date) -> datetime.date:
    """The first day of the month "YYYY-MM" names; this month for anything else."""
    if match := _MONTH.fullmatch(value.strip()):
        year, number = int(match[1]), int(match[2])
        if 1 <= number <= 12 and FIRST_DATE.year <= year <= LAST_DATE.year:
            return datetime.date(year, number, 1)
    return today.replace(day=1)


def month_weeks(month: datetime.date, courses: list[Course], today: datetime.date) -> list[list[Day]]:
    """The month's weeks, Monday first, each day with the courses meeting on it (days of the
    months around it are shown empty: their courses are not loaded)."""
    by_day: dict[datetime.date, list[Course]] = defaultdict(list)
    for course in courses:
        for day in course.meeting_days():
            if day.year == month.year and day.month == month.month:
                by_day[day].append(course)
    grid = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(month.year, month.month)
    return [
        [
            Day(
                date=day,
                in_month=day.month == month.month,
                is_today=day == today,
                courses=tuple(by_day.get(day, ())) if day.month == month.month else (),
            )
            for day in week
        ]
        for week in grid
    ]


def _shift(month: datetime.date, months: int) -> datetime.date | None:
    """The first day of the month ``months`` away, if the calendar goes that far."""
    index = month.year * 12 + month.month - 1 + months
    shifted = datetime.date(index // 12, index % 12 + 1, 1)
    return shifted if FIRST_DATE.year <= shifted.year <= LAST_DATE.year else None


def _chosen(kinds: list[CourseKind], value: str | None) -> CourseKind | None:
    return next((kind for kind in kinds if str(kind.pk) == (value or "").strip()), None)


def _chosen_unit(units, value: str | None) -> Unit | None:
    """The organiser picked, if it is a unit the user sees; anything else is ignored."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        return None
    return units.filter(pk=int(value)).first()
