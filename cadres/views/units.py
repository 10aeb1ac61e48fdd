from collections import Counter

from django.db.models import Count, Q
from django.shortcuts import render

from ..merge import can_merge_units
from ..models import Cadre, Unit
from .access import get_unit_for_user


def cadre_counts(user, under: Unit | None = None) -> Counter:
    """Active cadres per unit path, each unit counting its whole subtree. One query."""
    cadres = Cadre.objects.visible_to(user).active()
    if under is not None:
        cadres = cadres.filter(unit__in=under.subtree())
    totals: Counter = Counter()
    for row in cadres.values("unit__path").annotate(n=Count("pk")).order_by():
        path = row["unit__path"]
        for end in range(Unit.steplen, len(path) + 1, Unit.steplen):
            totals[path[:end]] += row["n"]
    return totals


def unit_list(request):
    units = Unit.objects.visible_to(request.user)
    show_dissolved = request.GET.get("dissolved") == "1"
    if not show_dissolved:
        units = units.active()
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__iexact=query))
    units = list(units)
    top_depth = min((unit.depth for unit in units), default=1)
    counts = cadre_counts(request.user)
    for unit in units:
        unit.indent = unit.depth - top_depth
        unit.cadre_count = counts[unit.path]
    return render(
        request,
        "cadres/unit_list.html",
        {
            "units": units,
            "query": query,
            "show_dissolved": show_dissolved,
            "can_merge": can_merge_units(request.user),
        },
    )


def unit_detail(request, pk: int):
    unit = get_unit_for_user(request.user, pk)
    visible = Unit.objects.visible_to(request.user)
    ancestor_paths = [unit.path[:end] for end in range(unit.steplen, len(unit.path), unit.steplen)]
    ancestors = visible.filter(path__in=ancestor_paths)
    children = list(visible.filter(path__startswith=unit.path, depth=unit.depth + 1))
    counts = cadre_counts(request.user, under=unit)
    for child in children:
        child.cadre_count = counts[child.path]
    return render(
        request,
        "cadres/unit_detail.html",
        {"unit": unit, "ancestors": ancestors, "children": children, "cadre_count": counts[unit.path]},
    )
