"""The calendar of trips (a month grid, weeks from Monday, holidays and weekends marked; a list
of days on phones) and each user's private iCalendar feed of their own trips, which a phone's
calendar reads with the secret address alone."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from decimal import Decimal

import icalendar
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from cadres.models import Cadre, Unit
from common import calendar
from common.lists import cached_figures
from common.text import positive_id
from common.widgets import SearchableSelect
from units.models import unit_label
from units.scope import path_prefixes, subtree_condition

from ..forms import cadre_label
from ..models import (
    FIRST_DATE,
    LAST_DATE,
    MAX_TRIP_DAYS,
    CalendarFeed,
    FieldTrip,
    TripMember,
    TripStatus,
    new_feed_token,
)
from ..workdays import holiday_name

YEARS = range(FIRST_DATE.year, LAST_DATE.year + 1)
# The legend of the trips' colours, as ``FieldTrip.status_tone`` gives them.
STATUSES = [
    (label, FieldTrip(status=value).status_tone)
    for value, label in TripStatus.choices
    if value != TripStatus.CANCELLED
]
MAX_TRIPS = 5000  # a month's trips placed on its days; past that the filters narrow it
MAX_OPTIONS = 300  # a filter's choices
MAX_NAMES = 3  # members named on a day of the grid, "+N" for the rest
MAX_PER_DAY = 4  # trips shown on a day (a province's busy day has dozens), "+N" for the rest
FEED_MAX_TRIPS = 1000
FEED_PAST = datetime.timedelta(days=365)
MAX_TOKEN = 64


@dataclass(frozen=True)
class ShownTrip:
    """A trip as the month shows it: the grid's chip and the phone list's line, built once (a
    busy month shows a trip on each of its days, twice)."""

    pk: int
    chip: str
    line: str


@dataclass(frozen=True)
class TripDay(calendar.Day):
    """A day of the month: its first ``MAX_PER_DAY`` trips (``items``) and how many it has."""

    count: int = 0

    @property
    def trips(self) -> tuple[ShownTrip, ...]:
        return self.items

    @property
    def more(self) -> int:
        return self.count - len(self.items)

    @property
    def holiday(self) -> str:
        return holiday_name(self.date) if self.in_month else ""


@dataclass(frozen=True)
class DateGroup:
    """The month's trips with the same dates: how many, and the ids of the first
    ``MAX_PER_DAY`` (a day lists its trips by start, end, then id)."""

    starts_on: datetime.date
    ends_on: datetime.date
    count: int
    first: tuple[int, ...]

    def days_in(self, month: datetime.date) -> list[datetime.date]:
        start, end = max(self.starts_on, month), min(self.ends_on, calendar.last_day(month))
        return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


# --- The month --------------------------------------------------------------------------------


@require_GET
def trip_calendar(request):
    user = request.user
    today = timezone.localdate()
    month = calendar.parse_month(request.GET.get("month", ""), today, years=YEARS)
    month_trips = (
        FieldTrip.objects.visible_to_by_organiser(user)
        .exclude(status=TripStatus.CANCELLED)
        .filter(
            # A trip lasts at most MAX_TRIP_DAYS: bounding its start from below too lets the index
            # on starts_on read the weeks before the month, not every trip before its end.
            starts_on__gt=month - datetime.timedelta(days=MAX_TRIP_DAYS),
            starts_on__lte=calendar.last_day(month),
            ends_on__gte=month,
        )
    )
    unit = _chosen(Unit.objects.visible_to(user).with_parent_name(), request.GET.get("unit"))
    cadre = _chosen(Cadre.objects.visible_to(user).select_related("unit"), request.GET.get("cadre"))
    filtered = unit is not None or cadre is not None
    trips = month_trips
    if unit is not None:
        trips = trips.filter(
            subtree_condition("organiser__path", unit.path) | subtree_condition("host__path", unit.path)
        )
    if cadre is not None:
        trips = trips.filter(Exists(TripMember.objects.filter(trip=OuterRef("pk"), cadre=cadre)))
    groups = _date_groups(trips)
    if not filtered:
        # These are the month's groups, so its trips start on the first one's day or later: the
        # filters' choices read them from there (or not at all), not from MAX_TRIP_DAYS before.
        month_trips = month_trips.filter(starts_on__gte=groups[0].starts_on) if groups else month_trips.none()
    total = sum(group.count for group in groups)
    counts, days_shown = _place(_cap(groups, MAX_TRIPS), month)
    shown = _shown_trips(days_shown.keys())
    placed = calendar.month_weeks(
        month, shown, today, days_of=lambda trip: days_shown[trip.pk], day_class=TripDay
    )
    weeks = [[replace(day, count=counts[day.date]) for day in week] for week in placed]
    unit_rows, cadre_rows = _choices(user, month_trips)
    return render(
        request,
        "fieldwork/calendar.html",
        {
            "month": month,
            "previous_month": calendar.shift_month(month, -1, years=YEARS),
            "next_month": calendar.shift_month(month, 1, years=YEARS),
            "this_month": today.replace(day=1),
            "weekdays": calendar.WEEKDAYS,
            "statuses": STATUSES,
            "weeks": weeks,
            "trip_days": [
                day for week in weeks for day in week if day.in_month and (day.trips or day.holiday)
            ],
            "has_trips": total > 0,
            "truncated": total > MAX_TRIPS,
            "max_trips": MAX_TRIPS,
            "unit": unit,
            "cadre": cadre,
            "unit_select": _select("unit", _unit_choices(unit_rows, unit), unit),
            "cadre_select": _select("cadre", _cadre_choices(cadre_rows, cadre), cadre),
            "filtered": filtered,
        },
    )


def _date_groups(trips) -> list[DateGroup]:
    """The trips grouped by their dates, in the calendar's order, each group with its size and
    its first ``MAX_PER_DAY`` trips: all that a day can show. A month has a few dozen pairs of
    dates however many trips it holds, and both queries read a row per pair."""
    rows = list(
        trips.order_by("starts_on", "ends_on")
        .values_list("starts_on", "ends_on")
        .annotate(size=Count("pk"), first=Min("pk"))
    )
    # A group's trips after its first, a subquery each that walks the index on starts_on in id
    # order and stops there (ranking the month's trips in a window takes SQLite twice as long).
    same_dates = (
        trips.filter(starts_on=OuterRef("starts_on"), ends_on=OuterRef("ends_on")).order_by("pk").values("pk")
    )
    following = {
        first: [pk for pk in rest if pk is not None]
        for first, *rest in FieldTrip.objects.filter(pk__in=[first for *_, first in rows]).values_list(
            "pk", *(Subquery(same_dates[n : n + 1]) for n in range(1, MAX_PER_DAY))
        )
    }
    return [
        DateGroup(starts_on, ends_on, size, (first, *following[first]))
        for starts_on, ends_on, size, first in rows
    ]


def _cap(groups: list[DateGroup], limit: int) -> list[DateGroup]:
    """The groups of the first ``limit`` trips in the calendar's order, the last one cut short."""
    kept = []
    for group in groups:
        if limit <= 0:
            break
        count = min(group.count, limit)
        kept.append(replace(group, count=count, first=group.first[:count]))
        limit -= count
    return kept


