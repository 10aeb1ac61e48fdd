"""The dashboard's field-work cards, alerts and chart (registered in apps.py through
cadres.registry): the year's days at the grassroots, the cadres who met the "1+2" quota, the
reports overdue; from July, the cadres behind the pro-rata mark; the trip days of each month.
Computed together in SQL (seven queries) and cached until the data change (two probes)."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse

from cadres.registry import ChartSeries, DashboardAlert, DashboardCard, DashboardChart, DashboardItem
from common.dates import today

from .progress import BEHIND, MET, OVERDUE, format_number, year_figures
from .templatetags.fieldwork import days

# Before July a cadre behind the pro-rata mark has half a year to catch up: no alert yet.
BEHIND_ALERT_FROM = (7, 1)
MONTHS = tuple(range(1, 13))


def dashboard(request: HttpRequest) -> list[DashboardItem]:
    day = today()
    figures = year_figures(request.user, day=day)
    months = figures.days_by_month
    url = reverse("fieldwork:progress")
    total = figures.total
    items: list[DashboardItem] = [
        DashboardCard(
            f"Ngày đi cơ sở năm {day.year}",
            days(total.total_days),
            link=url,
            tone="info",
            note=f"{format_number(total.cadres)} cán bộ, {format_number(total.trips)} lượt",
        ),
    ]
    if figures.subject:
        items.append(
            DashboardCard(
                "Cán bộ đạt định mức 1+2",
                f"{format_number(figures.met)}/{format_number(figures.subject)}",
                link=f"{url}?state={MET}",
                tone="success" if figures.met == figures.subject else "",
                note=f"{format_number(figures.behind)} cán bộ chậm tiến độ" if figures.behind else "",
            )
        )
    items.append(
        DashboardCard(
            "Báo cáo quá hạn",
            figures.overdue,
            link=f"{url}?state={OVERDUE}",
            tone="danger" if figures.overdue else "",
        )
    )
    if figures.behind and day >= datetime.date(day.year, *BEHIND_ALERT_FROM):
        items.append(
            DashboardAlert(
                f"{format_number(figures.behind)} cán bộ chậm tiến độ “1+2”.", link=f"{url}?state={BEHIND}"
            )
        )
    if figures.overdue:
        items.append(
            DashboardAlert(
                f"{format_number(figures.overdue)} đợt đi cơ sở quá hạn báo cáo.",
                link=f"{url}?state={OVERDUE}#overdue",
                tone="danger",
            )
        )
    items.append(_months_chart(day.year, months, total.secondment_days))
    return items


def _months_chart(year: int, months: tuple[Decimal, ...], secondment_days: Decimal) -> DashboardChart:
    note = "Ngày của các đợt đi cơ sở đã đi, tính vào tháng bắt đầu đợt."
    if secondment_days:
        note += f" Ngoài ra {days(secondment_days)} ngày tăng cường cơ sở trong năm."
    return DashboardChart(
        key="fieldwork-days-by-month",
        title=f"Ngày đi cơ sở theo tháng năm {year}",
        labels=tuple(f"T{month}" for month in MONTHS),
        datasets=(ChartSeries("Ngày đi cơ sở", months),),
        kind="bar",
        order=30,
        unit="ngày",
        note=note,
    )
