"""The calendar of trips: each trip on every one of its days, holidays and weekends marked, a
busy day's first trips with the number of the others, a month past its limit cut in the
calendar's order, only the trips the user sees, the unit and cadre filters (bad or out-of-scope
ids ignored, the choices bounded), a query count that does not grow with the trips; the private
iCalendar feed: made and renewed on POST, read by a phone without signing in, with exactly the
user's own trips."""

import datetime
import re

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from fieldwork.models import CalendarFeed, TripStatus
from fieldwork.views import calendar as views
from tests.factories import UserFactory
from tests.fieldwork.conftest import client_for

pytestmark = pytest.mark.django_db

CALENDAR = reverse("fieldwork:calendar")
FEED = reverse("fieldwork:feed")
TODAY = "2026-09-10 09:00:00+07:00"
SEPTEMBER = datetime.date(2026, 9, 1)


def sep(day: int) -> datetime.date:
    return SEPTEMBER.replace(day=day)


def ics_url(token: str) -> str:
    return reverse("fieldwork:feed-ics", args=[token])


@pytest.fixture
def cadres(tree, make_cadre):
    return {
        "an": make_cadre(tree.province, full_name="Nguyễn Văn An"),
        "binh": make_cadre(tree.province, full_name="Lê Thị Bình"),
        "cuong": make_cadre(tree.commune_a, full_name="Trần Văn Cường"),
        "khac": make_cadre(tree.other_province, full_name="Phạm Ngoài Tỉnh"),
    }


@pytest.fixture
def trips(tree, cadres, make_trip, province_editor):
    """A province trip across the 2 September holiday, a commune trip later in the month, and
    another province's trip with a cadre of its own."""
    return {
        "province": make_trip(
            tree.province,
            tree.commune_a,
            [cadres["an"], cadres["binh"]],
            starts_on=sep(1),
            ends_on=sep(3),
            topic="Kiểm tra chi đoàn",
            user=province_editor,
        ),
        "commune": make_trip(
            tree.commune_a,
            tree.branch_a,
            [cadres["cuong"]],
            starts_on=sep(14),
            ends_on=sep(15),
            status=TripStatus.REGISTERED,
        ),
        "elsewhere": make_trip(
            tree.other_province,
            tree.other_commune,
            [cadres["khac"]],
            starts_on=sep(8),
            topic="Chuyến tỉnh khác",
        ),
    }


def days_of(response) -> dict[datetime.date, set[int]]:
    """The month's days that have trips, with their trips' ids."""
    return {
        day.date: {trip.pk for trip in day.trips}
        for week in response.context["weeks"]
        for day in week
        if day.in_month and day.trips
    }


def shown(response) -> set[int]:
    return {pk for pks in days_of(response).values() for pk in pks}


def day_of(response, date: datetime.date):
    (day,) = [day for week in response.context["weeks"] for day in week if day.date == date]
    return day


def options_of(response, name: str) -> list[str]:
    """The choices of a filter's select, by their labels."""
    options = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S)[1]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', options)


# --- The month ----------------------------------------------------------------------------------


def test_it_puts_each_trip_on_every_one_of_its_days(trips, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})

    assert response.status_code == 200
    province, commune = trips["province"].pk, trips["commune"].pk
    assert days_of(response) == {
        sep(1): {province},
        sep(2): {province},
        sep(3): {province},
        sep(14): {commune},
        sep(15): {commune},
    }
    html = response.content.decode()
    link = f'href="{trips["province"].get_absolute_url()}"'
    assert html.count(link) == 2 * 3  # each day in the grid (md and up) and in the list (phones)
    assert "Kiểm tra chi đoàn" in html and "Đoàn xã An Bình" in html
    assert "Nguyễn Văn An, Lê Thị Bình" in html
    assert "Đi cơ sở" in html  # the commune trip has no topic


def test_it_continues_a_trip_into_the_next_month(tree, cadres, make_trip, province_editor):
    trip = make_trip(
        tree.province, tree.commune_b, [cadres["an"]], starts_on=sep(29), ends_on=datetime.date(2026, 10, 2)
    )

    response = client_for(province_editor).get(CALENDAR, {"month": "2026-10"})

    assert days_of(response) == {datetime.date(2026, 10, 1): {trip.pk}, datetime.date(2026, 10, 2): {trip.pk}}
    # Its units and cadres are the month's filters' choices.
    assert options_of(response, "unit") == ["Tỉnh đoàn Thử", "Đoàn phường Bắc Sơn – Tỉnh đoàn Thử"]
    assert [label.split(" – ")[0] for label in options_of(response, "cadre")] == ["Nguyễn Văn An"]


