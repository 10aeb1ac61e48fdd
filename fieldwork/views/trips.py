"""The trips: list, registration (also from a phone), the trip page with its cadres' days, the
status buttons (đã đi, huỷ), the report with its files, and history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cadres.history import history_entries
from common.dates import today
from common.downloads import ascii_filename, file_response
from common.lists import paginate
from common.models import StaleEditError
from common.text import fold, positive_id
from units.scope import subtree_condition

from ..forms import MemberDaysFormSet, TripFilterForm, TripForm, TripReportForm, TripStatusForm
from ..history import trip_sources
from ..models import FieldTrip, TripMember, TripStatus
from ..services import DaysRow, trip_days_set, trip_save, trip_set_status
from ..services import trip_report as file_report
from .access import editor_required, get_trip_for_user

PAGE_SIZE = 50
# A trip's cadres as its row names them (the roster's rows are wide).
MEMBER_NAMES = (
    TripMember.objects.select_related("cadre").only("trip_id", "days", "cadre__full_name").order_by("pk")
)


@require_GET
def trip_list(request):
    form = TripFilterForm(request.GET or None, user=request.user)
    trips = FieldTrip.objects.visible_to_by_organiser(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            trips = trips.in_year(data["year"])
        if data["status"] == "overdue":
            trips = trips.overdue(today())
        elif data["status"]:
            trips = trips.filter(status=data["status"])
        if data["unit"]:
            path = data["unit"].path
            trips = trips.filter(
                subtree_condition("organiser__path", path) | subtree_condition("host__path", path)
            )
        if data["q"].strip():
            trips = trips.filter(pk__in=_matching(trips, data["q"]))
    # The page is chosen on narrow rows (the database sorts a province's year of trips), then
    # its fifty trips are read whole.
    page = paginate(request, trips.only("pk", "starts_on").order_by("-starts_on", "-pk"), per_page=PAGE_SIZE)
    found = (
        FieldTrip.objects.select_related("organiser", "host")
        .prefetch_related(Prefetch("members", queryset=MEMBER_NAMES))
        .in_bulk([trip.pk for trip in page.object_list])
    )
    page.object_list = [found[trip.pk] for trip in page.object_list if trip.pk in found]
    params = request.GET.copy()
    for name in ("page", "after", "before", "last"):
        params.pop(name, None)
    return render(
        request,
        "fieldwork/trip_list.html",
        {
            "form": form,
            "page": page,
            "today": today(),
            "query_string": params.urlencode(),
            "filtered": form.is_valid() and any(form.cleaned_data.values()),
        },
    )


def _matching(trips, query: str) -> list[int]:
    """Trips whose topic or host holds every word of ``query``, accents ignored."""
    words = fold(query).split()
    return [
        pk
        for pk, topic, host in trips.values_list("pk", "topic", "host__name")
        if all(word in fold(f"{topic} {host}") for word in words)
    ]


@editor_required
def trip_create(request):
    form = TripForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        trip = form.save(commit=False)
        # A trip logged after it began has been made; one registered ahead waits for its day.
        trip.status = TripStatus.DONE if trip.starts_on <= today() else TripStatus.REGISTERED
        try:
            trip_save(
                trip=trip,
                cadres=form.cleaned_data["cadres"],
                days=form.cleaned_data["days"],
                user=request.user,
                activities=form.cleaned_data["activities"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _created_message(trip))
            return redirect(trip)
    return render(request, "fieldwork/trip_form.html", {"form": form, "heading": "Đăng ký đợt đi cơ sở"})


def _created_message(trip: FieldTrip) -> str:
    if trip.status == TripStatus.REGISTERED:
        return f"Đã đăng ký đợt đi cơ sở {trip.starts_on:%d/%m/%Y} tại {trip.host}."
    return (
        f"Đã ghi nhận đợt đi cơ sở tại {trip.host}. Báo cáo kết quả trước ngày {trip.report_due_on:%d/%m/%Y}."
    )


@editor_required
def trip_edit(request, pk: int):
    trip = get_trip_for_user(request.user, pk)
    form = TripForm(request.POST or None, instance=trip, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.saved_by(
            lambda: trip_save(
                trip=form.instance,
                cadres=form.cleaned_data["cadres"],
                days=form.cleaned_data["days"],
                user=request.user,
                base_version=form.base_version,
                activities=form.cleaned_data["activities"],
            )
        )
    ):
        messages.success(request, "Đã lưu đợt đi cơ sở.")
        return redirect(trip)
    return render(
        request,
        "fieldwork/trip_form.html",
        {"form": form, "trip": trip, "heading": "Sửa đợt đi cơ sở"},
    )


@require_GET
def trip_detail(request, pk: int):
    trip = get_trip_for_user(request.user, pk)
    members = list(
        trip.members.select_related("cadre__unit", "cadre__position").order_by("cadre__search_text", "pk")
    )
    return render(
        request,
        "fieldwork/trip_detail.html",
        {
            "trip": trip,
            "members": members,
            "total_days": sum(member.days for member in members),
            "activities": list(trip.activities.all()),
            "attachments": list(trip.attachments.all()),
            "overdue": trip.is_overdue(today()),
            "can_run": request.user.can_edit,
            "started": trip.starts_on <= today(),
            "days_formset": _days_formset(None, members) if request.user.can_edit else None,
        },
    )


def _days_formset(data, members):
    initial = [{"id": member.pk, "version": member.version, "days": member.days} for member in members]
    formset = MemberDaysFormSet(data, initial=initial, prefix="members")
    by_pk = {member.pk: member for member in members}
    for form, row in zip(formset.forms, initial, strict=False):
        key = form.data.get(form.add_prefix("id")) if form.is_bound else row["id"]
        form.member = by_pk.get(positive_id(key))
    return formset


@require_POST
@editor_required
def trip_days(request, pk: int):
    """Each cadre's days, saved together or not at all."""
    trip = get_trip_for_user(request.user, pk)
    members = {member.pk: member for member in trip.members.select_related("cadre")}
    formset = _days_formset(request.POST, list(members.values()))
    problems = []
    if formset.is_valid():
        rows = []
        for form in formset.forms:
            member = members.get(form.cleaned_data.get("id"))
            if member is None:
                problems.append("Danh sách cán bộ của đợt vừa thay đổi: tải lại trang rồi nhập lại.")
                break
            rows.append(DaysRow(member, form.cleaned_data["version"], form.cleaned_data["days"]))
        if not problems:
            try:
                changed = trip_days_set(trip=trip, rows=rows)
            except StaleEditError:
                problems.append("Chưa lưu: số ngày vừa được người khác cập nhật. Tải lại trang rồi nhập lại.")
            except ValidationError as error:
                problems += error.messages
            else:
                messages.success(
                    request, f"Đã lưu số ngày của {changed} cán bộ." if changed else "Không có gì thay đổi."
                )
                return redirect(trip)
    else:
        for form in formset.forms:
            for errors in form.errors.values():
                name = form.member.cadre.full_name if getattr(form, "member", None) else "Một dòng"
                problems += [f"{name}: {error}" for error in errors]
        problems += formset.non_form_errors()
        problems = problems or ["Chưa lưu: số ngày không hợp lệ."]
    for problem in problems:
        messages.error(request, problem)
    return redirect(trip)


