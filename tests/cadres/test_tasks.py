"""The import and the whole-province export as tasks, the same flow on each task backend:
"immediate" (a task runs as it is enqueued), "db" (django-tasks-db, run by a real ``db_worker``)
and "rq" (RQ on Redis, run by a real RQ worker in this process).

The RQ runs need Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/5, a database these tests
empty): they are skipped when it does not answer, unless REQUIRE_REDIS=1 (.ci/run sets it when
Redis answers there), where a missing Redis is a failure."""

import importlib
import io
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import AccessAction, AccessLog, Cadre, ExportJob, ExportStatus, ImportJob, ImportStatus
from tests.factories import xlsx_bytes

BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/5"
IMPORT_URL = reverse("cadres:cadre-import")
EXPORT_URL = reverse("cadres:cadre-export")
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ"]
ROWS = 60  # above IMPORT_BACKGROUND_MIN_ROWS as these tests set it: a task, not the request


def roster_file(rows: int = ROWS) -> bytes:
    return xlsx_bytes(
        [HEADER]
        + [
            [
                f"Cán Bộ Số {n}",
                "15/03/1995",
                "Nam",
                f"0010980{n:05d}",
                "Đoàn xã An Bình",
                "Ủy viên Ban Chấp hành",
            ]
            for n in range(rows)
        ]
    )


# --- Workers -------------------------------------------------------------------------------------


