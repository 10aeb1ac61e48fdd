"""The targets of a unit's year (section II of its plan) with their actual figures: the list,
the cadres behind a figure, and adding, editing and deleting a target (editors). Targets are
read within the user's scope; one outside it does not exist for them (404). While the unit's
plan of that year is sent up (or accepted), its targets are not changed."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import editor_required
from common.dates import today
from common.lists import cached_count, cached_value, paginate
from common.models import StaleEditError
from common.text import positive_id, thousands
from common.versions import recorded_version
from units.models import Unit, parent_name_of

from .. import services, snapshots
from ..forms_targets import MAX_YEAR, MIN_YEAR, TargetFilterForm, TargetForm
from ..metrics import (
    CATALOGUE,
    Measure,
    counted_among,
    goal_text,
    marked,
    measure,
    population_behind,
    with_result,
)
from ..models import AnnualPlan, Target

PER_PAGE = 50
COUNTED_FILTERS = {"": "Tất cả", "yes": "Đã tính", "no": "Chưa đạt"}


@dataclass
class Status:
    label: str
    tone: str
    code: str


def status_of(target: Target, figure: Measure, current_year: int) -> Status:
    """Đạt; or, while the year runs (or is still to come), Đang thực hiện; else Chưa đạt."""
    if figure.met:
        return Status("Đạt", "success", "met")
    if target.year >= current_year:
        return Status("Đang thực hiện", "info", "running")
    return Status("Chưa đạt", "danger", "missed")


@dataclass
class Row:
    target: Target
    figure: Measure
    goal: str
    status: Status
    metric_label: str


def _targets_url(unit_id: int, year: int) -> str:
    return f"{reverse('reports:targets')}?{urlencode({'year': year, 'unit': unit_id})}"


def _plan_of(unit_id: int, year: int) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(unit_id=unit_id, year=year).only("pk", "status", "unit", "year").first()


def _get_target(user, pk: int) -> Target:
    if positive_id(pk) is None:
        raise Http404
    return get_object_or_404(Target.objects.visible_to(user).select_related("unit"), pk=pk)


def _unit_in_scope(user, value) -> Unit | None:
    """The unit the query string names, within the user's scope: None when not given, 404 when
    it names an id the user does not see; a value that is no id at all is left to the form."""
    if not value:
        return None
    pk = positive_id(value)
    if pk is None:
        return None
    return get_object_or_404(Unit.objects.visible_to(user), pk=pk)


def _default_unit(user) -> Unit | None:
    """The user's own unit; for an administrator of the whole organisation, the first top unit."""
    return user.unit if user.unit_id else Unit.objects.visible_to(user).filter(depth=1).first()


def _locked(request, unit_id: int, year: int) -> bool:
    plan = _plan_of(unit_id, year)
    if plan is not None and plan.is_locked:
        messages.error(request, services.LOCKED)
        return True
    return False


# --- The list ----------------------------------------------------------------------------------


@require_GET
def target_list(request):
    user = request.user
    _unit_in_scope(user, request.GET.get("unit"))  # 404 for a unit out of scope
    form = TargetFilterForm(request.GET, user=user)
    unit, year = form.filters()
    rows = []
    plan = None
    if unit is not None:
        targets = list(
            Target.objects.visible_to(user)
            .filter(unit=unit, year=year)
            .select_related("unit")
            .order_by("order", "pk")
        )
        figures = snapshots.measures(targets)  # after a change, the previous ones for a moment
        current = today().year
        for target in targets:
            figure = figures[target.pk]
            metric = CATALOGUE.get(target.metric)
            rows.append(
                Row(
                    target=target,
                    figure=figure,
                    goal=goal_text(target),
                    status=status_of(target, figure, current),
                    metric_label=metric.label if metric else target.metric,
                )
            )
        plan = _plan_of(unit.pk, year)
    locked = plan is not None and plan.is_locked
    return render(
        request,
        "reports/target_list.html",
        {
            "form": form,
            "unit": unit,
            "year": year,
            "rows": rows,
            "plan": plan,
            "can_edit": user.can_edit and unit is not None and not locked,
            "locked": locked,
            "create_query": urlencode({"unit": unit.pk, "year": year}) if unit is not None else "",
            "met_count": sum(1 for row in rows if row.figure.met),
            "is_past": year < today().year,
            "figures": figures if unit is not None else None,
        },
    )


# --- The cadres behind a figure -------------------------------------------------------------------


