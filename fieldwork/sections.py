"""What field work shows on the cadre's page (registered in apps.py through cadres.registry):
the "Đi cơ sở" card — this year's days against the quota, the last years' totals, the recent
trips and the secondments — and the "Đánh giá, xếp loại" card, each in a constant number of
queries."""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.http import HttpRequest

from cadres.models import Cadre
from common.dates import today

from .evaluation.models import Evaluation, format_points
from .models import COUNTED, FieldTrip, Secondment, SecondmentYear, TripMember
from .services import QuotaBook

RECENT_TRIPS = 10
YEARS_SHOWN = 3


def trips_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre is in the user's scope, so are their trips' rows; a trip organised outside the
    scope is named without a link."""
    year = today().year
    first_year = year - YEARS_SHOWN + 1
    counted = TripMember.objects.filter(
        cadre=cadre, trip__status__in=COUNTED, trip__starts_on__gte=datetime.date(first_year, 1, 1)
    )
    by_year = {
        row["trip__starts_on__year"]: row
        for row in counted.values("trip__starts_on__year")
        .annotate(days=Sum("days"), trips=Count("pk"))
        .order_by()
    }
    seconded = {
        row["year"]: row["days"]
        for row in SecondmentYear.objects.filter(cadre=cadre, year__gte=first_year)
        .values("year")
        .annotate(days=Sum("days"))
    }
    years = []
    for shown in range(year, first_year - 1, -1):
        row = by_year.get(shown, {})
        trip_days = row.get("days") or Decimal(0)
        years.append(
            {
                "year": shown,
                "trips": row.get("trips", 0),
                "days": trip_days + (seconded.get(shown) or Decimal(0)),
            }
        )
    rule = QuotaBook(year).for_cadre(cadre) if cadre.unit_id else None
    done = years[0]["days"]
    visible = set(
        FieldTrip.objects.visible_to(request.user).filter(members__cadre=cadre).values_list("pk", flat=True)
    )
    recent = list(
        TripMember.objects.filter(cadre=cadre)
        .select_related("trip__host")
        .order_by("-trip__starts_on", "-pk")[:RECENT_TRIPS]
    )
    for member in recent:
        member.linked = member.trip_id in visible
    secondments = list(
        Secondment.objects.filter(cadre=cadre).select_related("host", "position").order_by("-starts_on")
    )
    if not recent and not secondments and rule is None:
        return {}
    return {
        "year": year,
        "years": years,
        "quota": rule.min_days if rule else None,
        "done": done,
        "percent": min(100, int(done * 100 / rule.min_days)) if rule else None,
        "recent": recent,
        "secondments": secondments,
        "today": today(),
    }


def evaluations_section(request: HttpRequest, cadre: Cadre) -> dict:
    """The cadre's evaluations, newest first (a year's own before its quarters), each linking to
    its page when the user sees it: one rated by a unit outside the user's subtree (before the
    cadre moved) is listed without a link. One query."""
    visible = Evaluation.objects.visible_to(request.user).filter(pk=OuterRef("pk"))
    evaluations = list(
        cadre.evaluations.annotate(linked=Exists(visible)).order_by("-year", "-period")  # "year" after "q3"
    )
    for evaluation in evaluations:
        evaluation.points_text = format_points(evaluation.points)
    return {"evaluations": evaluations} if evaluations else {}
