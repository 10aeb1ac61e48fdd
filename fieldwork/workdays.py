"""Working days (ngày làm việc): Monday to Friday less Vietnam's public holidays, Tết included,
as the ``holidays`` package knows them (with the Saturdays a year's decree swaps for a day off).
A trip's days default to its working days; a secondment counts its working days, year by year."""

import datetime
from decimal import Decimal
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def is_working_day(day: datetime.date) -> bool:
    return _calendar(day.year).is_working_day(day)


def holiday_name(day: datetime.date) -> str:
    """The public holiday on ``day`` ("Tết Nguyên Đán"), or ""."""
    return _calendar(day.year).get(day) or ""


def working_days(start: datetime.date, end: datetime.date) -> int:
    """The working days from ``start`` to ``end``, both included (0 when ``end`` is before)."""
    count = 0
    day = start
    while day <= end:
        count += is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


def working_days_by_year(start: datetime.date, end: datetime.date) -> dict[int, Decimal]:
    """``working_days`` of each calendar year the range touches."""
    years = {}
    for year in range(start.year, end.year + 1):
        first = max(start, datetime.date(year, 1, 1))
        last = min(end, datetime.date(year, 12, 31))
        years[year] = Decimal(working_days(first, last))
    return years