def _place(
    groups: list[DateGroup], month: datetime.date
) -> tuple[Counter[datetime.date], dict[int, list[datetime.date]]]:
    """Each day's number of trips, and the days each trip is among the first ``MAX_PER_DAY`` of:
    a day's trips, in the calendar's order, are those of the groups over it, group after group."""
    counts: Counter[datetime.date] = Counter()
    days_shown: dict[int, list[datetime.date]] = defaultdict(list)
    for group in groups:
        for day in group.days_in(month):
            for pk in group.first[: max(0, MAX_PER_DAY - counts[day])]:
                days_shown[pk].append(day)
            counts[day] += group.count
    return counts, days_shown


def _shown_trips(pks: Collection[int]) -> list[ShownTrip]:
    """The trips the month shows, in the calendar's order, drawn from plain rows: a busy month
    shows a hundred trips and their cadres."""
    crews = defaultdict(list)
    for trip_id, name in (
        TripMember.objects.filter(trip__in=pks).order_by("pk").values_list("trip_id", "cadre__full_name")
    ):
        crews[trip_id].append(name)
    return [
        _render_trip(row, crews[row["pk"]])
        for row in FieldTrip.objects.filter(pk__in=pks)
        .order_by("starts_on", "ends_on", "pk")
        .values("pk", "topic", "status", "host__name")
    ]