STATUS_MESSAGES = {
    TripStatus.DONE: "Đã xác nhận đợt đi cơ sở. Nhớ báo cáo kết quả trước ngày {due:%d/%m/%Y}.",
    TripStatus.CANCELLED: "Đã huỷ đợt đi cơ sở: số ngày không còn được tính.",
    TripStatus.REGISTERED: "Đợt đi cơ sở trở lại trạng thái đã đăng ký.",
}


@require_POST
@editor_required
def trip_status(request, pk: int):
    trip = get_trip_for_user(request.user, pk)
    form = TripStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Yêu cầu không hợp lệ: tải lại trang rồi thử lại.")
        return redirect(trip)
    try:
        trip_set_status(
            trip=trip, status=form.cleaned_data["status"], base_version=form.cleaned_data["version"]
        )
    except StaleEditError:
        messages.error(request, "Chưa lưu: đợt đi cơ sở vừa được người khác cập nhật. Xem lại rồi thử lại.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, STATUS_MESSAGES[trip.status].format(due=trip.report_due_on))
    return redirect(trip)


@editor_required
def trip_report(request, pk: int):
    trip = get_trip_for_user(request.user, pk)
    form = TripReportForm(request.POST or None, request.FILES or None, instance=trip)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.saved_by(
            lambda: file_report(
                trip=form.instance,
                base_version=form.base_version,
                files=form.cleaned_data["files"],
                user=request.user,
            )
        )
    ):
        messages.success(request, "Đã lưu báo cáo kết quả đợt đi cơ sở.")
        return redirect(trip)
    return render(
        request,
        "fieldwork/trip_report.html",
        {
            "form": form,
            "trip": trip,
            "attachments": list(trip.attachments.all()),
            "overdue": trip.is_overdue(today()),
        },
    )


@require_GET
def trip_history(request, pk: int):
    trip = get_trip_for_user(request.user, pk)
    return render(
        request,
        "fieldwork/trip_history.html",
        {
            "trip": trip,
            "history": history_entries(
                trip_sources(request.user), trip, sensitive=request.user.can_see_sensitive, limit=200
            ),
        },
    )


@require_GET
def attachment_download(request, pk: int, file_pk: int):
    trip = get_trip_for_user(request.user, pk)
    attachment = trip.attachments.filter(pk=file_pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    return file_response(handle, attachment.name, ascii_name=ascii_filename(attachment.name))


@require_POST
@editor_required
def attachment_delete(request, pk: int, file_pk: int):
    trip = get_trip_for_user(request.user, pk)
    attachment = trip.attachments.filter(pk=file_pk).first()
    if attachment is None:
        raise Http404
    name = attachment.name
    attachment.file.delete(save=False)
    attachment.delete()
    messages.success(request, f"Đã xoá tệp «{name}».")
    return redirect("fieldwork:trip-report", pk=trip.pk)
