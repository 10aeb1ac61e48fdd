from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import editor_required
from common.filters import filter_errors
from common.lists import ChoiceLabels, paginate

from .. import registry
from ..filters import CadreFilter
from ..forms import (
    AppointmentCloseForm,
    AppointmentForm,
    ArchiveForm,
    CadreCreateForm,
    CadreForm,
    CommendationForm,
    DisciplineForm,
)
from ..history import cadre_history
from ..models import AccessAction, AccessLog, Appointment, Cadre
from ..models.units import parent_name_of
from ..services import (
    StaleEditError,
    appointment_add,
    appointment_close,
    appointment_remove,
    appointment_update,
    cadre_save_checked,
)
from ..services import cadre_archive as archive_cadre
from ..standards import StandardBook
from .access import get_cadre_for_user

PAGE_SIZE = 50
# The roster's columns shown by their choice labels (``get_FOO_display`` builds a dict per call).
# What the rows and their warnings read: the other columns (addresses, dates, the search text…)
# are neither sent by the database nor converted (a fifth of the page's query time on SQLite).
LIST_FIELDS = (
    *("full_name", "gender", "birth_date", "status", "education", "political_theory", "party_joined_on"),
    *("is_school_staff", "unit_path", "position_order", "age_limit", "below_standard"),
)
LIST_LABELS = ChoiceLabels(Cadre, "gender", "education", "political_theory", "status")
RECORD_FORMS = {
    "commendation": (CommendationForm, "khen thưởng"),
    "discipline": (DisciplineForm, "kỷ luật"),
}


def cadre_list(request):
    filterset = CadreFilter(
        request.GET,
        queryset=Cadre.objects.visible_to(request.user)
        .select_related("unit", "position")
        .only(*LIST_FIELDS, "unit", "position")
        .annotate(unit_parent_name=parent_name_of("unit_path")),
        request=request,
    )
    page = paginate(request, filterset.qs, per_page=PAGE_SIZE)
    book = StandardBook()
    url = reverse("cadres:cadre-detail", args=[0]).removesuffix("0/")  # one reverse, not fifty
    for number, cadre in enumerate(page, start=page.start_index()):
        cadre.number, cadre.labels = number, LIST_LABELS.of(cadre)
        cadre.warnings = book.warnings(cadre)
        cadre.unit.parent_name = cadre.unit_parent_name
        cadre.age_today, cadre.url = cadre.age_on(book.day), f"{url}{cadre.pk}/"
    query = request.GET.copy()
    for name in ("page", "after", "before", "last"):
        query.pop(name, None)
    return render(
        request,
        "cadres/cadre_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query_string": query.urlencode(),
            "sort": request.GET.get("sort", ""),
            "search": filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else "",
            "filter_errors": filter_errors(filterset),
        },
    )


def cadre_detail(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    sensitive = request.user.can_see_sensitive
    AccessLog.record(request.user, AccessAction.VIEW, cadre=cadre)
    appointments = cadre.appointments.select_related("unit", "position")
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "cadre": cadre,
            "sensitive": sensitive,
            "warnings": StandardBook().warnings(cadre),
            "open_appointments": [a for a in appointments if a.is_open],
            "appointments": appointments,
            "commendations": cadre.commendations.all(),
            "disciplines": cadre.disciplines.all() if sensitive else None,
            "history": cadre_history(cadre, sensitive=sensitive),
            # Cards of the other apps (planning, training, field work…), cadres.registry.
            "sections": registry.profile_sections_for(request, cadre),
        },
    )


@editor_required
def cadre_create(request):
    form = CadreCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            cadre = form.save(commit=False)
            cadre.unit = form.cleaned_data["unit"]
            cadre.save()
            if form.cleaned_data["position"]:
                appointment_add(
                    cadre=cadre,
                    unit=cadre.unit,
                    position=form.cleaned_data["position"],
                    started_on=form.cleaned_data["started_on"],
                    kind=form.cleaned_data["appointment_kind"],
                    decision_number=form.cleaned_data["decision_number"],
                )
        messages.success(request, f"Đã thêm cán bộ {cadre.full_name}.")
        return redirect(cadre)
    return render(request, "cadres/cadre_form.html", {"form": form})


