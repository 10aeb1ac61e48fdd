"""The dashboard's figures of the other apps come from the user's snapshot (reports.snapshots):
after a change the page shows the previous figures with their time and asks again until the
task worker (a real ``db_worker`` here) has computed the new ones, then reloads itself; a
user's first visit queues them and says they are being computed; the roster's own figures stay
live; a user moved to another unit has figures of their own."""

import datetime
import re
from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from cadres.models import Cadre
from common.dates import today
from common.models import Snapshot
from fieldwork.models import FieldTrip, TripStatus
from fieldwork.services import trip_save
from reports.views.dashboard import POLL_LIMIT
from tests.cadres.test_tasks import run_db_worker
from tests.reports.test_dashboard import build_world, cards_of, charts_fragment_of, charts_of

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DAYS_CARD = f"Ngày đi cơ sở năm {today().year}"


@pytest.fixture
def world(tree, make_cadre):
    return build_world(tree, make_cadre, 2)


def one_more_trip(cadre: Cadre) -> None:
    day = today()
    starts_on = max(datetime.date(day.year, 1, 2), day - datetime.timedelta(days=3))
    trip = FieldTrip(
        organiser=cadre.unit, host=cadre.unit, starts_on=starts_on, ends_on=starts_on, status=TripStatus.DONE
    )
    trip_save(trip=trip, cadres=[cadre], days=Decimal(1), user=None)


def visit(client, path="/", **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response


def status_of(response) -> str:
    return re.search(
        r'<p class="small text-body-secondary" id="dashboard-status".*?</p>', response.content.decode(), re.S
    ).group()


def test_after_a_change_it_shows_the_previous_figures_and_reloads_once_the_new_ones_are_in(
    committed_db, client, province_editor, world, settings
):
    client.force_login(province_editor)
    assert cards_of(visit(client))[DAYS_CARD].value == "6"  # computed at once: no worker here
    settings.TASKS = DB_BACKEND
    one_more_trip(world[0])
    cadres_before = Cadre.objects.visible_to(province_editor).active().count()

    page = visit(client)
    status = status_of(page)

    assert cards_of(page)[DAYS_CARD].value == "6"  # the previous figures, while the new are computed
    assert cards_of(page)["Cán bộ đang công tác"].value == cadres_before  # the roster's own: live
    assert "Số liệu nghiệp vụ tổng hợp lúc" in status and "đang cập nhật theo dữ liệu mới" in status
    assert 'hx-get="/?poll=1"' in status and 'hx-trigger="load delay:3s"' in status
    assert 'hx-select="#dashboard-status"' in status
    assert DBTaskResult.objects.count() == 1

    # The page asks again: still computing, so it will ask once more.
    asked = client.get("/", {"poll": 1}, headers={"HX-Request": "true"})
    assert 'hx-get="/?poll=2"' in status_of(asked)
    assert DBTaskResult.objects.count() == 1  # one task for that change, however often asked

    run_db_worker()
    answered = client.get("/", {"poll": 2}, headers={"HX-Request": "true"})
    assert answered.status_code == 204 and answered["HX-Refresh"] == "true"
    reloaded = visit(client)
    assert cards_of(reloaded)[DAYS_CARD].value == "7"
    assert "hx-get" not in status_of(reloaded) and "đang cập nhật" not in status_of(reloaded)


def test_it_stops_asking_after_a_minute_and_says_to_reload_later(client, province_editor, world, settings):
    client.force_login(province_editor)
    visit(client)
    settings.TASKS = DB_BACKEND  # and no worker runs
    one_more_trip(world[0])

    status = status_of(client.get("/", {"poll": POLL_LIMIT}, headers={"HX-Request": "true"}))

    assert "hx-get" not in status
    assert '; <a href="/">tải lại trang</a> sau ít phút để xem số liệu mới.' in status


@pytest.mark.parametrize("poll", ["abc", "-1", "1.5", "99999", ""])
def test_a_poll_number_that_is_not_one_is_an_ordinary_visit(client, province_editor, world, poll):
    client.force_login(province_editor)

    page = client.get("/", {"poll": poll}, headers={"HX-Request": "true"})

    assert page.status_code == 200 and DAYS_CARD in cards_of(page)
    assert "hx-get" not in status_of(page)


def test_a_first_visit_queues_the_figures_and_shows_them_once_computed(
    committed_db, client, province_editor, world, settings
):
    settings.TASKS = DB_BACKEND
    client.force_login(province_editor)

    first = visit(client)
    charts = charts_of(charts_fragment_of(client, province_editor))

    assert DAYS_CARD not in cards_of(first) and "Cán bộ đang công tác" in cards_of(first)
    assert "đang được tính lần đầu" in status_of(first) and 'hx-get="/?poll=1"' in status_of(first)
    assert set(charts) == {"roster-age-pyramid", "roster-political-theory", "roster-education"}
    run_db_worker()
    assert cards_of(visit(client))[DAYS_CARD].value == "6"
    assert "fieldwork-days-by-month" in charts_of(charts_fragment_of(client, province_editor))


def test_a_user_moved_to_another_unit_sees_that_units_figures(client, commune_editor, tree, world):
    client.force_login(commune_editor)
    before = cards_of(visit(client))[DAYS_CARD].value

    commune_editor.unit = tree.province
    commune_editor.save()
    after = cards_of(visit(client))[DAYS_CARD].value

    assert (before, after) == ("2", "6")
    keys = set(Snapshot.objects.filter(key__startswith="dashboard:").values_list("key", flat=True))
    assert keys == {
        f"dashboard:{commune_editor.pk}:{tree.commune_a.pk}:editor:0",
        f"dashboard:{commune_editor.pk}:{tree.province.pk}:editor:0",
    }
