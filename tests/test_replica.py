"""The read replica: reads go there only inside code marked as reporting (common.db), writes never;
the roster export (its view and its task) reads there; without a replica nothing changes.

The replica alias is Django's test mirror of "default" (tests/conftest.py): a second connection
to the same test database. It sees committed rows only, so these tests are transactional."""

import asyncio
import importlib
import io
import runpy
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import AccessAction, AccessLog, Cadre, ExportJob, ExportStatus, Unit
from cadres.tasks import run_export
from common.db import REPLICA, read_replica, reads_from_replica, replica_reads
from config.routers import ReplicaRouter
from tests.factories import UnitFactory

# Transactional: the replica connection sees committed rows only.
with_replica = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])

EXPORT_URL = reverse("cadres:cadre-export")
CADRE_READ = 'FROM "cadres_cadre"'


@pytest.fixture
def catalogue(transactional_db):
    """Transactional tests empty every table afterwards, the positions that migration 0003 seeds
    included: seed them again, as a fresh database holds them."""
    importlib.import_module("cadres.migrations.0003_seed_positions_and_standards").seed(apps, None)


@contextmanager
def queries(*aliases: str):
    """The queries run on each alias within the block."""
    with ExitStack() as stack:
        yield {alias: stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in aliases}


def sql(capture) -> list[str]:
    return [query["sql"] for query in capture.captured_queries]


def reads_of_cadres(capture) -> list[str]:
    return [statement for statement in sql(capture) if CADRE_READ in statement]


def ran(capture, verb: str, table: str) -> bool:
    """Whether a ``verb`` statement (SELECT, INSERT, UPDATE) on ``table`` ran on that alias."""
    return any(statement.startswith(verb) and table in statement for statement in sql(capture))


def reads_only(capture) -> bool:
    """SELECTs only (on PostgreSQL an iterator's SELECT runs in a server-side cursor)."""
    return all(statement.startswith(("SELECT", "DECLARE")) for statement in sql(capture))


@pytest.fixture
def without_replica(monkeypatch):
    """A deployment without DATABASE_REPLICA_URL: no replica alias, the router still installed."""
    monkeypatch.delitem(django_settings.DATABASES, REPLICA)


# --- Routing -------------------------------------------------------------------------------------


@with_replica
def test_reads_go_to_the_replica_only_inside_a_reporting_block(tree):
    outside = Unit.objects.filter(code="P")
    with read_replica():
        inside = Unit.objects.filter(code="P")
        assert inside.db == REPLICA
    assert outside.db == DEFAULT_DB_ALIAS
    assert Unit.objects.filter(code="P").db == DEFAULT_DB_ALIAS  # the flag is off again

    with queries(DEFAULT_DB_ALIAS, REPLICA) as run, read_replica():
        assert [unit.name for unit in Unit.objects.filter(code="P")] == ["Tỉnh đoàn Thử"]
    assert len(sql(run[REPLICA])) == 1 and not sql(run[DEFAULT_DB_ALIAS])

    with queries(DEFAULT_DB_ALIAS, REPLICA) as run:
        assert Unit.objects.filter(code="P").exists()
    assert len(sql(run[DEFAULT_DB_ALIAS])) == 1 and not sql(run[REPLICA])


@with_replica
def test_writes_inside_a_reporting_block_go_to_the_primary(catalogue, tree, make_cadre):
    cadre = make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")
    with queries(DEFAULT_DB_ALIAS, REPLICA) as run, read_replica():
        read = Cadre.objects.get(pk=cadre.pk)  # from the replica…
        assert read._state.db == REPLICA
        read.phone = "0905123456"
        read.save(update_fields=["phone"])  # …saved on the primary
        Unit.objects.filter(pk=tree.commune_b.pk).update(name="Đoàn phường Bắc Sơn Mới")
        with transaction.atomic():  # a transaction opened in the block is the primary's, reads too
            created = UnitFactory(parent=tree.province, name="Đoàn mới", code="P-N")
    assert sql(run[REPLICA]) and reads_only(run[REPLICA])
    assert ran(run[DEFAULT_DB_ALIAS], "UPDATE", "cadres_cadre")
    assert ran(run[DEFAULT_DB_ALIAS], "UPDATE", "cadres_unit")
    assert ran(run[DEFAULT_DB_ALIAS], "INSERT", "cadres_unit")
    assert created._state.db == DEFAULT_DB_ALIAS
    assert Cadre.objects.get(pk=cadre.pk).phone == "0905123456"


@with_replica
def test_inside_a_transaction_on_the_primary_reads_stay_there(tree):
    """The transaction may have written rows the replica has not got."""
    with transaction.atomic(), read_replica():
        Unit.objects.filter(pk=tree.commune_a.pk).update(name="Đoàn xã An Bình Mới")
        with queries(DEFAULT_DB_ALIAS, REPLICA) as run:
            assert Unit.objects.get(pk=tree.commune_a.pk).name == "Đoàn xã An Bình Mới"
    assert len(sql(run[DEFAULT_DB_ALIAS])) == 1 and not sql(run[REPLICA])


@with_replica
def test_an_object_read_from_the_replica_reads_its_relations_from_the_primary_afterwards(
    catalogue, tree, make_cadre
):
    make_cadre(tree.commune_a)
    with read_replica():
        cadre = Cadre.objects.get()
    with queries(DEFAULT_DB_ALIAS, REPLICA) as run:
        assert cadre.unit == tree.commune_a  # Django would follow the object to the replica
    assert len(sql(run[DEFAULT_DB_ALIAS])) == 1 and not sql(run[REPLICA])


