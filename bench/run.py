"""Performance benchmark (`make bench`): one JSON object per measurement.

Builds a database of its own — a SQLite file in a new temporary folder, or, when DATABASE_URL
points to a PostgreSQL server, a new database on that server whose name this run makes up
(``canbodoan_bench_<time>_<pid>_<random>``) — migrates it, seeds the demo data with
``BENCH_CADRES`` cadres (every app's demo scales with it), then times, as the province editor
(``tinhdoan``) and the commune editor (``xa``), every page the apps list in their ``bench``
modules (``common.benchmarks``), each over ``BENCH_RUNS`` requests through the whole URL and
middleware stack, beside Django admin's change list and search on the same data in the same run.
Then the export of 50,000 rows (time, peak memory), the import of 10,000 rows, and the whole
scope's export as the task a user starts.

The database named in DATABASE_URL is only used to create and drop the run's own database:
nothing is written to it. The run's database is dropped at the end, also on Ctrl+C or SIGTERM
(``BENCH_KEEP_DB=1`` keeps it and says where).

Environment: BENCH_CADRES (default 100,000 on SQLite, 1,000,000 on PostgreSQL), BENCH_RUNS
(default 20), BENCH_KEEP_DB, BENCH_RESULTS (default bench/results.jsonl). Progress goes to
stderr; the JSON lines go to stdout and are appended to the results file.
"""

import datetime
import gc
import json
import math
import os
import platform
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results.jsonl")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
CADRES = int(os.environ.get("BENCH_CADRES") or (1_000_000 if ON_POSTGRES else 100_000))
RUNS = int(os.environ.get("BENCH_RUNS") or 20)
KEEP = os.environ.get("BENCH_KEEP_DB", "") in {"1", "true", "yes"}
EXPORT_ROWS, IMPORT_ROWS = 50_000, 10_000
DATABASE_PREFIX = "canbodoan_bench_"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The run's own database -----------------------------------------------------------------


class Interrupted(Exception):
    pass


def _stop(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def create_database() -> tuple[str, str, Callable[[], None]]:
    """(engine, DATABASE_URL of a new database made for this run, a function dropping it)."""
    if ON_POSTGRES:
        return _create_postgres_database()
    folder = tempfile.mkdtemp(prefix="canbodoan-bench-")
    log(f"Benchmark database: a new SQLite file in {folder} (removed at the end)")

    def remove() -> None:
        if KEEP:
            log(f"Database kept: {folder}/bench.sqlite3")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    return "sqlite", f"sqlite:///{folder}/bench.sqlite3", remove


def _create_postgres_database() -> tuple[str, str, Callable[[], None]]:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(DATABASE_URL)
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    name = f"{DATABASE_PREFIX}{stamp}_{os.getpid()}_{secrets.token_hex(3)}"
    server = psycopg2.connect(DATABASE_URL)
    server.autocommit = True
    host = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    log(f"Benchmark database: creating {name} on {host}; dropped at the end, {parts.path[1:]!r} untouched")
    with server.cursor() as cursor:
        # CREATE DATABASE fails if the name exists, so a run never takes over another's database.
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        cursor.execute(
            sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(name)),
            [f"canbodoan make bench, pid {os.getpid()}, {stamp}: safe to drop"],
        )

    def drop() -> None:
        from django.db import connections

        for alias in connections:  # this process's own connections to the run's database
            if connections.settings[alias].get("NAME") == name:
                connections[alias].close()
        if KEEP:
            log(f"Database kept: {name} on {host}")
        else:
            with server.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            log(f"Dropped {name}")
        server.close()

    return "postgresql", urlunsplit(parts._replace(path=f"/{name}")), drop


def configure(database_url: str, scratch: str) -> None:
    """Production-like settings (DEBUG off), plain HTTP, the test client's host, tasks queued in
    the database for ``db_worker`` (the default deployment)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("DATABASE_REPLICA_URL", None)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["TASKS_BACKEND"] = "db"
    os.environ["CACHE_DIR"] = os.path.join(scratch, "cache")
    os.environ["MEDIA_ROOT"] = os.path.join(scratch, "media")
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_refusals() -> None:
    """Never measure a database that holds anything but this run's data."""
    from cadres.models import Cadre

    if Cadre.objects.exists():
        raise SystemExit("The benchmark's new database already holds cadres: refusing to run.")


# --- Measuring ------------------------------------------------------------------------------


