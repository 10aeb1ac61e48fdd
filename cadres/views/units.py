from collections import Counter

from django.db.models import Count
from django.shortcuts import render

from common.lists import cached_figures
from units.scope import subtree_condition

from ..merge import can_merge_units
from ..models import Cadre, Unit
from ..text import fold
from .access import get_unit_for_user


def cadre_counts(user, under: Unit | None = None) -> Counter:
    """Active cadres per unit path, each unit counting its whole subtree: one pass over the
    roster index, cached until a cadre changes (common.lists.cached_figures)."""
    cadres = Cadre.objects.visible_to(user).active()
    if under is not None:
        cadres = cadres.filter(subtree_condition("unit_path", under.path))
    return cached_figures(cadres, _counts_by_subtree, name="unit-counts")


def _counts_by_subtree(cadres) -> Counter:
    totals: Counter = Counter()
    for row in cadres.values("unit_path").annotate(n=Count("pk")).order_by():
        for prefix in Unit.path_prefixes(row["unit_path"]):
            totals[prefix] += row["n"]
    return totals


# Levels of the tree open when the page loads: the user's top unit and the units right below it.
OPEN_LEVELS = 1


def unit_list(request):
    units = Unit.objects.visible_to(request.user).with_parent_name()
    show_dissolved = request.GET.get("dissolved") == "1"
    if not show_dissolved:
        units = units.active()
    query = request.GET.get("q", "").strip()[:200]
    units = list(units)
    for unit in units:
        unit.search_key = unit_search_key(unit)
    if query:
        units = [unit for unit in units if unit_matches(unit.search_key, query)]
    counts = cadre_counts(request.user)
    for unit in units:
        unit.cadre_count = counts[unit.path]
    if not query:
        _nest(units)
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


def unit_search_key(unit: Unit) -> str:
    """What the unit search looks in: names (with the parent's) folded, and the code."""
    return fold(f"{unit.name} {unit.short_name} {unit.parent_name or ''} {unit.code}")


def unit_matches(search_key: str, query: str) -> bool:
    """Every word of the query starts a word of the key, accents ignored: "thon 1 quy nhon"
    finds "Chi đoàn thôn 1 – Đoàn phường Quy Nhơn". static/js/app.js filters the tree alike."""
    words = search_key.split(" ")
    return all(any(word.startswith(part) for word in words) for part in fold(query).split(" "))


def _nest(units: list[Unit]) -> None:
    """Mark a path-ordered list of units for rendering as nested lists: which have children
    shown, which start open, and how many levels close after each."""
    top_depth = min((unit.depth for unit in units), default=1)
    for index, unit in enumerate(units):
        next_depth = units[index + 1].depth if index + 1 < len(units) else top_depth
        unit.has_children = next_depth > unit.depth
        unit.is_open = unit.depth - top_depth < OPEN_LEVELS
        unit.closes = range(max(unit.depth - next_depth, 0))


def unit_detail(request, pk: int):
    unit = get_unit_for_user(request.user, pk)
    visible = Unit.objects.visible_to(request.user)
    ancestors = visible.filter(path__in=unit.ancestor_paths())
    children = list(visible.filter(path__startswith=unit.path, depth=unit.depth + 1))
    counts = cadre_counts(request.user, under=unit)
    for child in children:
        child.cadre_count = counts[child.path]
    return render(
        request,
        "cadres/unit_detail.html",
        {"unit": unit, "ancestors": ancestors, "children": children, "cadre_count": counts[unit.path]},
    )
