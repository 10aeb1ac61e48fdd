"""The calendar of courses: each course on its class days (or every day of a continuous one),
weeks from Monday with Vietnamese day names, today highlighted; the kind and organiser filters,
bad months and bad filters ignored; only the courses the user sees; a query count that does not
grow with the courses; GET only."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from tests.training.conftest import client_for, kind
from training.models import Course, CourseStatus

pytestmark = pytest.mark.django_db

CALENDAR = reverse("training:calendar")
TODAY = "2026-03-10 09:00:00+07:00"  # a Tuesday, a class day of the weekly course


def new_course(unit, name, starts_on, ends_on, *, code="chuc-danh-bi-thu-co-so", **fields) -> Course:
    return Course.objects.create(
        name=name, kind=kind(code), organiser=unit, starts_on=starts_on, ends_on=ends_on, **fields
    )


@pytest.fixture
def weekly(tree):
    """A province class open for enrolment, meeting on three Tuesdays."""
    return new_course(
        tree.province,
        "Lớp Bí thư chi đoàn học thứ Ba",
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 17),
        class_days=["2026-03-03", "2026-03-10", "2026-03-17"],
        status=CourseStatus.OPEN,
    )


@pytest.fixture
def continuous(tree):
    """A commune course meeting every day, across the end of March."""
    return new_course(
        tree.commune_a,
        "Tập huấn nghiệp vụ xã An Bình",
        datetime.date(2026, 3, 30),
        datetime.date(2026, 4, 2),
        code="tap-huan-nghiep-vu",
    )


@pytest.fixture
def elsewhere(tree):
    """Another province's course: nobody in the tested tree sees it."""
    return new_course(
        tree.other_province,
        "Khoá học của tỉnh khác",
        datetime.date(2026, 3, 5),
        datetime.date(2026, 3, 6),
        status=CourseStatus.RUNNING,
    )


@pytest.fixture
def courses(weekly, continuous, elsewhere):
    return [weekly, continuous, elsewhere]


def days_of(response) -> dict[datetime.date, list[str]]:
    """The month's days that have courses, with the names of their courses."""
    return {day.date: [course.name for course in day.courses] for day in response.context["course_days"]}


def links_to(response, course) -> int:
    return response.content.decode().count(f'href="{course.get_absolute_url()}"')


