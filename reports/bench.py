"""The reports' pages in ``make bench`` (see ``common.benchmarks``): the dashboard and its charts'
request (warm and cold), the quality statistics of the user's unit as of today (HTML, xlsx,
PDF), the targets of the plan's year with the cadres behind the widest figure, and the yearly
plans — the list beside Django admin's, the user's own unit's latest plan with its PDF, its Word
file and its year-end report — for the province editor and the commune editor (the demo's
plans: the province's and the demo commune's answer to it, ``reports.demo``)."""

from accounts.models import User
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage
from common.dates import today

from .models import AnnualPlan, Target

ADMIN_PLANS = BenchPage("admin_annualplan_changelist", "/admin/reports/annualplan/", user="admin")
ADMIN_TARGETS = BenchPage("admin_target_changelist", "/admin/reports/target/", user="admin")
# The target whose cadres page lists the most: every cadre of the unit is in its population.
WIDEST_METRIC = "resolution_study_share"


def pages(context: BenchContext) -> list[BenchPage]:
    found = []
    for username in (PROVINCE_EDITOR, COMMUNE_EDITOR):
        user = User.objects.select_related("unit").get(username=username)
        found += _dashboard_pages(user) + _statistics_pages(user) + _plan_pages(user)
    return found


def _dashboard_pages(user: User) -> list[BenchPage]:
    """The page, then its charts (the second request the page makes), each warm and cold."""
    return [
        BenchPage(name, path, user=user.username, cold=cold)
        for path, prefix in (("/", "dashboard"), ("/reports/charts/", "dashboard_charts"))
        for name, cold in ((prefix, False), (f"{prefix}_cold", True))
    ]


def _statistics_pages(user: User) -> list[BenchPage]:
    name = user.username
    past = {"date": f"{today().year - 1}-12-31"}  # as of 31/12 last year: from the posts' history
    return [
        BenchPage("reports_statistics", "/reports/statistics/", user=name),
        BenchPage("reports_statistics_past", "/reports/statistics/", past, user=name),
        BenchPage("reports_statistics_xlsx", "/reports/statistics.xlsx", user=name),
        BenchPage("reports_statistics_pdf", "/reports/statistics.pdf", user=name),
        BenchPage("reports_statistics_past_pdf", "/reports/statistics.pdf", past, user=name),
    ]


def _plan_pages(user: User) -> list[BenchPage]:
    name = user.username
    plan = _own_plan(user)
    year = plan.year if plan else _latest_target_year(user)
    params = {"year": year} if year else {}
    found = [
        BenchPage("reports_targets", "/reports/targets/", params, user=name, baseline=ADMIN_TARGETS),
        BenchPage("reports_plans", "/reports/plans/", user=name, baseline=ADMIN_PLANS),
    ]
    if target := _widest_target(user, year):
        found.append(BenchPage("reports_target_cadres", f"/reports/targets/{target.pk}/", user=name))
    if plan is not None:
        found += [
            BenchPage("reports_plan_detail", f"/reports/plans/{plan.pk}/", user=name),
            BenchPage("reports_plan_pdf", f"/reports/plans/{plan.pk}.pdf", user=name),
            BenchPage("reports_plan_docx", f"/reports/plans/{plan.pk}.docx", user=name),
            BenchPage("reports_plan_report_pdf", f"/reports/plans/{plan.pk}/report.pdf", user=name),
        ]
    return found


def _own_plan(user: User) -> AnnualPlan | None:
    """The latest plan of the user's own unit (the demo's plan of the year): the document that
    user prints."""
    plans = AnnualPlan.objects.visible_to(user)
    if user.unit_id is not None:
        plans = plans.filter(unit_id=user.unit_id)
    return plans.order_by("-year", "pk").first()


def _latest_target_year(user: User) -> int | None:
    return Target.objects.visible_to(user).order_by("-year").values_list("year", flat=True).first()


def _widest_target(user: User, year: int | None) -> Target | None:
    targets = Target.objects.visible_to(user).filter(year=year)
    if user.unit_id is not None:
        targets = targets.filter(unit_id=user.unit_id)
    widest = targets.filter(metric=WIDEST_METRIC).order_by("pk").first()
    return widest or targets.order_by("order", "pk").first()
