from django.db.models import Q
from django.shortcuts import render

from ..merge import can_merge_units
from ..models import Unit
from .access import get_unit_for_user


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
    for unit in units:
        unit.indent = unit.depth - top_depth
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
    children = visible.filter(path__startswith=unit.path, depth=unit.depth + 1)
    return render(
        request,
        "cadres/unit_detail.html",
        {"unit": unit, "ancestors": ancestors, "children": children},
    )
