"""The planning pages in ``make bench`` (see ``common.benchmarks``): the plan list, the largest
plan's succession board and its PDF, a review, the vacancies and the sourcing pool, for the
province editor and the commune editor."""

from django.db.models import Count

from accounts.models import User
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage

from .models import AnnualReview, SuccessionPlan

ADMIN_PLANS = BenchPage("admin_plan_changelist", "/admin/planning/successionplan/", user="admin")
ADMIN_SOURCES = BenchPage("admin_source_changelist", "/admin/planning/sourceperson/", user="admin")


def pages(context: BenchContext) -> list[BenchPage]:
    found = []
    for username in (PROVINCE_EDITOR, COMMUNE_EDITOR):
        found += _planning_pages(User.objects.select_related("unit").get(username=username))
    return found


def _planning_pages(user: User) -> list[BenchPage]:
    name = user.username
    found = [
        BenchPage("planning_list", "/planning/", user=name, baseline=ADMIN_PLANS),
        BenchPage("planning_vacancies", "/planning/vacancies/", user=name),
        BenchPage("planning_sources", "/planning/sources/", user=name, baseline=ADMIN_SOURCES),
    ]
    if plan := _largest_plan(user):
        found += [
            BenchPage("planning_board", f"/planning/{plan.pk}/", user=name),
            BenchPage("planning_pdf", f"/planning/{plan.pk}/export.pdf", user=name),
        ]
    if review := _largest_review(user):
        found.append(
            BenchPage("planning_review", f"/planning/{review.plan_id}/reviews/{review.pk}/", user=name)
        )
    return found


def _largest_plan(user: User) -> SuccessionPlan | None:
    """The plan in the user's scope with the most candidates, past ones included: the board
    that costs the most."""
    plans = SuccessionPlan.objects.visible_to(user).annotate(size=Count("candidates"))
    return plans.order_by("-size", "pk").first()


def _largest_review(user: User) -> AnnualReview | None:
    reviews = AnnualReview.objects.visible_to(user).annotate(size=Count("plan__candidates"))
    return reviews.order_by("-size", "pk").first()