def test_a_busy_day_shows_its_first_trips_and_counts_the_others(tree, make_cadre, make_trip, province_editor):
    def trip(starts_on, ends_on, topic):
        crew = [make_cadre(tree.province, full_name=f"Cán bộ {topic}")]
        return make_trip(
            tree.province, tree.commune_a, crew, starts_on=starts_on, ends_on=ends_on, topic=topic
        )

    three_days = trip(sep(1), sep(3), "Ba ngày")
    one_day = [trip(sep(1), sep(1), f"Một ngày {n}") for n in range(4)]
    from_august = trip(datetime.date(2026, 8, 30), sep(2), "Từ tháng Tám")
    into_october = trip(sep(29), datetime.date(2026, 10, 1), "Sang tháng Mười")

    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})

    # By start, end, then id: August's trip first, then those of 1 September ending soonest.
    first = day_of(response, sep(1))
    assert [trip.pk for trip in first.trips] == [from_august.pk, *(trip.pk for trip in one_day[:3])]
    assert (first.count, first.more) == (6, 2)
    second = day_of(response, sep(2))
    assert [trip.pk for trip in second.trips] == [from_august.pk, three_days.pk]
    assert second.more == 0
    assert [trip.pk for trip in day_of(response, sep(3)).trips] == [three_days.pk]
    assert days_of(response)[sep(30)] == {into_october.pk}
    html = response.content.decode()
    assert html.count('data-more="2"') == 1
    assert "+2 đợt khác: lọc theo đơn vị hoặc cán bộ để xem hết." in html
    assert one_day[3].get_absolute_url() not in html
    assert "Tháng này có hơn" not in html
    october = client_for(province_editor).get(CALENDAR, {"month": "2026-10"})
    assert days_of(october) == {datetime.date(2026, 10, 1): {into_october.pk}}


def test_past_its_limit_a_month_shows_its_first_trips_and_says_so(
    tree, make_cadre, make_trip, province_editor, monkeypatch
):
    monkeypatch.setattr(views, "MAX_TRIPS", 2)
    crews = [[make_cadre(tree.province, full_name=f"Cán bộ {n}")] for n in range(4)]
    later = make_trip(tree.province, tree.commune_a, crews[0], starts_on=sep(3))
    pair = [
        make_trip(tree.province, tree.commune_a, crew, starts_on=sep(1), ends_on=sep(2)) for crew in crews[1:]
    ]

    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})

    assert response.context["truncated"]
    assert days_of(response) == {sep(1): {pair[0].pk, pair[1].pk}, sep(2): {pair[0].pk, pair[1].pk}}
    assert day_of(response, sep(1)).more == 0
    html = response.content.decode()
    assert "Tháng này có hơn 2 đợt đi cơ sở: lịch chỉ hiện 2 đợt đầu tiên." in html
    assert later.get_absolute_url() not in html and pair[2].get_absolute_url() not in html


def test_it_names_the_holidays_and_shades_the_weekends(trips, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})

    days = {day.date: day for week in response.context["weeks"] for day in week}
    assert "Quốc khánh" in days[sep(2)].holiday
    assert days[sep(10)].holiday == ""
    assert days[sep(5)].is_weekend and days[sep(6)].is_weekend and not days[sep(7)].is_weekend
    html = response.content.decode()
    assert days[sep(2)].holiday in html
    # The phone list has the holiday's day too.
    assert "Thứ Tư, 02/09/2026" in html


def test_it_leaves_out_cancelled_trips(trips, province_editor):
    trip = trips["commune"]
    trip.status = TripStatus.CANCELLED
    trip.save()

    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})

    assert shown(response) == {trips["province"].pk}


def test_it_shows_only_the_trips_the_user_sees(trips, province_editor, commune_editor):
    province = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})
    commune = client_for(commune_editor).get(CALENDAR, {"month": "2026-09"})

    assert shown(province) == {trips["province"].pk, trips["commune"].pk}
    assert shown(commune) == {trips["commune"].pk}
    for response in (province, commune):
        html = response.content.decode()
        assert "Chuyến tỉnh khác" not in html and "Phạm Ngoài Tỉnh" not in html
        assert trips["elsewhere"].get_absolute_url() not in html


