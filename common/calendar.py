"""Month calendars (the courses' and the field trips'): a month named "YYYY-MM" in a query string,
its weeks from Monday with Vietnamese day names, and each day with the records on it. The apps
subclass ``Day`` to name their records (``Day.courses``, ``Day.trips``)."""

import calendar
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
T = TypeVar("T")


@dataclass(frozen=True)
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    items: tuple

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= calendar.SATURDAY


def parse_month(value: str, today: datetime.date, *, years: range) -> datetime.date:
    """The first day of the month "YYYY-MM" names, within ``years``; this month for anything else."""
    if match := _MONTH.fullmatch(value.strip()):
        year, number = int(match[1]), int(match[2])
        if 1 <= number <= 12 and year in years:
            return datetime.date(year, number, 1)
    return today.replace(day=1)


def shift_month(month: datetime.date, months: int, *, years: range) -> datetime.date | None:
    """The first day of the month ``months`` away, if it is within ``years``."""
    index = month.year * 12 + month.month - 1 + months
    shifted = datetime.date(index // 12, index % 12 + 1, 1)
    return shifted if shifted.year in years else None


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_weeks(
    month: datetime.date,
    items: Iterable[T],
    today: datetime.date,
    *,
    days_of: Callable[[T], Iterable[datetime.date]],
    day_class: type[Day] = Day,
) -> list[list[Day]]:
    """The month's weeks, Monday first, each day with the items ``days_of`` puts on it, in the
    order given (days of the months around it are shown empty: their items are not loaded)."""
    by_day: dict[datetime.date, list[T]] = defaultdict(list)
    for item in items:
        for day in days_of(item):
            if day.year == month.year and day.month == month.month:
                by_day[day].append(item)
    grid = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(month.year, month.month)
    return [
        [
            day_class(
                date=day,
                in_month=day.month == month.month,
                is_today=day == today,
                items=tuple(by_day.get(day, ())) if day.month == month.month else (),
            )
            for day in week
        ]
        for week in grid
    ]


def busy_days(weeks: Sequence[Sequence[Day]]) -> list[Day]:
    """The month's days that have items: the list shown on phones."""
    return [day for week in weeks for day in week if day.in_month and day.items]