def _members():
    """A trip's members, with their names only (the roster's rows are wide)."""
    return (
        TripMember.objects.select_related("cadre").only("trip_id", "days", "cadre__full_name").order_by("pk")
    )


STATUS_LABELS = dict(TripStatus.choices)
TONES = {value: FieldTrip(status=value).status_tone for value in TripStatus.values}


def _render_trip(row: dict, names: list[str]) -> ShownTrip:
    crew, crew_full = _crew(names)
    url = reverse("fieldwork:trip-detail", args=[row["pk"]])
    topic, host, tone = row["topic"] or "Đi cơ sở", row["host__name"], TONES[row["status"]]
    status = STATUS_LABELS[row["status"]]
    people = format_html(
        '<span class="d-block text-truncate opacity-75"><i class="bi bi-people"></i> {}</span>', crew
    )
    chip = format_html(
        '<a class="d-block small lh-sm text-decoration-none rounded px-1 py-1 mb-1 text-bg-{}" href="{}" '
        'title="{} – {} ({}): {}"><span class="d-block text-truncate fw-semibold">{}</span>'
        '<span class="d-block text-truncate">{}</span>{}</a>',
        tone,
        url,
        topic,
        host,
        status.lower(),
        crew_full,
        topic,
        host,
        people if crew else "",
    )
    line = format_html(
        '<li class="text-break mt-1"><a href="{}">{}</a> <span class="badge text-bg-{}">{}</span><br>'
        '<span class="small text-body-secondary">{}{}</span></li>',
        url,
        topic,
        tone,
        status,
        host,
        f" · {crew}" if crew else "",
    )
    return ShownTrip(row["pk"], chip, line)


def _crew(names: list[str]) -> tuple[str, str]:
    """The members' names, compact ("Nguyễn Văn An, Lê Thị Bình +2") and in full."""
    compact = ", ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        compact += f" +{len(names) - MAX_NAMES}"
    return compact, ", ".join(names)


def _chosen(queryset, value: str | None):
    """The record picked, if the user sees it; anything else is ignored."""
    pk = positive_id((value or "").strip())
    return queryset.filter(pk=pk).first() if pk else None


def _choices(user, month_trips) -> tuple[list[tuple], list[tuple]]:
    """The filters' choices for the month's trips, as rows: read once, then kept until a trip,
    a cadre or a unit changes (``FieldTripQuerySet.data_version``; the key holds the user's
    scope, which is in the query)."""
    return cached_figures(
        month_trips,
        lambda trips: (_unit_rows(user, trips), _cadre_rows(user, trips)),
        name="trip-calendar-choices",
    )


def _unit_rows(user, month_trips) -> list[tuple]:
    """The units in scope that organise or host a trip of the month, and the units above those
    (a district for its communes' trips), highest first when there are too many."""
    paths = {
        path
        for pair in month_trips.order_by().values_list("organiser__path", "host__path").distinct()
        for path in pair
    }
    prefixes = {prefix for path in paths for prefix in path_prefixes(path, Unit.steplen)}
    return list(
        Unit.objects.visible_to(user)
        .filter(path__in=prefixes)
        .with_parent_name()
        .order_by("depth", "path")
        .values_list("pk", "path", "name", "parent_name")[:MAX_OPTIONS]
    )


def _unit_choices(rows: list[tuple], chosen: Unit | None) -> list[tuple[int, str]]:
    units = list(rows)
    if chosen is not None and chosen.pk not in {pk for pk, *_ in units}:
        units.append((chosen.pk, chosen.path, chosen.name, getattr(chosen, "parent_name", None)))
    return [
        (pk, unit_label(name, parent)) for pk, _path, name, parent in sorted(units, key=lambda row: row[1])
    ]