def test_it_filters_by_a_unit_and_its_subtree(tree, trips, province_editor):
    client = client_for(province_editor)

    by_host = client.get(CALENDAR, {"month": "2026-09", "unit": tree.commune_a.pk})
    by_branch = client.get(CALENDAR, {"month": "2026-09", "unit": tree.branch_a.pk})
    by_other = client.get(CALENDAR, {"month": "2026-09", "unit": tree.commune_b.pk})

    # The province trip is hosted by the commune; the commune's trip is organised by it.
    assert shown(by_host) == {trips["province"].pk, trips["commune"].pk}
    assert shown(by_branch) == {trips["commune"].pk}
    assert shown(by_other) == set()
    assert by_host.context["filtered"] and by_host.context["unit"] == tree.commune_a
    html = by_host.content.decode()
    assert f'<option value="{tree.commune_a.pk}" selected>' in html
    assert "Không có đợt đi cơ sở nào khớp với bộ lọc" in by_other.content.decode()


def test_it_offers_the_units_of_the_months_trips_and_those_above(tree, trips, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09"})

    options = re.search(r'<select name="unit"[^>]*>(.*?)</select>', response.content.decode(), re.S)[1]
    values = re.findall(r'<option value="(\d*)"', options)
    assert values == ["", str(tree.province.pk), str(tree.commune_a.pk), str(tree.branch_a.pk)]
    assert '<option value="" selected>Tất cả</option>' in options


def test_the_filters_choices_are_kept_until_a_trip_a_cadre_or_a_unit_changes(
    tree, trips, cadres, make_cadre, make_trip, province_editor
):
    client = client_for(province_editor)
    month = {"month": "2026-09"}

    def visit() -> tuple[int, list[str], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CALENDAR, month)
        return len(queries), options_of(response, "unit"), options_of(response, "cadre")

    read, units, offered = visit()
    kept, *again = visit()
    assert kept < read and again == [units, offered]  # the choices' queries are not run again

    # A new trip of the month, with a cadre of its own: offered on the next visit.
    dung = make_cadre(tree.commune_b, full_name="Võ Thị Dung")
    make_trip(tree.province, tree.commune_b, [dung], starts_on=sep(21), ends_on=sep(22))
    count, units, offered = visit()
    assert count == read
    assert "Võ Thị Dung – Đoàn phường Bắc Sơn" in offered
    assert "Đoàn phường Bắc Sơn – Tỉnh đoàn Thử" in units

    # A cadre renamed, a unit renamed: shown as they are now.
    dung.full_name = "Võ Thị Dũng"
    dung.save()
    assert "Võ Thị Dũng – Đoàn phường Bắc Sơn" in visit()[2]
    tree.commune_b.name = "Đoàn phường Bắc Sơn Mới"
    tree.commune_b.save()
    assert "Đoàn phường Bắc Sơn Mới – Tỉnh đoàn Thử" in visit()[1]


def test_it_filters_by_cadre(trips, cadres, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09", "cadre": cadres["cuong"].pk})

    assert shown(response) == {trips["commune"].pk}
    assert response.context["cadre"] == cadres["cuong"]
    options = re.search(r'<select name="cadre"[^>]*>(.*?)</select>', response.content.decode(), re.S)[1]
    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<–]+) –", options)
    assert [name.strip() for name in names] == ["Lê Thị Bình", "Nguyễn Văn An", "Trần Văn Cường"]


def test_the_cadre_choices_stop_at_their_limit(trips, cadres, province_editor, monkeypatch):
    monkeypatch.setattr(views, "MAX_OPTIONS", 2)
    client = client_for(province_editor)

    offered = options_of(client.get(CALENDAR, {"month": "2026-09"}), "cadre")
    chosen = client.get(CALENDAR, {"month": "2026-09", "cadre": cadres["cuong"].pk})

    names = [label.split(" – ")[0] for label in offered]
    assert len(names) == 2 and names == sorted(names)
    assert set(names) < {"Lê Thị Bình", "Nguyễn Văn An", "Trần Văn Cường"}
    assert f'<option value="{cadres["cuong"].pk}" selected>' in chosen.content.decode()


def test_it_ignores_a_unit_or_cadre_outside_the_scope(tree, trips, cadres, commune_editor):
    client = client_for(commune_editor)

    for params in ({"unit": tree.province.pk}, {"unit": tree.other_commune.pk}, {"cadre": cadres["khac"].pk}):
        response = client.get(CALENDAR, {"month": "2026-09", **params})

        assert response.status_code == 200
        assert not response.context["filtered"]
        assert shown(response) == {trips["commune"].pk}
        html = response.content.decode()
        assert "Tỉnh đoàn Khác" not in html and "Đoàn xã Ngoài" not in html and "Phạm Ngoài Tỉnh" not in html
        assert " selected>" not in html.replace('<option value="" selected>', "")


