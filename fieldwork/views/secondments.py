"""Grassroots secondments (tăng cường cơ sở): list, creation, the secondment's page, editing,
the end-of-secondment report, deletion and history. The post held in the host unit is a real
concurrent appointment, kept by the service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cadres.history import history_entries
from common.dates import today
from common.lists import paginate

from ..forms import SecondmentFinishForm, SecondmentForm
from ..history import secondment_sources
from ..models import Secondment
from ..services import secondment_delete as delete_secondment
from ..services import secondment_finish as finish_secondment
from ..services import secondment_save
from ..workdays import working_days
from .access import editor_required, get_managed_secondment, get_secondment_for_user, sends

PAGE_SIZE = 50


@require_GET
def secondment_list(request):
    secondments = Secondment.objects.visible_to(request.user).select_related(
        "cadre__unit", "host", "position"
    )
    state = request.GET.get("state", "")
    day = today()
    if state == "current":
        secondments = secondments.filter(starts_on__lte=day, ends_on__gte=day)
    elif state == "unreported":
        secondments = secondments.filter(finished=False, ends_on__lt=day)
    else:
        state = ""
    page = paginate(request, secondments.order_by("-starts_on", "-pk"), per_page=PAGE_SIZE)
    return render(
        request,
        "fieldwork/secondment_list.html",
        {"page": page, "state": state, "today": day, "query_string": f"state={state}" if state else ""},
    )


@editor_required
def secondment_create(request):
    form = SecondmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            secondment = secondment_save(secondment=form.save(commit=False), user=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            held = (
                f", giữ chức vụ {secondment.position} tại {secondment.host}" if secondment.position_id else ""
            )
            messages.success(request, f"Đã ghi nhận {secondment.cadre.full_name} tăng cường cơ sở{held}.")
            return redirect(secondment)
    return render(
        request, "fieldwork/secondment_form.html", {"form": form, "heading": "Cử cán bộ tăng cường cơ sở"}
    )


@editor_required
def secondment_edit(request, pk: int):
    secondment = get_managed_secondment(request.user, pk)
    form = SecondmentForm(request.POST or None, instance=secondment, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.saved_by(
            lambda: secondment_save(
                secondment=form.instance, user=request.user, base_version=form.base_version
            )
        )
    ):
        messages.success(request, "Đã lưu đợt tăng cường cơ sở.")
        return redirect(secondment)
    return render(
        request,
        "fieldwork/secondment_form.html",
        {"form": form, "secondment": secondment, "heading": "Sửa đợt tăng cường cơ sở"},
    )


@require_GET
def secondment_detail(request, pk: int):
    secondment = get_secondment_for_user(request.user, pk)
    day = today()
    return render(
        request,
        "fieldwork/secondment_detail.html",
        {
            "secondment": secondment,
            "years": list(secondment.years.order_by("year")),
            "working_days": working_days(secondment.starts_on, secondment.ends_on),
            "can_run": request.user.can_edit and sends(request.user, secondment),
            "running": secondment.starts_on <= day <= secondment.ends_on,
            "unreported": not secondment.finished and secondment.ends_on < day,
            "started": secondment.starts_on <= day,
        },
    )


@editor_required
def secondment_finish(request, pk: int):
    secondment = get_managed_secondment(request.user, pk)
    form = SecondmentFinishForm(request.POST or None, instance=secondment)
    finish = lambda: finish_secondment(secondment=form.instance, base_version=form.base_version)  # noqa: E731
    if request.method == "POST" and form.is_valid() and form.saved_by(finish):
        messages.success(request, "Đã lưu báo cáo kết thúc tăng cường cơ sở; chức vụ tại cơ sở đã kết thúc.")
        return redirect(secondment)
    return render(request, "fieldwork/secondment_finish.html", {"form": form, "secondment": secondment})


@require_POST
@editor_required
def secondment_delete(request, pk: int):
    secondment = get_managed_secondment(request.user, pk)
    name = secondment.cadre.full_name
    delete_secondment(secondment=secondment)
    messages.success(request, f"Đã xoá đợt tăng cường cơ sở của {name} (và chức vụ tại cơ sở đã ghi).")
    return redirect("fieldwork:secondments")


@require_GET
def secondment_history(request, pk: int):
    secondment = get_secondment_for_user(request.user, pk)
    return render(
        request,
        "fieldwork/secondment_history.html",
        {
            "secondment": secondment,
            "history": history_entries(
                secondment_sources(request.user),
                secondment,
                sensitive=request.user.can_see_sensitive,
                limit=200,
            ),
        },
    )