@editor_required
def cadre_edit(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    form = CadreForm(request.POST or None, instance=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cadre_save_checked(cadre=form.instance, base_version=form.base_version)
        except StaleEditError as error:  # saved by someone else since the form was checked
            form.refuse_stale(error)
        else:
            messages.success(request, "Đã lưu hồ sơ.")
            return redirect(cadre)
    return render(request, "cadres/cadre_form.html", {"form": form, "cadre": cadre})


@editor_required
def cadre_archive(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    if not cadre.is_active:
        messages.info(request, "Hồ sơ này đã được lưu trữ.")
        return redirect(cadre)
    form = ArchiveForm(request.POST or None, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        archive_cadre(
            cadre=cadre,
            status=form.cleaned_data["status"],
            left_on=form.cleaned_data["left_on"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Đã chuyển hồ sơ {cadre.full_name} sang lưu trữ.")
        return redirect(cadre)
    return render(
        request,
        "cadres/simple_form.html",
        {
            "form": form,
            "cadre": cadre,
            "heading": "Thôi công tác",
            "button": "Chuyển sang lưu trữ",
            "button_class": "btn-danger",
            "confirm": f"Chuyển hồ sơ {cadre.full_name} sang lưu trữ? Các chức vụ đang giữ sẽ kết thúc.",
        },
    )


@editor_required
def appointment_create(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    form = AppointmentForm(
        request.POST or None,
        user=request.user,
        initial={"unit": cadre.unit_id},
        instance=Appointment(cadre=cadre),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            appointment = appointment_add(
                cadre=cadre,
                unit=data["unit"],
                position=data["position"],
                started_on=data["started_on"],
                kind=data["kind"],
                decision_number=data["decision_number"],
                note=data["note"],
                close_current=data["close_current"],
            )
            if data["ended_on"]:
                appointment_close(appointment=appointment, ended_on=data["ended_on"])
        messages.success(request, "Đã thêm quá trình công tác.")
        return redirect(cadre)
    return render(
        request,
        "cadres/simple_form.html",
        {
            "form": form,
            "cadre": cadre,
            "heading": "Thêm quá trình công tác",
        },
    )


@require_POST
@editor_required
def appointment_close_view(request, pk: int, appointment_pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    appointment = get_object_or_404(cadre.appointments.open(), pk=appointment_pk)
    form = AppointmentCloseForm(request.POST, appointment=appointment, prefix="close")
    if form.is_valid():
        appointment_close(appointment=appointment, ended_on=form.cleaned_data["ended_on"])
        messages.success(request, f"Đã kết thúc chức vụ {appointment.position} – {appointment.unit}.")
    else:
        messages.error(request, " ".join(form.errors.get("ended_on", ["Ngày kết thúc không hợp lệ."])))
    return redirect(cadre)


def _record_form_class(kind: str):
    if kind not in RECORD_FORMS:
        raise Http404
    return RECORD_FORMS[kind]


@editor_required
def record_form(request, pk: int, kind: str, record_pk: int | None = None):
    """Add a commendation or discipline, or correct one."""
    form_class, label = _record_form_class(kind)
    cadre = get_cadre_for_user(request.user, pk)
    record = None
    if record_pk is not None:
        record = get_object_or_404(form_class._meta.model.objects.filter(cadre=cadre), pk=record_pk)
    # A new record knows its cadre before validation, for the rules between their dates.
    form = form_class(request.POST or None, instance=record or form_class._meta.model(cadre=cadre))
    if request.method == "POST" and form.is_valid():
        try:
            form.save()  # an edit is checked against the version the form was opened at
        except StaleEditError as error:
            form.refuse_stale(error)
        else:
            messages.success(request, f"Đã {'lưu' if record else 'thêm'} {label}.")
            return redirect(cadre)
    heading = f"Sửa {label}" if record else f"Thêm {label}"
    return render(request, "cadres/simple_form.html", {"form": form, "cadre": cadre, "heading": heading})


@require_POST
@editor_required
def record_delete(request, pk: int, kind: str, record_pk: int):
    form_class, label = _record_form_class(kind)
    cadre = get_cadre_for_user(request.user, pk)
    get_object_or_404(form_class._meta.model.objects.filter(cadre=cadre), pk=record_pk).delete()
    messages.success(request, f"Đã xoá {label}.")
    return redirect(cadre)


@editor_required
def appointment_edit(request, pk: int, appointment_pk: int):
    """Correct a recorded post (dates, decision number…): a typo, not a new appointment."""
    cadre = get_cadre_for_user(request.user, pk)
    appointment = get_object_or_404(cadre.appointments.all(), pk=appointment_pk)
    form = AppointmentForm(request.POST or None, instance=appointment, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            appointment_update(appointment=form.save(commit=False), base_version=form.base_version)
        except StaleEditError as error:
            form.refuse_stale(error)
        else:
            messages.success(request, "Đã lưu quá trình công tác.")
            return redirect(cadre)
    return render(
        request,
        "cadres/simple_form.html",
        {"form": form, "cadre": cadre, "heading": "Sửa quá trình công tác"},
    )


@require_POST
@editor_required
def appointment_delete(request, pk: int, appointment_pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    appointment_remove(appointment=get_object_or_404(cadre.appointments.all(), pk=appointment_pk))
    messages.success(request, "Đã xoá quá trình công tác.")
    return redirect(cadre)
