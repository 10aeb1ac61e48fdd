"""The unit merge page: form → preview of what will move → confirmed merge."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from ..merge import UnitMergeForm, can_merge_units, unit_merge
from ..models import UnitMerge


def unit_merge_view(request):
    if not can_merge_units(request.user):
        raise PermissionDenied("Chỉ quản trị viên hoặc cán bộ cấp tỉnh mới được sáp nhập đơn vị.")
    if request.method != "POST":
        return _form_page(request, UnitMergeForm(user=request.user))
    form = UnitMergeForm(request.POST, user=request.user)
    if not form.is_valid() or "back" in request.POST:
        return _form_page(request, form)
    if "confirm" not in request.POST:
        return render(request, "cadres/unit_merge_preview.html", {"form": form, "plan": form.plan})
    try:
        merge = unit_merge(
            **form.merge_arguments(), decision_number=form.cleaned_data["decision_number"], user=request.user
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, form)
    messages.success(
        request,
        f"Đã sáp nhập {merge.sources.count()} đơn vị vào {merge.target.name}: chuyển "
        f"{merge.moved_appointments} chức vụ, {merge.moved_cadres} cán bộ và "
        f"{merge.moved_children} đơn vị trực thuộc.",
    )
    return redirect(merge.target)


def _form_page(request, form):
    recent = (
        UnitMerge.objects.visible_to(request.user)
        .select_related("target", "performed_by")
        .prefetch_related("sources")[:10]
    )
    return render(request, "cadres/unit_merge_form.html", {"form": form, "recent_merges": recent})
