"""The dashboard's field-work cards and alerts: the year's days, the cadres who met the quota, the
overdue reports (danger when any), the "behind" alert only from 1 July, the scope, and a query
count that does not grow with the data, cached until the data changes."""

import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from freezegun import freeze_time

from cadres import registry
from cadres.registry import DashboardAlert, DashboardCard
from fieldwork.dashboard import dashboard
from fieldwork.models import Quota
from fieldwork.services import trip_report

from .conftest import client_for

pytestmark = pytest.mark.django_db

PROGRESS = "/fieldwork/progress/"


@pytest.fixture
def people(tree, make_cadre):
    return {
        "lan": make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan"),
        "hung": make_cadre(tree.province, code="uv-btv", full_name="Nguyễn Văn Hùng"),
        "minh": make_cadre(tree.district, code="uv-btv", full_name="Lê Văn Minh"),
        "an": make_cadre(tree.commune_a, full_name="Phạm Văn An"),
    }


@pytest.fixture
def trips(tree, people, make_trip, province_editor):
    """A rule of 10 days for the province office this year; Lan made 10 (reported), Hùng 2.5
    (reported), Minh 1 in June (its report overdue from 12 June); An 0.5 in his commune."""
    Quota.objects.create(year=2026, level="province", min_days=Decimal(10))
    two_weeks = {"starts_on": datetime.date(2026, 3, 2), "ends_on": datetime.date(2026, 3, 13)}
    three_days = {"starts_on": datetime.date(2026, 3, 16), "ends_on": datetime.date(2026, 3, 18)}
    for trip in (
        make_trip(
            tree.province,
            tree.branch_a,
            [people["lan"]],
            **two_weeks,
            days=Decimal(10),
            topic="Chuyển đổi số",
        ),
        make_trip(tree.province, tree.branch_b, [people["hung"]], **three_days, days=Decimal("2.5")),
    ):
        trip_report(trip=trip, base_version=trip.version, files=[], user=province_editor)
    make_trip(tree.district, tree.district_branch, [people["minh"]], starts_on=datetime.date(2026, 6, 1))
    make_trip(
        tree.commune_a,
        tree.branch_a,
        [people["an"]],
        starts_on=datetime.date(2026, 3, 2),
        days=Decimal("0.5"),
    )


def items_for(user) -> tuple[dict[str, DashboardCard], list[DashboardAlert]]:
    request = RequestFactory().get("/")
    request.user = user
    items = dashboard(request)
    cards = {item.title: item for item in items if isinstance(item, DashboardCard)}
    return cards, [item for item in items if isinstance(item, DashboardAlert)]


@freeze_time("2026-07-02 03:00:00")
def test_it_sums_the_years_days_and_counts_who_met_the_quota(province_editor, trips):
    cards, _ = items_for(province_editor)
    days = cards["Ngày đi cơ sở năm 2026"]
    assert (days.value, days.note, days.link) == ("14", "4 cán bộ, 4 lượt", PROGRESS)
    met = cards["Cán bộ đạt định mức 1+2"]
    # Lan met her 10 days; Hùng (2.5 of 10) and Minh (1 of 60) are behind.
    assert (met.value, met.note, met.link) == ("1/3", "2 cán bộ chậm tiến độ", f"{PROGRESS}?state=met")


@freeze_time("2026-07-02 03:00:00")
def test_it_flags_overdue_reports(province_editor, trips):
    cards, alerts = items_for(province_editor)
    overdue = cards["Báo cáo quá hạn"]
    assert (overdue.value, overdue.tone, overdue.link) == (2, "danger", f"{PROGRESS}?state=overdue")
    # Minh's trip of 1 June and An's of 2 March (neither reported).
    assert "2 đợt đi cơ sở quá hạn báo cáo." in [alert.message for alert in alerts]


@freeze_time("2026-07-02 03:00:00")
def test_it_alerts_to_the_cadres_behind_from_july(province_editor, trips):
    _, alerts = items_for(province_editor)
    behind = next(alert for alert in alerts if "chậm tiến độ" in alert.message)
    assert (behind.message, behind.link) == ("2 cán bộ chậm tiến độ “1+2”.", f"{PROGRESS}?state=behind")


@freeze_time("2026-06-30 03:00:00")
def test_it_waits_for_july_before_alerting_to_the_cadres_behind(province_editor, trips):
    cards, alerts = items_for(province_editor)
    assert cards["Cán bộ đạt định mức 1+2"].note == "2 cán bộ chậm tiến độ"
    assert not any("chậm tiến độ" in alert.message for alert in alerts)


@freeze_time("2026-07-02 03:00:00")
def test_it_keeps_to_the_users_scope(commune_editor, trips):
    cards, alerts = items_for(commune_editor)
    # Nobody in commune A is subject to the quota: no quota card; An's trip is the commune's.
    assert set(cards) == {"Ngày đi cơ sở năm 2026", "Báo cáo quá hạn"}
    assert (cards["Ngày đi cơ sở năm 2026"].value, cards["Báo cáo quá hạn"].value) == ("0,5", 1)
    assert [alert.message for alert in alerts] == ["1 đợt đi cơ sở quá hạn báo cáo."]


@freeze_time("2026-07-02 03:00:00")
def test_it_says_nothing_is_overdue_without_alarm(province_editor, people):
    cards, alerts = items_for(province_editor)
    assert (cards["Báo cáo quá hạn"].value, cards["Báo cáo quá hạn"].tone) == (0, "")
    assert cards["Cán bộ đạt định mức 1+2"].value == "0/3"
    assert [alert.message for alert in alerts] == ["3 cán bộ chậm tiến độ “1+2”."]


@freeze_time("2026-07-02 03:00:00")
@pytest.mark.parametrize("size", [1, 10])
def test_it_runs_the_same_queries_whatever_the_data(
    tree, make_cadre, make_trip, province_editor, django_assert_max_num_queries, size
):
    cadres = [make_cadre(tree.province, code="uv-btv") for _ in range(size)]
    for week in range(size):
        start = datetime.date(2026, 1, 5) + datetime.timedelta(weeks=week)
        make_trip(tree.province, tree.branch_a, cadres[week : week + 3], starts_on=start, topic="Chuyên đề")
    with django_assert_max_num_queries(10):
        cards, _ = items_for(province_editor)
    assert cards["Cán bộ đạt định mức 1+2"].value == f"0/{size}"
    with django_assert_max_num_queries(2):  # cached until the data changes: the version's probes
        items_for(province_editor)


@freeze_time("2026-07-02 03:00:00")
def test_it_shows_on_the_dashboard(province_editor, trips):
    if "fieldwork" not in {provider.key for provider in registry.dashboard_providers}:
        registry.register_dashboard(registry.DashboardProvider(key="fieldwork", provider=dashboard, order=30))
    page = client_for(province_editor).get(reverse("reports:dashboard")).content.decode()
    assert "Ngày đi cơ sở năm 2026" in page
    assert "Cán bộ đạt định mức 1+2" in page
    assert f'href="{PROGRESS}?state=behind"' in page
