"""The training-needs list: who lacks what for the post they hold or are planned for, planning
candidates first, each with the open courses that would meet the need and a button to enrol;
several at once with the checkboxes and the course chooser."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from cadres.models import Cadre
from common.lists import paginate_list

from ..forms import NeedsEnrolForm, NeedsFilterForm
from ..models import ENROLLING, Course
from ..needs import GROUP_BY_CODE, GROUPS, NeedsBook
from ..services import enrol

PAGE_SIZE = 50


def needs_list(request):
    book = NeedsBook(request.user)
    courses = (
        Course.objects.filter(status__in=ENROLLING, ends_on__gte=book.day)
        .visible_to(request.user)
        .select_related("kind")
        .order_by("starts_on", "pk")
    )
    if request.method == "POST":
        return _enrol_chosen(request, courses)
    code = request.GET.get("missing", "")
    code = code if code in GROUP_BY_CODE else ""
    filters = NeedsFilterForm(request.GET, user=request.user)
    unit = filters.cleaned_data["unit"] if filters.is_valid() else None
    counts = book.counts(unit)
    page = paginate_list(request, book.listing(unit, code or "all"), per_page=PAGE_SIZE)
    found = Cadre.objects.select_related("unit", "position").in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    open_courses = list(courses.prefetch_related("kind__positions")[:200])
    rows = book.rows(list(page.object_list), code or None, courses=open_courses)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "training/needs.html",
        {
            "rows": rows,
            "page": page,
            "groups": [(group, counts[group.code]) for group in GROUPS],
            "total": counts["all"],
            "code": code,
            "unit": unit,
            "filters": filters,
            "courses": open_courses,
            "query_string": params.urlencode(),
            "next": request.get_full_path(),
            "rules": book.rules,
            "can_edit": request.user.can_edit,
        },
    )


def _enrol_chosen(request, courses):
    if not request.user.can_edit:
        raise PermissionDenied
    form = NeedsEnrolForm(request.POST, courses=courses)
    back = request.get_full_path()
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    wanted = form.cleaned_data["cadre"]
    found = Cadre.objects.visible_to(request.user).in_bulk(wanted)
    if len(found) != len(set(wanted)):
        messages.error(request, "Không ghi danh: có cán bộ không thuộc phạm vi đơn vị của bạn.")
        return redirect(back)
    course = form.cleaned_data["course"]
    try:
        added = enrol(course, [found[pk] for pk in dict.fromkeys(wanted)], user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"Không ghi danh: {message}")
        return redirect(back)
    messages.success(request, f"Đã ghi danh {len(added)} cán bộ vào «{course}».")
    return redirect(back)
