"""``make bench`` only ever creates and drops databases it named itself: two runs at once on one
PostgreSQL server keep apart, and the database named in DATABASE_URL is never touched."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def _bench_module(monkeypatch, url: str):
    monkeypatch.setenv("DATABASE_URL", url)
    spec = importlib.util.spec_from_file_location("bench_run_under_test", RUN)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run_under_test", module)
    spec.loader.exec_module(module)
    return module


def _databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def server_url(db):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL half of the suite checks this")
    database = settings.DATABASES["default"]
    user = database["USER"] or "postgres"
    auth = f"{user}:{database['PASSWORD']}" if database["PASSWORD"] else user
    return (
        f"postgres://{auth}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{database['NAME']}"
    )


def test_two_runs_make_two_databases_and_drop_only_their_own(monkeypatch, server_url):
    bench = _bench_module(monkeypatch, server_url)
    before = _databases()

    _engine, first_url, drop_first = bench.create_database()
    _engine, second_url, drop_second = bench.create_database()
    first, second = first_url.rsplit("/", 1)[1], second_url.rsplit("/", 1)[1]
    try:
        assert first != second
        assert {first, second} <= _databases()
        assert first.startswith(bench.DATABASE_PREFIX) and second.startswith(bench.DATABASE_PREFIX)
        drop_first()
        assert second in _databases() and first not in _databases()
    finally:
        drop_second()

    assert _databases() == before  # the test's own database (the one named in the URL) is still there


def test_a_run_on_sqlite_uses_a_new_folder_it_removes(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    bench = _bench_module(monkeypatch, "")

    engine, url, remove = bench.create_database()
    folder = Path(url.removeprefix("sqlite:///")).parent
    assert engine == "sqlite" and folder.parent == tmp_path and folder.exists()

    remove()
    assert not folder.exists()