class Bench:
    def __init__(self, engine: str):
        self.engine = engine
        self.failed = False
        self.stamp = {
            "date": datetime.date.today().isoformat(),
            "machine": f"{platform.node()} {os.cpu_count()} cores {platform.machine()}",
        }

    def emit(self, name: str, **figures) -> None:
        line = json.dumps({"name": name, "db": self.engine, "cadres": CADRES, **figures, **self.stamp})
        print(line, flush=True)
        with RESULTS.open("a") as results:
            results.write(line + "\n")

    def seed(self) -> None:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        ensure_refusals()
        started = time.perf_counter()
        call_command("seed_demo", cadres=CADRES, stdout=sys.stderr)
        self.emit("seed_demo", n=1, seconds=round(time.perf_counter() - started, 1))

    def time_page(self, clients: dict, page) -> dict | None:
        """Warm up once, count one request's queries, time ``runs`` requests: p50, p95."""
        from django.core.cache import cache
        from django.db import connection

        client = clients[page.user]
        runs = page.runs or RUNS
        if page.prepare:
            page.prepare()
        response = client.get(page.path, page.params)
        if response.status_code != 200:
            self.failed = True
            self.emit(page.name, user=page.user, path=page.path, error=f"HTTP {response.status_code}")
            return None
        _read(response)
        if page.cold:
            cache.clear()
        if page.prepare:
            page.prepare()
        captured = []
        with connection.execute_wrapper(
            lambda execute, sql, *args: captured.append(sql) or execute(sql, *args)
        ):
            _read(client.get(page.path, page.params))
        timings = []
        for _ in range(runs):
            if page.cold:
                cache.clear()
            if page.prepare:
                page.prepare()
            started = time.perf_counter()
            _read(client.get(page.path, page.params))
            timings.append((time.perf_counter() - started) * 1000)
        return {
            "user": page.user,
            "path": page.path + (f"?{urlencode(page.params)}" if page.params else ""),
            "n": runs,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 95), 1),
            "queries": len(captured),
        }

    def work(self) -> None:
        """The work the apps list (``common.benchmarks.BenchWork``), each timed as a call."""
        from common.benchmarks import BenchContext, bench_work

        for work in bench_work(BenchContext(cadres=CADRES)):
            timings = []
            for _ in range(work.runs):
                started = time.perf_counter()
                work.run()
                timings.append((time.perf_counter() - started) * 1000)
            self.emit(
                work.name,
                user=work.user,
                n=work.runs,
                p50_ms=round(statistics.median(timings), 1),
                p95_ms=round(_percentile(timings, 95), 1),
            )

    def pages(self) -> None:
        from django.test import Client, override_settings

        from accounts.models import User
        from common.benchmarks import BenchContext, bench_pages

        storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        with override_settings(STORAGES={**_settings().STORAGES, **storages}):
            context = BenchContext(cadres=CADRES)
            pages = bench_pages(context)
            clients = {}
            for username in {page.user for page in pages} | {p.baseline.user for p in pages if p.baseline}:
                clients[username] = Client()
                clients[username].force_login(User.objects.get(username=username))
            baselines: dict = {}
            # As each server worker does once the app is loaded (config/wsgi.py).
            gc.collect()
            gc.freeze()
            log(f"Timing {len(pages)} pages…")
            for page in pages:
                figures = self.time_page(clients, page)
                if figures is None:
                    continue
                if page.baseline is not None:
                    if page.baseline.name not in baselines:
                        baselines[page.baseline.name] = self.time_page(clients, page.baseline)
                        if baselines[page.baseline.name]:
                            self.emit(
                                page.baseline.name, **baselines[page.baseline.name], baseline_p50_ms=None
                            )
                    base = baselines[page.baseline.name]
                    if base:
                        figures["baseline"] = page.baseline.name
                        figures["baseline_p50_ms"] = base["p50_ms"]
                        figures["ratio"] = round(base["p50_ms"] / figures["p50_ms"], 1)
                figures.setdefault("baseline_p50_ms", None)
                figures.setdefault("ratio", None)
                self.emit(page.name, **figures)

    def export(self) -> None:
        """The writer every roster export uses, on the first 50,000 rows of the province, in a
        child process whose peak memory is its own."""
        from accounts.models import User
        from cadres.exports import write_roster
        from cadres.models import Cadre

        user = User.objects.get(username="tinhdoan")
        rows = Cadre.objects.visible_to(user).active()

        def work() -> dict:
            with tempfile.TemporaryFile() as out:
                count = write_roster(out, rows[:EXPORT_ROWS], include_sensitive=True, title="Bench", notes=[])
                return {"rows": count, "bytes": out.tell()}

        figures = _in_child(work)
        self.emit("export_xlsx_50000", n=1, **figures)

    def export_task(self) -> None:
        """The whole scope's export as a user starts it: the request only queues a task and
        answers at once; the task worker (``db_worker``, as deployed) then writes the file, in a
        child process whose time and peak memory are measured."""
        from django.core.management import call_command
        from django.test import Client

        from accounts.models import User
        from cadres.models import ExportJob

        client = Client()
        client.force_login(User.objects.get(username="tinhdoan"))
        started = time.perf_counter()
        response = client.post("/cadres/exports/")
        request_ms = (time.perf_counter() - started) * 1000

        def work() -> dict:
            call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
            return {}

        figures = _in_child(work)
        job = ExportJob.objects.order_by("-pk").first()
        self.emit(
            "export_whole_scope_task",
            n=1,
            request_ms=round(request_ms, 1),
            http_status=response.status_code,
            worker_seconds=figures["seconds"],
            worker_peak_mib=figures["peak_mib"],
            rows=job.rows if job else None,
            status=job.status if job else None,
        )

    def import_rows(self) -> None:
        from accounts.models import User
        from cadres.imports import cadre_import_commit

        path = _import_file(IMPORT_ROWS)
        user = User.objects.get(username="tinhdoan")
        try:
            started = time.perf_counter()
            plan = cadre_import_commit(path, user=user)
            seconds = time.perf_counter() - started
        finally:
            path.unlink(missing_ok=True)
        if not plan.committed:
            self.failed = True
            log(f"Import refused: {[str(problem) for problem in plan.problems[:5]]}")
        self.emit(
            "import_xlsx_10000", n=1, seconds=round(seconds, 2), rows=len(plan.rows), saved=plan.committed
        )


