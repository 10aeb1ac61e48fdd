"""The reports' pages in ``make bench`` (see ``common.benchmarks``): the dashboard and its
charts' request (warm, with the cache emptied, and after a change: the previous snapshot shown
and its refresh queued), the time the task worker takes to compute a user's snapshots, the
quality statistics of the user's unit as of today (HTML, xlsx, PDF), the targets of the plan's
year with the cadres behind the widest figure, and the yearly plans — the list beside Django
admin's, the user's own unit's latest plan with its PDF, its Word file and its year-end report —
for the province editor and the commune editor (the demo's plans: the province's and the demo
commune's answer to it, ``reports.demo``)."""

from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from cadres.models import Cadre
from common import snapshots as common_snapshots
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage, BenchWork
from common.dates import today

from . import snapshots
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


def work(context: BenchContext) -> list[BenchWork]:
    """What the task worker takes to compute a user's dashboard snapshots from scratch (every
    app's cards, alerts and charts; the roster's chart figures): how long a visit after a change
    shows the previous figures. They are left computed for the pages."""
    found = []
    for username in (PROVINCE_EDITOR, COMMUNE_EDITOR):
        user = User.objects.select_related("unit").get(username=username)
        for name, kind in (
            ("dashboard_snapshot", snapshots.PROVIDERS),
            ("dashboard_charts_snapshot", snapshots.ROSTER_CHARTS),
        ):
            found.append(BenchWork(name, _computing(kind, user), user=username))
    return found


def _computing(kind: str, user: User):
    argument = snapshots.user_argument(user)

    def run() -> None:
        # As after a change: the providers' own cached figures are of the previous version too.
        cache.clear()
        common_snapshots.forget(kind, argument)
        common_snapshots.fetch(kind, argument)

    return run


def _dashboard_pages(user: User) -> list[BenchPage]:
    """The page, then its charts (the second request the page makes), each warm, with the cache
    emptied, and after a change to a cadre of the scope (the previous snapshot shown, its
    refresh queued)."""
    changed = _changing(user)
    return [
        BenchPage(name, path, user=user.username, cold=cold, prepare=prepare)
        for path, prefix in (("/", "dashboard"), ("/reports/charts/", "dashboard_charts"))
        for name, cold, prepare in (
            (prefix, False, None),
            (f"{prefix}_cold", True, None),
            (f"{prefix}_changed", False, changed),
        )
    ]


def _changing(user: User):
    """A change to a cadre of ``user``'s scope, as an edit leaves it (a newer ``updated_at``)."""
    pk = Cadre.objects.visible_to(user).active().order_by("pk").values_list("pk", flat=True).first()

    def change() -> None:
        Cadre.objects.filter(pk=pk).update(updated_at=timezone.now())

    return change


def _statistics_pages(user: User) -> list[BenchPage]:
    name = user.username
    past = {"date": f"{today().year - 1}-12-31"}  # as of 31/12 last year: from the posts' history
    return [
        BenchPage("reports_statistics", "/reports/statistics/", user=name),
        BenchPage("reports_statistics_past", "/reports/statistics/", past, user=name),
        BenchPage("reports_statistics_xlsx", "/reports/statistics.xlsx", user=name),
        BenchPage("reports_statistics_pdf", "/reports/statistics.pdf", user=name),
        BenchPage("reports_statistics_past_pdf", "/reports/statistics.pdf", past, user=name),
        # The first look after a change, when the counts are made again (the goal: ≤ 1.5 s).
        *(
            BenchPage(f"reports_statistics{suffix}_first", path, params, user=name, cold=True, runs=5)
            for suffix, path, params in (
                ("", "/reports/statistics/", {}),
                ("_past", "/reports/statistics/", past),
                ("_past_pdf", "/reports/statistics.pdf", past),
            )
        ),
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