def test_it_puts_each_course_on_its_class_days(courses, weekly, continuous, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-03"})

    assert response.status_code == 200
    march = datetime.date(2026, 3, 1)
    assert days_of(response) == {
        march.replace(day=3): [weekly.name],
        march.replace(day=10): [weekly.name],
        march.replace(day=17): [weekly.name],
        march.replace(day=30): [continuous.name],
        march.replace(day=31): [continuous.name],
    }
    # Each day once in the grid (md and up) and once in the list (phones).
    assert links_to(response, weekly) == 2 * 3
    assert links_to(response, continuous) == 2 * 2
    html = response.content.decode()
    assert "Thứ Ba, 03/03/2026" in html and "Thứ Ba, 17/03/2026" in html
    assert "Thứ Ba, 24/03/2026" not in html  # the course did not meet that Tuesday


def test_a_continuous_course_continues_into_the_next_month(courses, continuous, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-04"})

    assert days_of(response) == {
        datetime.date(2026, 4, 1): [continuous.name],
        datetime.date(2026, 4, 2): [continuous.name],
    }


def test_the_weeks_start_on_monday_with_vietnamese_day_names(courses, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-03"})

    weeks = response.context["weeks"]
    assert [len(week) for week in weeks] == [7] * len(weeks)
    assert all(week[0].date.weekday() == 0 for week in weeks)
    # 1 March 2026 is a Sunday: the grid opens on Monday 23 February, outside the month.
    assert (weeks[0][0].date, weeks[0][0].in_month) == (datetime.date(2026, 2, 23), False)
    assert weeks[-1][-1].date == datetime.date(2026, 4, 5)
    html = response.content.decode()
    names = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
    headers = re.findall(r'role="columnheader">([^<]+)<', html)
    assert headers == names
    assert "Tháng 3/2026" in html


def test_it_shows_only_the_courses_the_user_sees(courses, weekly, continuous, elsewhere, commune_editor):
    response = client_for(commune_editor).get(CALENDAR, {"month": "2026-03"})

    names = {name for day in days_of(response).values() for name in day}
    expected = set(
        Course.objects.visible_to(commune_editor)
        .filter(starts_on__lte=datetime.date(2026, 3, 31), ends_on__gte=datetime.date(2026, 3, 1))
        .values_list("name", flat=True)
    )
    assert names == expected == {weekly.name, continuous.name}  # the province class is open to it
    assert links_to(response, elsewhere) == 0
    assert elsewhere.name not in response.content.decode()


def test_a_planned_course_above_the_unit_is_not_shown(tree, weekly, commune_editor):
    weekly.status = CourseStatus.PLANNED
    weekly.save()

    response = client_for(commune_editor).get(CALENDAR, {"month": "2026-03"})

    assert days_of(response) == {}


def test_it_filters_by_kind(courses, continuous, province_editor):
    response = client_for(province_editor).get(
        CALENDAR, {"month": "2026-03", "kind": kind("tap-huan-nghiep-vu").pk}
    )

    assert {name for day in days_of(response).values() for name in day} == {continuous.name}
    assert response.context["filtered"]


def test_it_filters_by_organiser(tree, courses, weekly, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-03", "unit": tree.province.pk})

    assert {name for day in days_of(response).values() for name in day} == {weekly.name}
    # The organisers to pick from: the units in scope that organise a course.
    assert {unit.pk for unit in response.context["units"]} == {tree.province.pk, tree.commune_a.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "abc"},
        {"kind": "999999"},
        {"unit": "x"},
        {"unit": "²"},
        {"unit": "99999999999999999999"},
        {"unit": "-1"},
    ],
)
def test_it_ignores_bad_filters(courses, weekly, continuous, province_editor, params):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-03", **params})

    assert response.status_code == 200
    assert not response.context["filtered"]
    assert {name for day in days_of(response).values() for name in day} == {weekly.name, continuous.name}


def test_it_ignores_an_organiser_outside_the_scope(tree, courses, weekly, continuous, commune_editor):
    other = tree.commune_b
    new_course(other, "Khoá của phường Bắc Sơn", datetime.date(2026, 3, 12), datetime.date(2026, 3, 12))

    response = client_for(commune_editor).get(CALENDAR, {"month": "2026-03", "unit": other.pk})

    assert response.context["unit"] is None
    assert {name for day in days_of(response).values() for name in day} == {weekly.name, continuous.name}


@freeze_time(TODAY)
@pytest.mark.parametrize(
    "month", ["", "2026-13", "2026-00", "2026-3", "abc", "0000-01", "9999-01", "2026-03-01", "٢٠٢٦-٠٥"]
)
def test_a_bad_month_shows_this_month(courses, weekly, province_editor, month):
    response = client_for(province_editor).get(CALENDAR, {"month": month})

    assert response.status_code == 200
    assert response.context["month"] == datetime.date(2026, 3, 1)
    assert datetime.date(2026, 3, 10) in days_of(response)


@freeze_time(TODAY)
def test_it_shows_this_month_by_default_with_today_highlighted(courses, weekly, province_editor):
    response = client_for(province_editor).get(CALENDAR)

    assert response.context["month"] == datetime.date(2026, 3, 1)
    (today,) = [day for week in response.context["weeks"] for day in week if day.is_today]
    assert today.date == datetime.date(2026, 3, 10) and today.courses == (weekly,)
    html = response.content.decode()
    assert html.count('aria-current="date"') == 2  # in the grid and in the list
    assert "Hôm nay" in html
    assert "Tháng này" not in html  # already on this month


def test_the_previous_and_next_months_keep_the_filters(courses, province_editor):
    kind_pk = kind("tap-huan-nghiep-vu").pk
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-01", "kind": kind_pk})

    html = response.content.decode()
    previous = re.search(r'href="([^"]+)" rel="prev"', html)[1].replace("&amp;", "&")
    following = re.search(r'href="([^"]+)" rel="next"', html)[1].replace("&amp;", "&")
    assert previous == f"?month=2025-12&kind={kind_pk}"
    assert following == f"?month=2026-02&kind={kind_pk}"


def test_an_empty_month_says_so(courses, province_editor):
    response = client_for(province_editor).get(CALENDAR, {"month": "2026-06"})

    html = response.content.decode()
    assert "Không có khoá học nào trong tháng 6/2026." in html
    assert 'id="calendar-grid"' not in html


def test_the_grid_gives_way_to_a_list_below_the_md_breakpoint(courses, province_editor):
    html = client_for(province_editor).get(CALENDAR, {"month": "2026-03"}).content.decode()

    grid = re.search(r'<div class="([^"]+)"[^>]*id="calendar-grid"', html)[1].split()
    day_list = re.search(r'<ul class="([^"]+)" id="calendar-list"', html)[1].split()
    assert {"d-none", "d-md-block"} <= set(grid)
    assert "d-md-none" in day_list and "d-none" not in day_list


def test_the_query_count_does_not_grow_with_courses(tree, province_editor):
    client = client_for(province_editor)
    day = datetime.date(2026, 3, 2)
    new_course(tree.province, "Khoá 0", day, day)
    with CaptureQueriesContext(connection) as one:
        client.get(CALENDAR, {"month": "2026-03", "unit": tree.province.pk})

    for n, unit in enumerate([tree.commune_a, tree.commune_b, tree.district, tree.province] * 2, start=1):
        new_course(unit, f"Khoá {n}", day + datetime.timedelta(days=n), day + datetime.timedelta(days=n + 3))
    with CaptureQueriesContext(connection) as many:
        response = client.get(CALENDAR, {"month": "2026-03", "unit": tree.province.pk})

    assert sum(len(names) for names in days_of(response).values()) > 3
    assert len(many) == len(one)


def test_it_rejects_post(province_editor):
    assert client_for(province_editor).post(CALENDAR).status_code == 405


def test_it_asks_anonymous_users_to_sign_in(db):
    response = Client().get(CALENDAR)

    assert response.status_code == 302 and "login" in response["Location"]