@require_GET
def target_cadres(request, pk: int):
    user = request.user
    target = _get_target(user, pk)
    # The figure and the list's count are each a pass over the target's population (a second
    # or more for a province of a million): remembered until any record changes, so the pages
    # and filters after the first look read them back.
    version = recorded_version()
    figure = cached_value("target-figure", (target.pk, target.version, version), lambda: measure(target))
    metric = CATALOGUE.get(target.metric)
    found = population_behind(target)
    page = None
    shown = request.GET.get("counted", "")
    if shown not in COUNTED_FILTERS:
        messages.warning(request, "Bộ lọc “Kết quả” không hợp lệ: đang hiện tất cả.")
        shown = ""
    if found is not None:
        # Unfiltered, the page's rows are asked whether they are counted after they are read.
        # Filtered by the result, the page is found row by row (``with_result``) and counted
        # through ``marked``, each the faster way for its work; the count is then remembered.
        cadres, counting = found.cadres, found.cadres
        if shown:
            cadres = with_result(found, shown == "yes")
            counting = marked(found).filter(is_counted=shown == "yes")
        cadres = (
            cadres.visible_to(user)
            .select_related("unit", "position")
            .annotate(unit_parent_name=parent_name_of("unit_path"))
            .order_by("unit_path", "position_order", "full_name", "id")
        )
        total = cached_count(counting.visible_to(user), version=version)
        page = paginate(request, cadres, per_page=PER_PAGE, count=total)
        counted = None if shown else counted_among(found, [cadre.pk for cadre in page])
        for cadre in page:
            cadre.unit.parent_name = cadre.unit_parent_name
            cadre.is_counted = shown == "yes" if counted is None else cadre.pk in counted
    query = request.GET.copy()
    for name in ("page", "after", "before", "last"):
        query.pop(name, None)
    return render(
        request,
        "reports/target_cadres.html",
        {
            "target": target,
            "metric": metric,
            "figure": figure,
            "goal": goal_text(target),
            "status": status_of(target, figure, today().year),
            "page": page,
            "shown": shown,
            "shown_label": COUNTED_FILTERS[shown],
            "counted_filters": COUNTED_FILTERS,
            "query_string": query.urlencode(),
            "list_url": _targets_url(target.unit_id, target.year),
            "can_edit": user.can_edit,
            "population_note": _population_note(figure, metric),
        },
    )


def _population_note(figure: Measure, metric) -> str:
    if metric is None:
        return ""
    if figure.is_share:
        return (
            f"{thousands(figure.numerator)} trên {thousands(figure.denominator or 0)} "
            f"{metric.unit_word if not metric.cadres else 'cán bộ'} được tính."
        )
    return f"{thousands(figure.numerator)} {metric.unit_word} được tính."


# --- Adding, editing, deleting ---------------------------------------------------------------------


def _year_from(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today().year
    return year if MIN_YEAR <= year <= MAX_YEAR else today().year


@editor_required
@require_http_methods(["GET", "POST"])
def target_create(request):
    user = request.user
    unit = _unit_in_scope(user, request.GET.get("unit")) or _default_unit(user)
    if unit is None:
        raise Http404
    year = _year_from(request.GET.get("year"))
    back = _targets_url(unit.pk, year)
    if _locked(request, unit.pk, year):
        return redirect(back)
    form = TargetForm(request.POST or None, unit=unit, year=year)
    if request.method == "POST" and form.is_valid():
        target = form.save()
        messages.success(request, f"Đã thêm chỉ tiêu {target.order} của năm {year}.")
        return redirect(back)
    return render(
        request,
        "reports/target_form.html",
        {"form": form, "unit": unit, "year": year, "target": None, "back": back},
    )


@editor_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk: int):
    target = _get_target(request.user, pk)
    back = _targets_url(target.unit_id, target.year)
    if _locked(request, target.unit_id, target.year):
        return redirect(back)
    form = TargetForm(request.POST or None, instance=target, unit=target.unit, year=target.year)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()  # checked against the version the form was opened at
        except StaleEditError as error:
            form.refuse_stale(error)
        else:
            messages.success(request, f"Đã lưu chỉ tiêu {target.order} của năm {target.year}.")
            return redirect(back)
    return render(
        request,
        "reports/target_form.html",
        {"form": form, "unit": target.unit, "year": target.year, "target": target, "back": back},
    )


@editor_required
@require_http_methods(["GET", "POST"])
def target_delete(request, pk: int):
    target = _get_target(request.user, pk)
    back = _targets_url(target.unit_id, target.year)
    if _locked(request, target.unit_id, target.year):
        return redirect(back)
    if request.method == "POST":
        target.delete()
        messages.success(request, f"Đã xoá chỉ tiêu {target.order} của năm {target.year}.")
        return redirect(back)
    return render(
        request,
        "reports/target_confirm_delete.html",
        {"target": target, "goal": goal_text(target), "back": back},
    )