@with_replica
def test_the_flag_belongs_to_the_thread_that_set_it():
    """One request of a threaded web worker never switches another's reads."""
    seen = {}

    def other_request():
        seen["flag"], seen["db"] = replica_reads(), Unit.objects.all().db

    with read_replica():
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
        assert Unit.objects.all().db == REPLICA
    assert seen == {"flag": False, "db": DEFAULT_DB_ALIAS}


def test_the_view_decorator_marks_the_view_call_only():
    @reads_from_replica
    def view(request):
        """A report."""
        return replica_reads()

    @reads_from_replica
    async def async_view(request):
        await asyncio.sleep(0)
        return replica_reads()

    assert view(None) is True and replica_reads() is False
    assert (view.__name__, view.__doc__) == ("view", "A report.")
    # In a thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, async_view(None)).result() is True
    assert replica_reads() is False


def test_the_flag_is_reset_when_the_block_raises():
    with pytest.raises(RuntimeError), read_replica():
        raise RuntimeError
    assert replica_reads() is False


def test_router_writes_relations_and_migrations():
    routing = ReplicaRouter()
    assert routing.db_for_write(Cadre) == DEFAULT_DB_ALIAS
    with read_replica():
        assert routing.db_for_write(Cadre) == DEFAULT_DB_ALIAS

    def read_from(alias: str):
        return SimpleNamespace(_state=SimpleNamespace(db=alias))

    assert routing.allow_relation(read_from(DEFAULT_DB_ALIAS), read_from(REPLICA)) is True
    assert routing.allow_relation(read_from(DEFAULT_DB_ALIAS), read_from("other")) is None
    assert routing.allow_migrate(DEFAULT_DB_ALIAS, "cadres") is True
    assert routing.allow_migrate(REPLICA, "cadres", model_name="cadre") is False


# --- The roster export ---------------------------------------------------------------------------


@pytest.fixture
def roster(catalogue, settings, tmp_path, tree, make_cadre):
    settings.MEDIA_ROOT = tmp_path / "media"
    for n in range(6):
        make_cadre([tree.commune_a, tree.branch_b][n % 2], full_name=f"Cán Bộ Số {n}")
    make_cadre(tree.other_commune, full_name="Người Tỉnh Khác")


def exported_names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return sorted(row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1])


@with_replica
def test_the_export_view_reads_the_roster_from_the_replica(client, province_editor, roster):
    client.force_login(province_editor)
    with queries(DEFAULT_DB_ALIAS, REPLICA) as run:
        response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert exported_names(b"".join(response.streaming_content)) == [f"Cán Bộ Số {n}" for n in range(6)]
    assert reads_of_cadres(run[REPLICA]) and not reads_of_cadres(run[DEFAULT_DB_ALIAS])
    assert reads_only(run[REPLICA])
    assert ran(run[DEFAULT_DB_ALIAS], "INSERT", "cadres_accesslog")
    assert AccessLog.objects.get(action=AccessAction.EXPORT).rows == 6


@with_replica
def test_the_export_task_reads_the_roster_from_the_replica(province_editor, roster):
    job = ExportJob.objects.create(user=province_editor, query="")
    with queries(DEFAULT_DB_ALIAS, REPLICA) as run:
        run_export(job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows) == (ExportStatus.DONE, 6)
    with job.file.open("rb") as file:
        assert exported_names(file.read()) == [f"Cán Bộ Số {n}" for n in range(6)]
    assert reads_of_cadres(run[REPLICA]) and not reads_of_cadres(run[DEFAULT_DB_ALIAS])
    assert reads_only(run[REPLICA])
    # The job, just created, is read from the primary; its progress and outcome are written there.
    assert ran(run[DEFAULT_DB_ALIAS], "SELECT", "cadres_exportjob")
    assert not ran(run[REPLICA], "SELECT", "cadres_exportjob")
    assert ran(run[DEFAULT_DB_ALIAS], "UPDATE", "cadres_exportjob")
    assert ran(run[DEFAULT_DB_ALIAS], "INSERT", "cadres_accesslog")
    assert AccessLog.objects.get(action=AccessAction.EXPORT).rows == 6


# --- Without a replica ---------------------------------------------------------------------------


@with_replica
def test_without_a_replica_the_flag_changes_nothing(without_replica, client, province_editor, roster):
    with read_replica():
        assert Cadre.objects.all().db == DEFAULT_DB_ALIAS
        assert ReplicaRouter().db_for_read(Cadre) is None  # Django's own choice, as without a router

    client.force_login(province_editor)
    with queries(DEFAULT_DB_ALIAS) as run:
        response = client.get(EXPORT_URL)
        job = ExportJob.objects.create(user=province_editor, query="")
        run_export(job.pk)
    assert response.status_code == 200
    assert exported_names(b"".join(response.streaming_content)) == [f"Cán Bộ Số {n}" for n in range(6)]
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE
    assert len(reads_of_cadres(run[DEFAULT_DB_ALIAS])) >= 2


# --- Settings ------------------------------------------------------------------------------------

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "config" / "settings.py"


def test_settings_add_the_replica_alias_only_when_configured(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://canbo:x@db.internal:5432/canbo")
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    assert list(runpy.run_path(str(SETTINGS_FILE))["DATABASES"]) == [DEFAULT_DB_ALIAS]

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader:x@replica.internal:5432/canbo")
    monkeypatch.setenv("CONN_MAX_AGE", "120")
    configured = runpy.run_path(str(SETTINGS_FILE))
    replica = configured["DATABASES"][REPLICA]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("replica.internal", "reader", "canbo")
    assert replica["CONN_MAX_AGE"] == 120 and replica["CONN_HEALTH_CHECKS"] is True
    assert replica["TEST"] == {"MIRROR": DEFAULT_DB_ALIAS}  # under test: the test database itself
    assert configured["DATABASE_ROUTERS"] == ["config.routers.ReplicaRouter"]
