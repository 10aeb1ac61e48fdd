"""Every main page, for every demo role, at an office screen (1,366 px) and a phone (390 px):
the page itself never scrolls sideways (wide tables scroll inside their own box or stack)."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from cadres.merge import can_merge_units
from cadres.models import Cadre, Unit
from tests.browser.test_smoke import log_in

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
ROLES = ("admin", "tinhdoan", "xa", "lanhdao", "xem")


def main_pages(username: str) -> list[str]:
    """The pages a person of this role works with, on demo data in their scope."""
    from accounts.models import User

    user = User.objects.get(username=username)
    units = Unit.objects.visible_to(user)
    cadres = Cadre.objects.visible_to(user).active()
    # The profile with the most commendations: its table has the action column that once
    # widened the page.
    cadre = cadres.annotate(n=Count("commendations")).order_by("-n", "pk").first()
    unit = units.filter(numchild__gt=0).order_by("-depth").first()
    pages = [
        "/",
        "/units/",
        "/units/?q=thon",
        f"/units/{unit.pk}/",
        "/cadres/",
        "/cadres/?q=nguyen+thi",
        "/cadres/?warning=near_age&status=",
        f"/cadres/{cadre.pk}/",
        "/planning/",
        "/planning/vacancies/",
        "/planning/sources/",
        *planning_pages(user),
        "/training/",
        "/training/needs/",
        "/training/calendar/",
        *training_pages(user),
        "/fieldwork/",
        "/accounts/password/",
    ]
    if user.can_edit:
        pages += [
            "/cadres/new/",
            "/cadres/import/",
            f"/cadres/{cadre.pk}/edit/",
            f"/cadres/{cadre.pk}/archive/",
            f"/cadres/{cadre.pk}/appointments/new/",
            f"/cadres/{cadre.pk}/records/commendation/new/",
        ]
    if user.can_edit:
        pages += ["/planning/new/", "/planning/sources/new/", "/training/new/"]
    if can_merge_units(user):
        pages.append("/units/merge/")
    return pages


def planning_pages(user) -> list[str]:
    """The board with the most candidates in scope, its history, its add form and its reviews."""
    from planning.models import AnnualReview, SuccessionPlan

    plan = (
        SuccessionPlan.objects.visible_to(user).annotate(n=Count("candidates")).order_by("-n", "pk").first()
    )
    if plan is None:
        return []
    pages = [f"/planning/{plan.pk}/", f"/planning/{plan.pk}/history/"]
    if user.can_edit:
        pages += [f"/planning/{plan.pk}/candidates/new/?q=nguyen", f"/planning/{plan.pk}/candidates/bulk/"]
    review = AnnualReview.objects.visible_to(user).order_by("pk").first()
    if review is not None:
        pages.append(f"/planning/{review.plan_id}/reviews/{review.pk}/")
    return pages


def training_pages(user) -> list[str]:
    """The course with the most learners in scope, its history, and what its runners work with."""
    from training.models import Course

    course = Course.objects.visible_to(user).annotate(n=Count("enrollments")).order_by("-n", "pk").first()
    if course is None:
        return []
    pages = [f"/training/{course.pk}/", f"/training/{course.pk}/history/"]
    if user.can_edit:
        pages.append(f"/training/{course.pk}/enrol/?q=nguyen")
        if Course.objects.managed_by(user).filter(pk=course.pk).exists():
            pages += [
                f"/training/{course.pk}/edit/",
                f"/training/{course.pk}/results/",
                f"/training/{course.pk}/import/",
            ]
    return pages


@pytest.mark.parametrize("username", ROLES)
def test_no_main_page_scrolls_sideways(browser_page, live_server, transactional_db, username):
    call_command("seed_demo", cadres=300, verbosity=0)
    page = browser_page
    log_in(page, live_server, username)
    too_wide = []
    for path in main_pages(username):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(live_server.url + path)
            assert response.status < 500, (path, response.status)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            inner_width = page.evaluate("window.innerWidth")
            if scroll_width > inner_width:
                too_wide.append((path, width, scroll_width))
    assert too_wide == [], f"pages wider than the screen for {username}: {too_wide}"
