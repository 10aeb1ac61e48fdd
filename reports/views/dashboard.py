from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse

from cadres import registry
from cadres.models import Cadre, Gender, Unit
from cadres.standards import StandardBook
from common.lists import cached_figures


def dashboard(request):
    units = Unit.objects.visible_to(request.user).active()
    cadres = Cadre.objects.visible_to(request.user).active()
    # One pass over the scope's rows on the roster's own columns (no join), cached until a
    # cadre changes or the day does (common.lists.cached_figures).
    figures = cached_figures(cadres, roster_figures, name="dashboard")
    # Then the cards and alerts of the other apps (plans to approve, courses…), cadres.registry.
    cards, alerts = registry.dashboard_items(request)
    unit_count = units.count()
    return render(
        request,
        "reports/dashboard.html",
        {
            "root_unit": request.user.unit,
            "unit_count": unit_count,
            "figures": figures,
            "cards": [*_roster_cards(unit_count, figures), *cards],
            "alerts": alerts,
        },
    )


def roster_figures(cadres) -> dict[str, int]:
    book = StandardBook()
    return cadres.aggregate(
        total=Count("pk"),
        women=Count("pk", filter=Q(gender=Gender.FEMALE)),
        over_age=Count("pk", filter=book.over_age_q()),
        near_age=Count("pk", filter=book.near_age_q()),
        below_standard=Count("pk", filter=book.below_standard_q()),
    )


def _roster_cards(unit_count: int, figures: dict) -> list[registry.DashboardCard]:
    cadre_list = reverse("cadres:cadre-list")
    Card = registry.DashboardCard
    return [
        Card("Đơn vị đang hoạt động", unit_count, link=reverse("cadres:unit-list")),
        Card(
            "Cán bộ đang công tác",
            figures["total"],
            link=cadre_list,
            note=f"trong đó nữ: {intcomma(figures['women'])}",
        ),
        Card("Quá tuổi", figures["over_age"], link=f"{cadre_list}?warning=over_age", tone="danger"),
        Card(
            f"Sắp quá tuổi ({settings.AGE_WARNING_MONTHS} tháng)",
            figures["near_age"],
            link=f"{cadre_list}?warning=near_age",
            tone="warning",
        ),
        Card(
            "Chưa đạt chuẩn",
            figures["below_standard"],
            link=f"{cadre_list}?warning=below_standard",
            tone="warning",
        ),
    ]


def index(request):
    """STUB: the reports' hub."""
    return render(request, "reports/dashboard.html", {})