@freeze_time(TODAY)
@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "abc"},
        {"month": "9999-01"},
        {"unit": "x"},
        {"unit": "²"},
        {"unit": "99999999999999999999"},
        {"unit": "-1"},
        {"cadre": "abc"},
        {"cadre": "0"},
        {"cadre": "99999999999999999999"},
    ],
)
def test_it_ignores_a_bad_month_or_id(trips, province_editor, params):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-09", **params})

    assert response.status_code == 200
    assert response.context["month"] == SEPTEMBER
    assert not response.context["filtered"]
    assert shown(response) == {trips["province"].pk, trips["commune"].pk}


@freeze_time(TODAY)
def test_it_shows_this_month_by_default(trips, province_editor):
    response = client_for(province_editor).get(CALENDAR)

    assert response.context["month"] == SEPTEMBER
    (today,) = [day for week in response.context["weeks"] for day in week if day.is_today]
    assert today.date == sep(10)


def test_an_empty_month_says_so(trips, province_editor):
    html = client_for(province_editor).get(CALENDAR, {"month": "2026-06"}).content.decode()

    assert "Không có đợt đi cơ sở nào trong tháng 6/2026." in html


def test_the_query_count_does_not_grow_with_trips(
    tree, make_cadre, make_trip, province_editor, django_assert_max_num_queries
):
    client = client_for(province_editor)
    hosts = [tree.commune_a, tree.commune_b, tree.district, tree.district_commune] * 3
    for n, host in enumerate(hosts, start=1):
        crew = [make_cadre(tree.province, full_name=f"Cán bộ {n} {k}") for k in range(3)]
        make_trip(tree.province, host, crew, starts_on=sep(n), ends_on=sep(n + 2), topic=f"Đợt {n}")

    # 13: the scope's units are read as ids first (``visible_to_by_organiser``).
    with django_assert_max_num_queries(13):
        response = client.get(CALENDAR, {"month": "2026-09", "unit": tree.province.pk})

    assert len(shown(response)) == len(hosts)


def test_the_calendar_rejects_post(province_editor):
    assert client_for(province_editor).post(CALENDAR).status_code == 405


def test_the_calendar_asks_anonymous_users_to_sign_in(db):
    response = Client().get(CALENDAR)

    assert response.status_code == 302 and "login" in response["Location"]


# --- The feed -----------------------------------------------------------------------------------


