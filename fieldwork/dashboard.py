"""The dashboard's field-work cards and alerts (registered in apps.py through cadres.registry):
the year's days at the grassroots, the cadres who met the "1+2" quota, the reports overdue;
from July, the cadres behind the pro-rata mark. From ``progress.year_figures``, cached."""

import datetime

from django.http import HttpRequest
from django.urls import reverse

from cadres.registry import DashboardAlert, DashboardCard
from common.dates import today

from .progress import BEHIND, MET, OVERDUE, format_number, year_figures
from .templatetags.fieldwork import days

# Before July a cadre behind the pro-rata mark has half a year to catch up: no alert yet.
BEHIND_ALERT_FROM = (7, 1)


def dashboard(request: HttpRequest) -> list[DashboardCard | DashboardAlert]:
    day = today()
    figures = year_figures(request.user, day=day)
    url = reverse("fieldwork:progress")
    total = figures.total
    items: list[DashboardCard | DashboardAlert] = [
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
    return items