@contextmanager
def _signal_handlers_kept():
    """Workers take over SIGINT and SIGTERM for a graceful stop; give them back to pytest."""
    numbers = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in numbers}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def run_db_worker() -> None:
    """``manage.py db_worker --batch``: every task waiting in the database, then exit."""
    with _signal_handlers_kept():
        call_command("db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0)


def run_rq_worker() -> None:
    """An RQ worker in burst mode (every queued task, then exit), in this process so that it
    sees the test's database."""
    import django_rq
    from rq import SimpleWorker

    with _signal_handlers_kept():
        worker = django_rq.get_worker("default", job_class="django_tasks_rq.Job", worker_class=SimpleWorker)
        worker.work(burst=True)


def redis_or_skip():
    import redis

    try:
        connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
        connection.ping()
    except redis.RedisError as error:
        message = f"no Redis answers at {TEST_REDIS_URL} ({error})"
        if os.environ.get("REQUIRE_REDIS", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_REDIS is set but {message}", pytrace=False)
        pytest.skip(message)
    return connection


@pytest.fixture(params=list(BACKENDS))
def backend(request, settings, transactional_db, tmp_path):
    """Tasks on one backend, with ``work()`` running what is queued. Transactional: the workers
    see only committed rows, as they would in production."""
    if request.param == "rq":
        redis = redis_or_skip()
        redis.flushdb()
        request.addfinalizer(redis.flushdb)
        settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": BACKENDS[request.param], "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_MIN_ROWS = 50
    settings.EXPORT_BACKGROUND_MIN_ROWS = 10
    # Transactional tests empty every table afterwards, the catalogue that migration 0003 seeds
    # included: seed it again, as a fresh database holds it.
    importlib.import_module("cadres.migrations.0003_seed_positions_and_standards").seed(apps, None)
    work = {"immediate": lambda: None, "db": run_db_worker, "rq": run_rq_worker}[request.param]
    return SimpleNamespace(name=request.param, work=work, queued=request.param != "immediate")


def upload_and_check(client, backend, content: bytes = b"") -> ImportJob:
    response = client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("danh-sach.xlsx", content or roster_file())}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.task_id, "a large file is checked by a task, not within the request"
    if backend.queued:
        page = client.get(job.get_absolute_url()).content.decode()
        assert "Đang chờ đến lượt xử lý" in page and 'hx-trigger="every 1s"' in page
    backend.work()
    job.refresh_from_db()
    return job


# --- The import ----------------------------------------------------------------------------------


def test_it_imports_a_large_file_through_the_task_worker(client, backend, province_editor, tree):
    client.force_login(province_editor)

    job = upload_and_check(client, backend)

    page = client.get(job.get_absolute_url())
    assert page.context["job"].status == ImportStatus.READY
    assert page.context["state"]["counts"]["create"] == ROWS
    stored = job.file.name
    assert stored.startswith("imports/") and default_storage.exists(stored)
    assert not Cadre.objects.exists()  # a preview saves nothing

    assert client.post(job.get_absolute_url()).status_code == 302
    job.refresh_from_db()
    if backend.queued:
        assert job.status == ImportStatus.SAVING
        assert "Đang lưu dữ liệu…" in client.get(job.get_absolute_url()).content.decode()
    backend.work()

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Cadre.objects.filter(unit=tree.commune_a).count() == ROWS
    assert Cadre.objects.get(national_id="001098000007").appointments.get().position.name == (
        "Ủy viên Ban Chấp hành"
    )
    assert (
        "Đã nhập xong: thêm mới 60, cập nhật 0 cán bộ." in client.get(job.get_absolute_url()).content.decode()
    )
    assert not job.file and not default_storage.exists(stored)  # the upload is gone once imported


def test_a_failed_import_task_saves_nothing_and_says_why(client, backend, province_editor, monkeypatch):
    client.force_login(province_editor)
    job = upload_and_check(client, backend)
    from cadres.imports import service

    real_create_rows, batches = service._create_rows, []

    def failing_midway(rows, **kwargs):
        batches.append(rows)
        if len(batches) == 3:
            raise RuntimeError("disk full")
        return real_create_rows(rows, **kwargs)

    monkeypatch.setattr(service, "CREATE_BATCH", 10)
    monkeypatch.setattr(service, "_create_rows", failing_midway)

    client.post(job.get_absolute_url())
    backend.work()

    job.refresh_from_db()
    assert len(batches) == 3  # it failed midway, after 20 rows were written…
    assert not Cadre.objects.exists()  # …and none of them is left
    assert job.status == ImportStatus.FAILED
    alert = client.get(job.get_absolute_url()).content.decode()
    assert "Không nhập được:" in alert
    assert "Lỗi hệ thống trong lúc nhập; không có dữ liệu nào được lưu." in alert
    assert "disk full" not in alert  # no internals shown to users
    assert not job.file


def test_another_user_gets_404_for_a_task_run_import(client, backend, province_editor, commune_editor):
    client.force_login(province_editor)
    job = upload_and_check(client, backend)
    client.force_login(commune_editor)
    for url in (job.get_absolute_url(), job.get_status_url()):
        assert client.get(url).status_code == 404
    assert client.post(job.get_absolute_url()).status_code == 404
    backend.work()
    assert not Cadre.objects.exists()
    assert ImportJob.objects.get().status == ImportStatus.READY


# --- The whole-province export -------------------------------------------------------------------


def test_it_exports_the_whole_province_through_the_task_worker(
    client, backend, province_editor, tree, make_cadre
):
    for n in range(12):
        make_cadre(
            [tree.commune_a, tree.branch_b, tree.district_branch][n % 3], full_name=f"Cán Bộ Số {n:02d}"
        )
    make_cadre(tree.other_commune, full_name="Người Tỉnh Khác")
    client.force_login(province_editor)

    start = client.get(EXPORT_URL)
    assert not start.get("Content-Disposition")
    assert "Danh sách có <strong>12 cán bộ</strong>" in start.content.decode()
    response = client.post(reverse("cadres:cadre-export-start"))
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.task_id
    if backend.queued:
        assert "Đang chờ đến lượt xử lý" in client.get(job.get_absolute_url()).content.decode()
        assert client.get(job.get_download_url()).status_code == 404  # not written yet
    backend.work()

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Tệp đã sẵn sàng: 12 cán bộ." in page
    download = client.get(job.get_download_url())
    assert "can-bo_tinh-doan-thu_" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sorted(names) == [f"Cán Bộ Số {n:02d}" for n in range(12)]
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert (log.user, log.rows) == (province_editor, 12)


def test_a_failed_export_task_says_why_and_leaves_no_file(
    client, backend, province_editor, tree, make_cadre, monkeypatch
):
    for _ in range(11):
        make_cadre(tree.commune_a)
    client.force_login(province_editor)

    def failing(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("cadres.tasks.write_roster", failing)
    client.post(reverse("cadres:cadre-export-start"))
    backend.work()

    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and not job.file
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Không xuất được:" in page and "Lỗi hệ thống khi tạo tệp. Hãy xuất lại" in page
    assert "disk full" not in page
    assert client.get(job.get_download_url()).status_code == 404


def test_another_user_gets_404_for_an_export(client, backend, province_editor, viewer, tree, make_cadre):
    for _ in range(11):
        make_cadre(tree.commune_a)
    client.force_login(province_editor)
    client.post(reverse("cadres:cadre-export-start"))
    backend.work()
    job = ExportJob.objects.get(status=ExportStatus.DONE)

    client.force_login(viewer)
    for url in (job.get_absolute_url(), job.get_status_url(), job.get_download_url()):
        assert client.get(url).status_code == 404


def test_it_says_so_when_the_queue_is_down(client, settings, province_editor, tree, make_cadre, tmp_path):
    settings.TASKS = {"default": {"BACKEND": BACKENDS["rq"], "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens there
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_MIN_ROWS = settings.EXPORT_BACKGROUND_MIN_ROWS = 1
    make_cadre(tree.commune_a)
    client.force_login(province_editor)

    client.post(IMPORT_URL, {"file": SimpleUploadedFile("danh-sach.xlsx", roster_file(3))})
    client.post(reverse("cadres:cadre-export-start"))

    for job in (ImportJob.objects.get(), ExportJob.objects.get()):
        assert job.status == "failed" and not job.file
        page = client.get(job.get_absolute_url()).content.decode()
        assert "Hàng đợi việc nền của máy chủ không nhận việc" in page


# --- A task outlives the web process that enqueued it --------------------------------------------

WEB_STEP = """
import sys
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from accounts.models import Role, User
from cadres.models import Cadre, ImportJob, UnitKind, UnitLevel
from tests.factories import UnitFactory, UserFactory

step = sys.argv[-1]
if step == "upload":
    province = UnitFactory(name="Tỉnh đoàn Thử", code="P", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE)
    UnitFactory(parent=province, name="Đoàn xã An Bình", code="P-A", kind=UnitKind.COMMUNE)
    UserFactory(username="tinhdoan", unit=province, role=Role.EDITOR)
client = Client()
client.force_login(User.objects.get(username="tinhdoan"))
if step == "upload":
    with open(sys.argv[-2], "rb") as content:
        client.post("/cadres/import/", {"file": SimpleUploadedFile("danh-sach.xlsx", content.read())})
elif step == "commit":
    job = ImportJob.objects.get()
    print(job.status)
    client.post(job.get_absolute_url())
print(ImportJob.objects.get().status, Cadre.objects.count())
"""


def test_an_import_task_survives_the_web_process_that_enqueued_it(tmp_path):
    """Separate processes, as under ``make run``: each web step enqueues its task and exits; a
    ``db_worker`` started afterwards finds the task in the database and runs it."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "TASKS_BACKEND": "db",
        "IMPORT_BACKGROUND_MIN_ROWS": "50",
    }
    manage = [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py")]

    def run(*args: str) -> list[str]:
        done = subprocess.run(
            [*manage, *args],
            env=env,
            cwd=django_settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()

    def web(*args: str) -> list[str]:
        """One short-lived web process: its requests, then it exits."""
        script = tmp_path / "web_step.py"
        script.write_text(WEB_STEP)
        return run(
            "shell",
            "--no-imports",
            "-c",
            f"import sys; sys.argv += {list(args)!r}; exec(open({str(script)!r}).read())",
        )

    content = tmp_path / "danh-sach.xlsx"
    content.write_bytes(roster_file())
    run("migrate", "--noinput", "-v", "0")

    assert web(str(content), "upload")[-1] == "checking 0"
    run("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert web("commit")[-2:] == ["ready", "saving 0"]
    run("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert web("result")[-1] == f"done {ROWS}"
