"""Performance benchmark (`make bench`): one JSON object per measurement on stdout.

Creates a throwaway database — a SQLite file in a temporary folder, or, when DATABASE_URL
points to PostgreSQL, a separate database ``canbodoan_bench`` on that server — migrates it,
seeds ``BENCH_CADRES`` demo cadres (default 100,000) and times the main pages with the
Django test client, logged in as ``tinhdoan`` (the whole province).

Environment: BENCH_CADRES (default 100000), BENCH_RUNS (timed requests per page, default 20;
the Excel export gets a quarter of them), BENCH_KEEP_DB=1 keeps the database afterwards.
Progress goes to stderr, so stdout holds only the JSON lines.
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "canbodoan_bench"
CADRES = int(os.environ.get("BENCH_CADRES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
KEEP = os.environ.get("BENCH_KEEP_DB", "") in {"1", "true", "yes"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def create_database() -> tuple[str, str, Callable[[], None]]:
    """(engine name, DATABASE_URL of a fresh database, cleanup function)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlsplit(url)
        server = psycopg2.connect(url)
        server.autocommit = True

        def run(sql: str) -> None:
            with server.cursor() as cursor:
                cursor.execute(sql)

        run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        run(f"CREATE DATABASE {BENCH_DATABASE}")
        bench_url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            if not KEEP:
                run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
            server.close()

        return "postgresql", bench_url, drop
    folder = tempfile.mkdtemp(prefix="canbodoan-bench-")

    def remove() -> None:
        if KEEP:
            log(f"Database kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    return "sqlite", f"sqlite:///{folder}/bench.sqlite3", remove


def configure(database_url: str) -> None:
    """Production-like settings (DEBUG off), with plain HTTP and the test client's host."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Bench:
    def __init__(self, engine: str):
        self.engine = engine
        self.failed = False

    def emit(self, name: str, **figures) -> None:
        print(json.dumps({"name": name, "cadres": CADRES, "db": self.engine, **figures}), flush=True)

    def seed(self) -> None:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", cadres=CADRES, stdout=sys.stderr)
        self.emit("seed_demo", seconds=round(time.perf_counter() - started, 1))

    def page(self, client, name: str, path: str, params: dict | None = None, runs: int = RUNS, **extra):
        """Warm up once, count the queries of one request, then time ``runs`` requests."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        response = client.get(path, params, secure=True)
        if response.status_code != 200:
            self.failed = True
            self.emit(name, path=path, error=f"HTTP {response.status_code}")
            return
        body = _read(response)
        with CaptureQueriesContext(connection) as captured:
            _read(client.get(path, params, secure=True))
        queries = len(captured)  # now: the next request clears the log
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            _read(client.get(path, params, secure=True))
            timings.append((time.perf_counter() - started) * 1000)
        self.emit(
            name,
            path=path + (f"?{_query(params)}" if params else ""),
            ms_median=round(statistics.median(timings), 1),
            ms_min=round(min(timings), 1),
            ms_max=round(max(timings), 1),
            runs=runs,
            queries=queries,
            bytes=len(body),
            **extra,
        )

    def pages(self) -> None:
        from django.test import Client, override_settings

        from accounts.models import User
        from cadres.demo import DEMO_COMMUNE_CODE
        from cadres.models import Cadre, Unit

        # Templates use {% static %}; the manifest storage would need collectstatic first.
        storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        with override_settings(STORAGES={**_settings().STORAGES, **storages}):
            client = Client()
            client.force_login(User.objects.get(username="tinhdoan"))
            active = Cadre.objects.active()
            cadre = active.order_by("pk")[active.count() // 2]
            commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)
            commune_rows = active.filter(unit__path__startswith=commune.path).count()
            log("Timing pages…")
            self.page(client, "cadre_list_page", "/cadres/")
            self.page(client, "cadre_search_no_accents", "/cadres/", {"q": "nguyen thi"})
            self.page(client, "cadre_filter_over_age", "/cadres/", {"warning": "over_age"})
            self.page(client, "cadre_detail_page", f"/cadres/{cadre.pk}/")
            self.page(
                client,
                "cadre_export_commune_xlsx",
                "/cadres/export.xlsx",
                {"unit": commune.pk},
                runs=max(1, RUNS // 4),
                rows=commune_rows,
            )
            self.page(client, "unit_tree_page", "/units/")


def _read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _settings():
    from django.conf import settings

    return settings


def main() -> int:
    engine, url, cleanup = create_database()
    log(f"Benchmark database: {engine}, {CADRES:,} cadres")
    try:
        configure(url)
        bench = Bench(engine)
        bench.seed()
        bench.pages()
    finally:
        cleanup()
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main())
