"""The roster's pages in ``make bench`` (see ``common.benchmarks``)."""

import math

from accounts.models import User
from common.benchmarks import COMMUNE_EDITOR, PROVINCE_EDITOR, BenchContext, BenchPage
from common.lists import PER_PAGE

from .models import Cadre, Unit
from .views.cadres import PAGE_SIZE
from .views.units import cadre_counts

SEARCH = "nguyen thi lan"  # a name typed without its accents, as users do
ADMIN_CHANGELIST = "/admin/cadres/cadre/"


def pages(context: BenchContext) -> list[BenchPage]:
    found = []
    for username in (PROVINCE_EDITOR, COMMUNE_EDITOR):
        found += _roster_pages(User.objects.get(username=username))
    return found


def _roster_pages(user: User) -> list[BenchPage]:
    name = user.username
    roster = (
        Cadre.objects.visible_to(user).active().order_by("unit_path", "position_order", "full_name", "pk")
    )
    total = roster.count()
    last = max(1, math.ceil(total / PAGE_SIZE))
    middle = max(1, last // 2)
    before_middle = roster.values_list("pk", flat=True)[(middle - 1) * PER_PAGE - 1] if middle > 1 else None
    subtree = _subtree(user)
    cadre = roster[total // 2]
    admin_list = BenchPage("admin_cadre_changelist", ADMIN_CHANGELIST, user="admin")
    admin_search = BenchPage("admin_cadre_search", ADMIN_CHANGELIST, {"q": SEARCH}, user="admin")
    return [
        BenchPage("cadre_list", "/cadres/", user=name, baseline=admin_list),
        BenchPage("cadre_list_cold_count", "/cadres/", user=name, cold=True),
        BenchPage(
            "cadre_list_middle_page",
            "/cadres/",
            {"page": middle, "after": before_middle} if before_middle else {},
            user=name,
        ),
        BenchPage("cadre_list_last_page", "/cadres/", {"page": last, "last": 1}, user=name),
        BenchPage("cadre_list_typed_page_number", "/cadres/", {"page": middle}, user=name),
        BenchPage("cadre_list_unit_subtree", "/cadres/", {"unit": subtree.pk}, user=name),
        BenchPage("cadre_list_over_age", "/cadres/", {"warning": "over_age"}, user=name),
        BenchPage("cadre_list_below_standard", "/cadres/", {"warning": "below_standard"}, user=name),
        BenchPage("cadre_search_no_accents", "/cadres/", {"q": SEARCH}, user=name, baseline=admin_search),
        BenchPage("cadre_detail", f"/cadres/{cadre.pk}/", user=name),
        BenchPage("cadre_cv_pdf", f"/cadres/{cadre.pk}/cv.pdf", user=name),
        BenchPage("unit_tree", "/units/", user=name),
    ]


def _subtree(user: User) -> Unit:
    """The largest unit right below the user's own: a district or commune for the province,
    a chi đoàn for the commune."""
    counts = cadre_counts(user)  # the unit tree's own count per subtree, one query
    return max(Unit.objects.get_children(user.unit), key=lambda unit: counts[unit.path])