def read_feed(client, token: str) -> icalendar.Calendar:
    response = client.get(ics_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_of(ical: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in ical.walk("VEVENT")}


def test_a_first_post_creates_the_feed(cadres, province_editor):
    client = client_for(province_editor)
    assert "feed-url" not in client.get(FEED).content.decode()

    response = client.post(FEED, {"cadre": cadres["an"].pk}, follow=True)

    feed = CalendarFeed.objects.get(user=province_editor)
    assert feed.cadre == cadres["an"] and len(feed.token) >= 32
    assert response.redirect_chain == [(FEED, 302)]
    html = response.content.decode()
    assert "Đã tạo địa chỉ lịch" in html
    assert f'value="http://testserver{ics_url(feed.token)}"' in html
    assert "Thêm lịch đã đăng ký" in html and "Từ URL" in html


def test_the_feed_page_changes_nothing_on_get(province_editor):
    assert client_for(province_editor).get(FEED).status_code == 200
    assert not CalendarFeed.objects.exists()


def test_a_viewer_may_have_a_feed(viewer):
    response = client_for(viewer).post(FEED, {"cadre": ""})

    assert response.status_code == 302
    assert CalendarFeed.objects.get(user=viewer).cadre is None


def test_it_refuses_a_cadre_outside_the_scope(cadres, commune_editor):
    response = client_for(commune_editor).post(FEED, {"cadre": cadres["an"].pk})

    assert response.status_code == 200
    assert "không thuộc phạm vi" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_it_offers_the_cadres_found_by_name(cadres, province_editor):
    response = client_for(province_editor).get(FEED, {"q": "cuong"})

    options = re.search(r'<select name="cadre"[^>]*>(.*?)</select>', response.content.decode(), re.S)[1]
    assert "Trần Văn Cường" in options and "Nguyễn Văn An" not in options


@freeze_time(TODAY)
def test_the_feed_has_the_users_own_trips(tree, trips, cadres, make_trip, province_editor):
    # A trip of another province with the user's own record on it: theirs, though out of scope.
    visiting = make_trip(
        tree.other_province, tree.other_commune, [cadres["an"]], starts_on=sep(20), topic="Đi giúp"
    )
    old = make_trip(tree.province, tree.commune_b, [cadres["an"]], starts_on=datetime.date(2025, 9, 1))
    cancelled = make_trip(tree.province, tree.commune_b, [cadres["an"]], starts_on=sep(24))
    cancelled.status = TripStatus.CANCELLED
    cancelled.save()
    client = client_for(province_editor)
    client.post(FEED, {"cadre": cadres["an"].pk})
    token = CalendarFeed.objects.get(user=province_editor).token

    ical = read_feed(Client(), token)

    assert str(ical["VERSION"]) == "2.0" and ical["PRODID"]
    assert str(ical["X-WR-CALNAME"]) == f"Đi cơ sở – {province_editor.get_full_name()}"
    assert str(ical["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    events = events_of(ical)
    province = trips["province"]
    assert set(events) == {f"fieldtrip-{province.pk}@testserver", f"fieldtrip-{visiting.pk}@testserver"}
    event = events[f"fieldtrip-{province.pk}@testserver"]
    assert event.decoded("DTSTART") == sep(1)
    assert event.decoded("DTEND") == sep(4)  # exclusive
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["SUMMARY"]) == "Đi cơ sở: Kiểm tra chi đoàn"
    assert str(event["LOCATION"]) == "Đoàn xã An Bình"
    assert str(event["URL"]) == f"http://testserver{province.get_absolute_url()}"
    description = str(event["DESCRIPTION"])
    assert "Nguyễn Văn An (" in description and "Lê Thị Bình (" in description
    assert f"Hạn báo cáo: {province.report_due_on:%d/%m/%Y}" in description
    assert "Trạng thái: Đã đi" in description
    assert old.pk not in {int(uid.split("-")[1].split("@")[0]) for uid in events}


@freeze_time(TODAY)
def test_the_feed_without_a_record_has_the_trips_the_user_registered(trips, province_editor, commune_editor):
    client_for(commune_editor).post(FEED, {"cadre": ""})
    client_for(province_editor).post(FEED, {"cadre": ""})

    mine = events_of(read_feed(Client(), CalendarFeed.objects.get(user=province_editor).token))
    theirs = events_of(read_feed(Client(), CalendarFeed.objects.get(user=commune_editor).token))

    assert set(mine) == {f"fieldtrip-{trips['province'].pk}@testserver"}  # registered by them
    assert theirs == {}


def test_renewing_the_link_retires_the_old_one(province_editor):
    client = client_for(province_editor)
    client.post(FEED, {"cadre": ""})
    old = CalendarFeed.objects.get(user=province_editor).token
    html = client.get(FEED).content.decode()
    assert re.search(
        r'<form method="post" data-confirm="[^"]+">\s*<input type="hidden" name="csrfmiddlewaretoken"', html
    )

    response = client.post(FEED, {"action": "renew"}, follow=True)

    new = CalendarFeed.objects.get(user=province_editor).token
    assert new != old
    assert "Đã tạo liên kết mới" in response.content.decode()
    assert Client().get(ics_url(old)).status_code == 404
    assert Client().get(ics_url(new)).status_code == 200


@pytest.mark.parametrize("token", ["unknown", "x" * 65])
def test_an_unknown_token_is_not_found(province_editor, token):
    CalendarFeed.objects.create(user=province_editor, token="x" * 64)

    assert Client().get(ics_url(token)).status_code == 404


def test_the_feed_of_an_inactive_user_is_not_found(db):
    user = UserFactory(username="nghi", is_active=False)
    feed = CalendarFeed.objects.create(user=user)

    assert Client().get(ics_url(feed.token)).status_code == 404


def test_the_feed_works_without_signing_in_and_stays_private(province_editor):
    feed = CalendarFeed.objects.create(user=province_editor)

    response = Client().get(ics_url(feed.token))

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert b"BEGIN:VCALENDAR" in response.content


def test_the_feed_rejects_post(province_editor):
    feed = CalendarFeed.objects.create(user=province_editor)

    assert Client().post(ics_url(feed.token)).status_code == 405
