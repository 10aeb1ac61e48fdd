"""Field work in a real Chromium, as a province's staff work: log a trip for two cadres from a
phone, file its report and watch both cadres' progress bars move; the overdue list; the trip
list's and the calendar's filters filled and submitted as a person does, compared with counts from
the database; the calendar feed's address set up and read back as a phone's calendar would."""

import datetime
import re

import icalendar
import pytest
from playwright.sync_api import expect

from accounts.models import Role
from common.dates import today
from fieldwork.models import CalendarFeed, FieldTrip, TripStatus
from fieldwork.services import trip_save
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import log_in
from tests.browser.test_training import no_sideways_scrolling, shown_total, type_date
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def trip(organiser, host, cadres, start, *, days=None, status=TripStatus.DONE, topic="") -> FieldTrip:
    made = FieldTrip(
        organiser=organiser, host=host, starts_on=start, ends_on=start, status=status, topic=topic
    )
    return trip_save(trip=made, cadres=cadres, days=days, user=None)


def pick_cadre(page, typed: str, name: str):
    """Add a cadre in the searchable multiple select, as a person does: type, pick the name."""
    box = page.locator("#id_cadres-ts-control")
    box.click()
    box.type(typed)
    option = page.locator("#id_cadres + .ts-wrapper .ts-dropdown .option", has_text=name).first
    option.click()
    expect(page.locator("#id_cadres + .ts-wrapper .item", has_text=name)).to_have_count(1)
    box.press("Escape")


def done_days(page, cadre) -> float:
    return float(page.locator(f'tr[data-cadre="{cadre.pk}"] [data-done]').get_attribute("data-done"))


@pytest.mark.parametrize("width", [390, 1366])
def test_a_trip_logged_from_a_phone_moves_both_progress_bars(
    browser_page, live_server, tree, make_cadre, width
):
    UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    minh = make_cadre(tree.province, code="uv-btv", full_name="Lê Văn Minh")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/fieldwork/progress/")
    assert (done_days(page, lan), done_days(page, minh)) == (0, 0)

    # The trip, logged from the form after it was made.
    page.goto(live_server.url + "/fieldwork/")
    page.get_by_role("link", name="Đăng ký đợt đi cơ sở").first.click()
    start, end = today() - datetime.timedelta(days=3), today() - datetime.timedelta(days=2)
    type_date(page, "starts_on", f"{start:%d/%m/%Y}")
    type_date(page, "ends_on", f"{end:%d/%m/%Y}")
    choose_unit(page, "an binh", "Đoàn xã An Bình", field="host")
    pick_cadre(page, "tran thi lan", "Trần Thị Lan")
    pick_cadre(page, "le van minh", "Lê Văn Minh")
    page.get_by_label("Số ngày tính cho mỗi người").fill("1,5")
    page.get_by_label("Chuyên đề").fill("Kiểm tra công tác Đoàn quý IV")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Đăng ký đợt đi cơ sở").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận đợt đi cơ sở tại Đoàn xã An Bình")
    made = FieldTrip.objects.get()
    assert sorted(made.members.values_list("cadre__full_name", "days")) == [
        ("Lê Văn Minh", 1.5),
        ("Trần Thị Lan", 1.5),
    ]
    assert no_sideways_scrolling(page)

    # Its report, filed from the trip's page.
    page.get_by_role("link", name="Báo cáo kết quả").click()
    page.get_by_label("Kết quả").fill("Đã dự sinh hoạt 2 chi đoàn, nắm tình hình thanh niên.")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#trip-status")).to_have_text("Đã báo cáo")
    made.refresh_from_db()
    assert made.status == TripStatus.REPORTED

    # Both bars moved by the trip's days.
    page.goto(live_server.url + "/fieldwork/progress/")
    assert (done_days(page, lan), done_days(page, minh)) == (1.5, 1.5)
    bar = page.locator(f'tr[data-cadre="{lan.pk}"] .progress-bar')
    expect(bar).to_have_attribute("data-percent", "2")  # 1,5 of 60 days
    assert bar.evaluate("element => element.style.width") == "2%"
    assert no_sideways_scrolling(page)


def test_the_overdue_list_shows_a_trip_eleven_days_after_its_end(browser_page, live_server, tree, make_cadre):
    UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR)
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    minh = make_cadre(tree.province, code="uv-btv", full_name="Lê Văn Minh")
    late = trip(tree.province, tree.commune_a, [lan], today() - datetime.timedelta(days=11), topic="Quá hạn")
    trip(tree.province, tree.commune_b, [minh], today() - datetime.timedelta(days=10), topic="Còn hạn")
    page = browser_page
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/fieldwork/progress/")
    overdue = page.locator("#overdue")
    expect(overdue.locator("[data-count]").first).to_have_attribute("data-count", "1")
    expect(overdue).to_contain_text("Quá hạn")
    expect(overdue).not_to_contain_text("Còn hạn")
    expect(overdue.locator("[data-days-late]")).to_have_attribute("data-days-late", "1")
    overdue.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(f"/fieldwork/trips/{late.pk}/$"))