def _cadre_rows(user, month_trips) -> list[tuple]:
    """The cadres in scope on a trip of the month: all of them, unless there are more than
    ``MAX_OPTIONS`` (a province's busy month has thousands); then those among the first
    ``MAX_OPTIONS`` found, so that the database stops looking. The filter takes any cadre in
    scope."""
    # Joined to the month's trips, which the database reads by date until it has enough.
    on_trips = (
        month_trips.filter(members__cadre__isnull=False)
        .order_by()
        .values_list("members__cadre", flat=True)
        .distinct()
    )
    return list(
        Cadre.objects.visible_to(user)
        .filter(pk__in=on_trips[:MAX_OPTIONS])
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "unit__short_name", "unit__name")[:MAX_OPTIONS]
    )


def _cadre_choices(rows: list[tuple], chosen: Cadre | None) -> list[tuple[int, str]]:
    choices = [(pk, f"{name} – {short or unit}" if unit else name) for pk, name, short, unit in rows]
    if chosen is not None and chosen.pk not in {pk for pk, _ in choices}:
        choices.append((chosen.pk, cadre_label(chosen)))
    return choices


def _select(name: str, choices: list[tuple[int, str]], chosen) -> str:
    widget = SearchableSelect(
        attrs={"class": "form-select", "id": f"id_{name}"}, choices=[("", "Tất cả"), *choices]
    )
    return widget.render(name, chosen.pk if chosen is not None else "")


# --- The feed's settings ------------------------------------------------------------------------


