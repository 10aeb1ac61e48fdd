"""The field-work pages in ``make bench`` (see ``common.benchmarks``): the trip list (beside Django
admin's trip change list), the "1+2" progress of the year, the calendar of the busiest month,
the page of the largest trip, the secondments with one's page, and the evaluation's summary of
the latest year (beside admin's evaluation change list) with the printed list of its largest
unit, a decided evaluation's page and its printed form, for the province editor and the commune
editor."""

import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth

from accounts.models import User
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage

from .evaluation.document_views import MAX_PDF_ROWS
from .evaluation.models import Evaluation, EvaluationStatus, Period
from .models import FieldTrip, Secondment

ADMIN_TRIPS = BenchPage("admin_fieldtrip_changelist", "/admin/fieldwork/fieldtrip/", user="admin")
ADMIN_EVALUATIONS = BenchPage("admin_evaluation_changelist", "/admin/fieldwork/evaluation/", user="admin")


def pages(context: BenchContext) -> list[BenchPage]:
    found = []
    for username in (PROVINCE_EDITOR, COMMUNE_EDITOR):
        user = User.objects.select_related("unit").get(username=username)
        found += _fieldwork_pages(user) + _evaluation_pages(user)
    return found


def _fieldwork_pages(user: User) -> list[BenchPage]:
    name = user.username
    trips = FieldTrip.objects.visible_to(user)
    found = [BenchPage("fieldwork_trip_list", "/fieldwork/", user=name, baseline=ADMIN_TRIPS)]
    if month := _busiest_month(trips.counted()) or _busiest_month(trips):
        found.append(BenchPage("fieldwork_progress", "/fieldwork/progress/", {"year": month.year}, user=name))
    else:
        found.append(BenchPage("fieldwork_progress", "/fieldwork/progress/", user=name))
    if month := _busiest_month(trips):
        found.append(
            BenchPage("fieldwork_calendar", "/fieldwork/calendar/", {"month": f"{month:%Y-%m}"}, user=name)
        )
    else:
        found.append(BenchPage("fieldwork_calendar", "/fieldwork/calendar/", user=name))
    if trip := trips.annotate(size=Count("members")).order_by("-size", "-starts_on", "pk").first():
        found.append(BenchPage("fieldwork_trip_detail", f"/fieldwork/trips/{trip.pk}/", user=name))
    found.append(BenchPage("fieldwork_secondment_list", "/fieldwork/secondments/", user=name))
    if secondment := Secondment.objects.visible_to(user).order_by("-starts_on", "pk").first():
        found.append(
            BenchPage("fieldwork_secondment_detail", f"/fieldwork/secondments/{secondment.pk}/", user=name)
        )
    return found


def _evaluation_pages(user: User) -> list[BenchPage]:
    name = user.username
    evaluations = Evaluation.objects.visible_to(user).filter(period=Period.YEAR)
    year = evaluations.order_by("-year").values_list("year", flat=True).first()
    params = {"year": year, "period": Period.YEAR} if year else {}
    found = [
        BenchPage(
            "fieldwork_evaluation_summary",
            "/fieldwork/evaluations/",
            params,
            user=name,
            baseline=ADMIN_EVALUATIONS,
        )
    ]
    if year is None:
        return found
    of_year = evaluations.filter(year=year)
    # The largest list a PDF is made of (a larger one is refused with a message).
    largest = (
        of_year.values("unit")
        .annotate(size=Count("pk"))
        .filter(size__lte=MAX_PDF_ROWS)
        .order_by("-size", "unit")
        .first()
    )
    if largest is not None:
        found.append(
            BenchPage(
                "fieldwork_evaluation_list_pdf",
                "/fieldwork/evaluations/list.pdf",
                {**params, "unit": largest["unit"]},
                user=name,
                runs=5,  # seconds each when the list is long
            )
        )
    shown = (
        of_year.filter(status=EvaluationStatus.DECIDED).order_by("pk").first()
        or of_year.order_by("pk").first()
    )
    found += [
        BenchPage("fieldwork_evaluation_detail", f"/fieldwork/evaluations/{shown.pk}/", user=name),
        BenchPage("fieldwork_evaluation_pdf", f"/fieldwork/evaluations/{shown.pk}.pdf", user=name),
    ]
    return found


def _busiest_month(trips) -> datetime.date | None:
    """The first day of the month most of ``trips`` start in (the latest of equals)."""
    row = (
        trips.order_by()
        .annotate(month=TruncMonth("starts_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-count", "-month")
        .first()
    )
    return row["month"] if row else None