def _drop_queued_refreshes() -> None:
    """The snapshot refreshes the pages queued (``dashboard_changed``): not the worker's work
    that ``export_task`` measures."""
    from django_tasks_db.models import DBTaskResult

    from common.snapshots import refresh_snapshot

    DBTaskResult.objects.filter(task_path=refresh_snapshot.module_path).delete()


def _import_file(count: int) -> Path:
    """An import file of ``count`` new demo cadres, written by the roster's own export writer,
    which the import reads back. They come from another seed, less any whose CCCD is taken."""
    from cadres.demo.generator import CadreGenerator
    from cadres.exports import write_roster
    from cadres.models import Cadre
    from common.dates import today

    generator = CadreGenerator(seed=7, anchor=today())
    candidates = [generator.build(index).cadre for index in range(count + count // 10)]
    numbers = [cadre.national_id for cadre in candidates]
    taken = set()
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        taken |= set(Cadre.objects.filter(national_id__in=chunk).values_list("national_id", flat=True))
    cadres = [cadre for cadre in candidates if cadre.national_id not in taken][:count]
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    with os.fdopen(handle, "wb") as out:
        write_roster(out, cadres, include_sensitive=True, title="Bench import", notes=[])
    return Path(name)


def _in_child(work: Callable[[], dict]) -> dict:
    """Run ``work`` in a forked child; its seconds and the peak memory it added (max RSS less
    the RSS it started with)."""
    from django.db import connections

    connections.close_all()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        import resource

        start_rss = _rss_kib()
        started = time.perf_counter()
        figures = work()
        figures["seconds"] = round(time.perf_counter() - started, 2)
        figures["peak_mib"] = round(
            (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss) / 1024, 1
        )
        os.write(write_end, json.dumps(figures).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    rank = max(0, math.ceil(percent / 100 * len(ordered)) - 1)
    return ordered[rank]


def _read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _settings():
    from django.conf import settings

    return settings


def main() -> int:
    engine, url, cleanup = create_database()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    bench = Bench(engine)
    scratch = tempfile.mkdtemp(prefix="canbodoan-bench-files-")  # the cache, the exported files
    try:
        configure(url, scratch)
        bench.seed()
        bench.work()
        bench.pages()
        _drop_queued_refreshes()
        bench.export()
        bench.import_rows()
        bench.export_task()
    except (KeyboardInterrupt, Interrupted) as stop:
        log(f"Interrupted ({stop or 'Ctrl+C'}): cleaning up")
        bench.failed = True
    finally:
        cleanup()
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main())