class FeedForm(forms.Form):
    cadre = forms.ModelChoiceField(
        label="Hồ sơ cán bộ của tôi",
        queryset=Cadre.objects.none(),
        required=False,
        empty_label="— Không chọn —",
        widget=SearchableSelect(attrs={"class": "form-select"}),
        help_text="Lịch có thêm mọi đợt đi cơ sở có tên bạn trong danh sách cán bộ đi.",
        error_messages={"invalid_choice": "Hồ sơ đã chọn không thuộc phạm vi của bạn."},
    )

    def __init__(self, *args, user, candidates: list[Cadre], current: Cadre | None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        allowed = Cadre.objects.visible_to(user)
        if current is not None:  # kept even after moving out of the user's units
            allowed = allowed | Cadre.objects.filter(pk=current.pk)
        field.queryset = allowed
        # Offered: a bounded list; accepted: any cadre of the scope.
        field.widget.choices = [
            ("", field.empty_label),
            *((cadre.pk, cadre_label(cadre)) for cadre in candidates),
        ]


@require_http_methods(["GET", "POST"])
def feed_settings(request):
    user = request.user
    feed = CalendarFeed.objects.filter(user=user).select_related("cadre__unit").first()
    current = feed.cadre if feed else None
    query = request.GET.get("q", "").strip()[:100]
    candidates = _feed_candidates(user, query, current)
    if request.method == "POST" and request.POST.get("action") == "renew":
        CalendarFeed.objects.update_or_create(user=user, defaults={"token": new_feed_token()})
        messages.success(
            request,
            "Đã tạo liên kết mới. Liên kết cũ không còn dùng được: hãy thêm lại lịch trên điện thoại.",
        )
        return redirect("fieldwork:feed")
    form = FeedForm(
        request.POST or None, user=user, candidates=candidates, current=current, initial={"cadre": current}
    )
    if request.method == "POST" and form.is_valid():
        CalendarFeed.objects.update_or_create(user=user, defaults={"cadre": form.cleaned_data["cadre"]})
        messages.success(
            request, "Đã lưu lịch đi cơ sở của bạn." if feed else "Đã tạo địa chỉ lịch đi cơ sở của bạn."
        )
        return redirect("fieldwork:feed")
    return render(
        request,
        "fieldwork/feed.html",
        {
            "feed": feed,
            "form": form,
            "query": query,
            "feed_url": request.build_absolute_uri(reverse("fieldwork:feed-ics", args=[feed.token]))
            if feed
            else "",
        },
    )


def _feed_candidates(user, query: str, current: Cadre | None) -> list[Cadre]:
    """The cadres offered as the user's own record: those found by ``query`` (by default the
    user's name) and those of the user's own unit, and the one chosen."""
    scope = Cadre.objects.visible_to(user)
    wanted = Q(pk__in=[])
    name = query or user.get_full_name()
    if name:
        wanted |= Q(pk__in=scope.search(name).values("pk"))
    if user.unit_id and not query:
        wanted |= Q(unit_id=user.unit_id)
    cadres = list(scope.filter(wanted).select_related("unit").order_by("full_name", "pk")[:MAX_OPTIONS])
    if current is not None and current not in cadres:
        cadres.insert(0, current)
    return cadres


# --- The feed -----------------------------------------------------------------------------------


@login_not_required  # a phone's calendar cannot sign in: the secret token is the key
@require_GET
def feed_ics(request, token: str):
    if len(token) > MAX_TOKEN:
        raise Http404
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    host, _port = split_domain_port(request.get_host())
    ical = icalendar.Calendar()
    ical.add("prodid", "-//Doan TNCS Ho Chi Minh//Di co so 1+2//VI")
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    ical.add("x-wr-calname", f"Đi cơ sở – {feed.user.get_full_name() or feed.user.username}")
    ical.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp = timezone.now()
    for trip in feed_trips(feed, timezone.localdate()):
        ical.add_component(_event(trip, uid=f"fieldtrip-{trip.pk}@{host}", stamp=stamp, request=request))
    response = HttpResponse(ical.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="di-co-so.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def feed_trips(feed: CalendarFeed, today: datetime.date) -> list[FieldTrip]:
    """The feed's trips: those the user registered (in their scope) and those of their own record
    on the roster (wherever organised); not cancelled, from a year ago on, newest first."""
    trips = FieldTrip.objects.visible_to(feed.user).filter(created_by=feed.user)
    if feed.cadre_id:
        trips = trips | FieldTrip.objects.filter(
            Exists(TripMember.objects.filter(trip=OuterRef("pk"), cadre_id=feed.cadre_id))
        )
    return list(
        trips.exclude(status=TripStatus.CANCELLED)
        .filter(ends_on__gte=today - FEED_PAST)
        .select_related("organiser", "host")
        .prefetch_related(Prefetch("members", queryset=_members()), "activities")
        .order_by("-starts_on", "-pk")[:FEED_MAX_TRIPS]
    )


def _event(trip: FieldTrip, *, uid: str, stamp: datetime.datetime, request) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", trip.version)
    event.add("dtstart", trip.starts_on)
    event.add("dtend", trip.ends_on + datetime.timedelta(days=1))  # exclusive, as all-day events end
    event.add("summary", f"Đi cơ sở: {trip.topic or trip.host.name}")
    event.add("location", trip.host.name)
    event.add("transp", "TRANSPARENT")
    event.add("url", request.build_absolute_uri(trip.get_absolute_url()))
    event.add("description", _description(trip))
    return event


def _description(trip: FieldTrip) -> str:
    members = ", ".join(
        f"{member.cadre.full_name} ({_days(member.days)} ngày)" for member in trip.members.all()
    )
    lines = [
        f"Đơn vị cử đi: {trip.organiser.name}",
        f"Cơ sở đến: {trip.host.name}",
        f"Cán bộ: {members}",
    ]
    if trip.topic:
        lines.append(f"Chuyên đề: {trip.topic}")
    if activities := [activity.name for activity in trip.activities.all()]:
        lines.append(f"Hoạt động: {', '.join(activities)}")
    lines += [
        f"Trạng thái: {trip.get_status_display()}",
        f"Hạn báo cáo: {trip.report_due_on:%d/%m/%Y}",
    ]
    return "\n".join(lines)


def _days(days: Decimal) -> str:
    """3 → "3", 2.5 → "2,5"."""
    return f"{days.normalize():f}".replace(".", ",")
