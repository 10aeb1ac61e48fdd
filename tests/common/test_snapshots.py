"""Snapshots of costly figures (common.snapshots): computed once per version of the data; after
a change, the stored value is answered, marked stale, while one task computes the new one (run
here by a real ``db_worker``); a first visit of a large scope is queued the same way; a value
that no longer loads is computed again. And the token they are kept against
(common.versions.recorded_version): it moves with any history record, any generation bump and
the day."""

import datetime
import pickle
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cadres.models import Position
from common import snapshots
from common.lists import bump_generation
from common.models import Snapshot
from common.versions import recorded_version
from tests.cadres.test_tasks import run_db_worker

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def kind(monkeypatch):
    """A kind whose data is ``state.data`` and whose version is ``state.version``; it counts
    its computations."""
    state = SimpleNamespace(data=1, version="v1", computed=[])

    def compute(argument: str):
        state.computed.append(argument)
        return {"argument": argument, "data": state.data}

    registered = snapshots.SnapshotKind("test-kind", compute, lambda argument: state.version)
    monkeypatch.setitem(snapshots.KINDS, registered.name, registered)
    return state


def change(state, data: int) -> None:
    state.data, state.version = data, f"v{data}"


def queued() -> int:
    return DBTaskResult.objects.count()


def test_it_computes_once_then_reads_the_stored_value_until_the_data_change(kind):
    first = snapshots.fetch("test-kind", "a")
    again = snapshots.fetch("test-kind", "a")

    assert first.value == again.value == {"argument": "a", "data": 1}
    assert not first.stale and not again.stale
    assert kind.computed == ["a"]
    assert again.computed_at == Snapshot.objects.get(key="test-kind:a").computed_at
    snapshots.fetch("test-kind", "b")  # another argument: its own snapshot
    assert kind.computed == ["a", "b"]


def test_after_a_change_it_answers_the_stored_value_and_queues_one_refresh(committed_db, kind, settings):
    settings.TASKS = DB_BACKEND
    snapshots.fetch("test-kind", "a")
    change(kind, 2)

    stale = snapshots.fetch("test-kind", "a")
    again = snapshots.fetch("test-kind", "a")

    assert stale.stale and again.stale
    assert stale.value == again.value == {"argument": "a", "data": 1}
    assert queued() == 1  # one task for the new version, however many visits
    assert kind.computed == ["a"]

    run_db_worker()
    fresh = snapshots.fetch("test-kind", "a")

    assert not fresh.stale and fresh.value == {"argument": "a", "data": 2}
    assert fresh.computed_at > stale.computed_at
    assert kind.computed == ["a", "a"]
    change(kind, 3)  # a newer change queues a new task
    assert snapshots.fetch("test-kind", "a").stale and queued() == 2


def test_with_no_worker_the_new_value_is_computed_as_the_task_is_queued(kind):
    snapshots.fetch("test-kind", "a")
    change(kind, 2)

    fetched = snapshots.fetch("test-kind", "a")

    assert not fetched.stale and fetched.value["data"] == 2
    assert queued() == 0


def test_a_refresh_not_done_in_time_is_queued_again(kind, settings):
    settings.TASKS = DB_BACKEND
    snapshots.fetch("test-kind", "a")
    change(kind, 2)
    snapshots.fetch("test-kind", "a")
    snapshots.fetch("test-kind", "a")
    assert queued() == 1

    lost = timezone.now() - snapshots.RETRY_AFTER - datetime.timedelta(seconds=1)
    Snapshot.objects.filter(key="test-kind:a").update(wanted_at=lost)
    snapshots.fetch("test-kind", "a")

    assert queued() == 2


def test_a_first_visit_too_large_to_wait_for_is_queued(committed_db, kind, settings):
    settings.TASKS = DB_BACKEND

    first = snapshots.fetch("test-kind", "a", inline=False)
    again = snapshots.fetch("test-kind", "a", inline=False)

    assert first.value is None and first.stale and again.value is None
    assert queued() == 1 and kind.computed == []
    # A caller that may wait computes it at once, placeholder or not.
    assert snapshots.fetch("test-kind", "a").value == {"argument": "a", "data": 1}

    Snapshot.objects.all().delete()
    snapshots.fetch("test-kind", "b", inline=False)
    run_db_worker()
    assert snapshots.fetch("test-kind", "b", inline=False).value == {"argument": "b", "data": 1}


def test_a_task_finds_its_snapshot_already_current_and_computes_nothing(kind):
    snapshots.fetch("test-kind", "a")

    snapshots.refresh_snapshot.call("test-kind", "a")
    snapshots.refresh_snapshot.call("no-such-kind", "a")  # a kind removed since it was queued

    assert kind.computed == ["a"]


def test_a_value_that_no_longer_loads_is_computed_again(kind):
    snapshots.fetch("test-kind", "a")
    Snapshot.objects.filter(key="test-kind:a").update(value=pickle.dumps(1)[:-3])

    fetched = snapshots.fetch("test-kind", "a")

    assert fetched.value == {"argument": "a", "data": 1} and not fetched.stale
    assert kind.computed == ["a", "a"]


def test_forget_deletes_a_kinds_snapshots(kind):
    for argument in ("1:x", "1:y", "2:x"):
        snapshots.fetch("test-kind", argument)

    assert snapshots.forget("test-kind", "1:") == 2
    assert list(Snapshot.objects.values_list("key", flat=True)) == ["test-kind:2:x"]


def test_a_kind_is_registered_once():
    kind = snapshots.SnapshotKind("dashboard", lambda argument: None, lambda argument: "")

    with pytest.raises(ValueError, match="registered twice"):
        snapshots.register(kind)


# --- The token ----------------------------------------------------------------------------------


def test_the_token_moves_with_any_history_record_any_bulk_write_and_the_day(tree, monkeypatch):
    before = recorded_version()
    assert recorded_version() == before

    position = Position.objects.first()
    position.name += " (sửa)"
    position.save()  # a history record
    edited = recorded_version()
    assert edited != before

    bump_generation("training")  # a set-based write, which leaves no history
    bumped = recorded_version()
    assert bumped != edited

    monkeypatch.setattr("common.versions.today", lambda: timezone.localdate() + datetime.timedelta(days=1))
    assert recorded_version() != bumped