@pytest.mark.parametrize("width", [1366, 390])
def test_the_trip_filter_form_counts_what_the_database_counts(
    browser_page, live_server, tree, province_editor, make_cadre, width
):
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    commune = make_cadre(tree.commune_a, full_name="Phạm Văn Xã")
    start = datetime.date(today().year, 3, 2)
    for offset, host in enumerate([tree.commune_a, tree.commune_b, tree.branch_a, tree.commune_a]):
        trip(tree.province, host, [lan], start + datetime.timedelta(days=offset), topic=f"Chuyên đề {offset}")
    trip(tree.commune_a, tree.branch_a, [commune], start, status=TripStatus.REGISTERED)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/fieldwork/")
    assert shown_total(page) == FieldTrip.objects.visible_to(province_editor).count() == 5

    choose_unit(page, "an binh", "Đoàn xã An Bình")
    page.get_by_label("Trạng thái").select_option(label="Đã đi")
    page.get_by_role("button", name="Lọc").click()
    expected = (
        FieldTrip.objects.filter(status=TripStatus.DONE)
        .filter(
            host__path__startswith=tree.commune_a.path,
        )
        .count()
    )
    assert shown_total(page) == expected == 3  # commune A and its chi đoàn, made
    expect(page.locator("#trip-table tbody tr")).to_have_count(expected)
    assert no_sideways_scrolling(page)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_trip_calendar_filter_shows_what_the_database_holds(
    browser_page, live_server, tree, province_editor, make_cadre, width
):
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    minh = make_cadre(tree.province, code="uv-btv", full_name="Lê Văn Minh")
    trip(tree.province, tree.commune_a, [lan], datetime.date(2026, 4, 6), topic="Tháng Tư ở An Bình")
    trip(tree.province, tree.commune_b, [minh], datetime.date(2026, 4, 8), topic="Tháng Tư ở Bắc Sơn")
    trip(tree.province, tree.commune_a, [lan], datetime.date(2026, 5, 4), topic="Tháng Năm")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    shown = "#calendar-grid" if width > 700 else "#calendar-list"
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/fieldwork/calendar/")
    page.get_by_label("Tháng", exact=True).fill("2026-04")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(f"{shown} a[href^='/fieldwork/trips/']")).to_have_count(2)
    expect(page.locator(shown)).not_to_contain_text("Tháng Năm")

    choose_unit(page, "an binh", "Đoàn xã An Bình")
    page.get_by_role("button", name="Lọc").click()
    april = FieldTrip.objects.filter(starts_on__month=4, host=tree.commune_a)
    expect(page.locator(f"{shown} a[href^='/fieldwork/trips/']")).to_have_count(april.count())
    expect(page.locator(shown)).to_contain_text("Tháng Tư ở An Bình")
    expect(page.locator(shown)).not_to_contain_text("Tháng Tư ở Bắc Sơn")
    assert no_sideways_scrolling(page)


def test_the_calendar_feed_gives_a_phone_the_users_own_trips(browser_page, live_server, tree, make_cadre):
    user = UserFactory(
        username="tinhdoan", unit=tree.province, role=Role.EDITOR, first_name="Lan", last_name="Trần Thị"
    )
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    minh = make_cadre(tree.province, code="uv-btv", full_name="Lê Văn Minh")
    day = today() + datetime.timedelta(days=7)
    trip(tree.province, tree.commune_a, [lan], day, status=TripStatus.REGISTERED, topic="Của Lan")
    trip(tree.province, tree.commune_b, [minh], day, status=TripStatus.REGISTERED, topic="Của Minh")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + "/fieldwork/calendar/feed/")
    page.locator("#id_cadre + .ts-wrapper .ts-control").click()
    page.keyboard.type("tran thi lan")
    page.locator(".ts-dropdown .option", has_text="Trần Thị Lan").first.click()
    page.keyboard.press("Escape")
    page.locator("form[method=post]").filter(has=page.locator("#id_cadre")).get_by_role(
        "button"
    ).first.click()
    feed = CalendarFeed.objects.get(user=user)
    assert feed.cadre == lan
    address = page.locator(f"input[value$='/fieldwork/calendar/{feed.token}.ics']")
    expect(address).to_have_count(1)
    assert no_sideways_scrolling(page)

    # A phone reads the address without signing in.
    response = page.context.request.get(address.input_value(), headers={"Cookie": ""})
    assert response.status == 200
    events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Đi cơ sở: Của Lan"]
