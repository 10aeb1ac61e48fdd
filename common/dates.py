"""Dates for the whole app: the one "today" (the date in the configured time zone,
Asia/Ho_Chi_Minh, never the server's, which may run in UTC) and calendar arithmetic."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable


def add_years(day: datetime.date, years: int) -> datetime.date:
    return years_before(day, -years)
