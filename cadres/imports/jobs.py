"""The web page's imports: the uploaded file kept in a temporary folder under a random token
tied to its user, progress published through the cache (shared by every worker), and the
work run in a background thread for large files."""

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from .service import Action, ImportPlan, cadre_import_check, cadre_import_commit
from .sheet import ImportFileError, check_upload, estimate_rows

logger = logging.getLogger(__name__)


class JobStatus:
    CHECKING = "checking"
    READY = "ready"
    INVALID = "invalid"
    SAVING = "saving"
    DONE = "done"
    FAILED = "failed"
    RUNNING = {CHECKING, SAVING}


STAGE_LABELS = {
    "read": "Đang đọc tệp",
    "check": "Đã kiểm tra {done}/{total} dòng",
    "save": "Đã lưu {done}/{total} dòng",
}
JOB_TIMEOUT = 24 * 60 * 60
STALE_AFTER_SECONDS = 5 * 60
PREVIEW_ROWS = 1000
SHOWN_PROBLEMS = 2000


def _job_dir() -> Path:
    directory = Path(settings.IMPORT_TEMP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _sweep_old_files() -> None:
    limit = time.time() - JOB_TIMEOUT
    for old in _job_dir().glob("*.xlsx"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass


class ImportJob:
    """An uploaded file waiting to be checked, previewed and committed by one user."""

    def __init__(self, token: str, state: dict):
        self.token = token
        self.state = state
        self._published = 0.0

    @staticmethod
    def _key(token: str) -> str:
        return f"cadre-import:{token}"

    @classmethod
    def create(cls, *, upload, user) -> "ImportJob":
        """Store the upload under a random token; refuse what is not a readable xlsx file."""
        check_upload(upload.name, upload.size)
        _sweep_old_files()
        token = secrets.token_urlsafe(24)
        job = cls(token, {"user_id": user.pk, "filename": Path(upload.name).name, "size": upload.size})
        with job.path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            job.state["estimated_rows"] = estimate_rows(job.path)
        except ImportFileError:
            job.path.unlink(missing_ok=True)
            raise
        job.update(status=JobStatus.CHECKING, stage="read", done=0, total=None)
        return job

    @classmethod
    def get(cls, token: str, user) -> "ImportJob | None":
        state = cache.get(cls._key(token))
        if not state or state.get("user_id") != user.pk:
            return None
        return cls(token, state)

    @property
    def path(self) -> Path:
        return _job_dir() / f"{self.token}.xlsx"

    @property
    def status(self) -> str:
        if (
            self.state["status"] in JobStatus.RUNNING
            and time.time() - self.state["updated"] > STALE_AFTER_SECONDS
        ):
            return JobStatus.FAILED
        return self.state["status"]

    @property
    def is_running(self) -> bool:
        return self.status in JobStatus.RUNNING

    @property
    def message(self) -> str:
        if self.status == JobStatus.FAILED and self.state["status"] in JobStatus.RUNNING:
            return "Quá trình nhập bị gián đoạn; không có dữ liệu nào được lưu. Hãy tải tệp lên lại."
        return self.state.get("message", "")

    @property
    def progress_label(self) -> str:
        stage = self.state.get("stage", "read")
        return STAGE_LABELS[stage].format(done=self.state.get("done", 0), total=self.state.get("total") or 0)

    @property
    def percent(self) -> int | None:
        total = self.state.get("total")
        if not total or self.state.get("stage") == "read":
            return None
        return min(100, round(100 * self.state.get("done", 0) / total))

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre-import-job", args=[self.token])

    def update(self, **changes) -> None:
        self.state.update(changes, updated=time.time())
        cache.set(self._key(self.token), self.state, JOB_TIMEOUT)
        self._published = time.monotonic()

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        # The file cache is shared by every worker; a write per second is plenty for a poll per second.
        if stage != self.state.get("stage") or done == total or time.monotonic() - self._published > 0.5:
            self.update(stage=stage, done=done, total=total)

    def start_check(self, user) -> None:
        self._run(self._check, user)

    def start_commit(self, user) -> bool:
        """Commit a checked file once, however many times the button is pressed."""
        if self.status != JobStatus.READY or not cache.add(f"{self._key(self.token)}:commit", 1, JOB_TIMEOUT):
            return False
        self.update(
            status=JobStatus.SAVING, stage="check", done=0, total=self.state.get("counts", {}).get("total")
        )
        self._run(self._commit, user)
        return True

    def _run(self, work: Callable, user) -> None:
        big = self.state.get("estimated_rows", 0) >= settings.IMPORT_BACKGROUND_MIN_ROWS
        if settings.IMPORT_BACKGROUND and big:
            thread = threading.Thread(target=self._in_thread, args=(work, user.pk), daemon=True)
            thread.start()
        else:
            self._guarded(work, user)

    def _in_thread(self, work: Callable, user_id: int) -> None:
        from accounts.models import User

        try:
            self._guarded(work, User.objects.select_related("unit").get(pk=user_id))
        finally:
            connection.close()  # this thread's own connection

    def _guarded(self, work: Callable, user) -> None:
        try:
            work(user)
        except ImportFileError as error:
            self._finish(JobStatus.FAILED, message=str(error))
        except Exception:
            logger.exception("Cadre import %s failed", self.token)
            self._finish(JobStatus.FAILED, message="Lỗi hệ thống khi nhập; không có dữ liệu nào được lưu.")

    def _check(self, user) -> None:
        plan = cadre_import_check(self.path, user=user, progress=self._progress)
        self._finish(JobStatus.READY if plan.is_valid else JobStatus.INVALID, plan=plan)

    def _commit(self, user) -> None:
        plan = cadre_import_commit(
            self.path, user=user, progress=self._progress, filename=self.state["filename"]
        )
        if plan.committed:
            counts = plan.counts()
            logger.info(
                "Cadre import by %s: %s created, %s updated",
                user,
                counts[Action.CREATE],
                counts[Action.UPDATE],
            )
        self._finish(JobStatus.DONE if plan.committed else JobStatus.INVALID, plan=plan)

    def _finish(self, status: str, *, plan: ImportPlan | None = None, message: str = "") -> None:
        changes: dict[str, Any] = {"status": status, "message": message}
        if plan is not None:
            changes.update(
                counts=plan.counts(),
                rows=[planned.summary() for planned in plan.rows[:PREVIEW_ROWS]],
                problems=[str(problem) for problem in plan.problems[:SHOWN_PROBLEMS]],
            )
        if status != JobStatus.READY:
            self.path.unlink(missing_ok=True)
        self.update(**changes)
