"""The web page's imports: the upload kept in storage (Django's storage API) and recorded as an
``ImportJob`` of its user; the check (preview) and the commit run within the request for small
files and as tasks (``cadres.tasks``) for large ones, publishing their progress on the job."""

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..models import ImportJob, ImportStatus
from ..models.jobs import QUEUED
from .service import Action, ImportPlan, cadre_import_check, cadre_import_commit
from .sheet import ImportFileError, check_upload, estimate_rows

logger = logging.getLogger(__name__)

JobStatus = ImportStatus  # the name the import package has always exported
PREVIEW_ROWS = 1000
SHOWN_PROBLEMS = 2000
SYSTEM_ERROR = (
    "Lỗi hệ thống trong lúc nhập; không có dữ liệu nào được lưu. Hãy thử lại; nếu vẫn lỗi, "
    "hãy báo quản trị viên (lúc {moment:%H:%M ngày %d/%m/%Y})."
)
QUEUE_DOWN = (
    "Hàng đợi việc nền của máy chủ không nhận việc; không có dữ liệu nào được lưu. Hãy thử lại sau "
    "ít phút; nếu vẫn lỗi, hãy báo quản trị viên."
)
CANCELLED = "Bạn đã huỷ lượt nhập này; không có dữ liệu nào được lưu."
OVER_TIME = (
    "Quá thời gian cho phép ({seconds} giây) để kiểm tra và lưu một tệp; không có dữ liệu nào được "
    "lưu. Hãy chia tệp thành nhiều tệp nhỏ hơn rồi nhập lần lượt."
)
CANCEL_CHECK_EVERY = 0.5  # seconds between two looks at whether the job was cancelled

__all__ = [
    "ImportJob",
    "JobStatus",
    "import_job_cancel",
    "import_job_commit",
    "import_job_create",
    "import_job_end_if_interrupted",
    "run_check",
    "run_commit",
]


@contextmanager
def local_copy(stored) -> Iterator[Path]:
    """A path to a stored file: the file itself on a local storage, else a temporary copy
    (the reader opens a path)."""
    try:
        path = Path(stored.path)
    except NotImplementedError:  # a remote storage has no local path
        path = None
    if path is not None:
        yield path
        return
    with stored.open("rb") as source, tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def import_job_create(*, upload, user) -> ImportJob:
    """Store the upload as a job of its user and start checking it (within the request for a
    small file, as a task for a large one). Refuses what is not a readable xlsx file."""
    check_upload(upload.name, upload.size)
    ImportJob.objects.discard_old_files()
    job = ImportJob(user=user, filename=Path(upload.name).name, size=upload.size)
    job.file.save(f"{job.token}.xlsx", upload, save=False)
    try:
        with local_copy(job.file) as path:
            job.estimated_rows = estimate_rows(path)
    except ImportFileError:
        job.file.delete(save=False)
        raise
    job.save()
    _start(job, "check_import")
    return job


def import_job_commit(job: ImportJob) -> bool:
    """Commit a checked file once, however many times the button is pressed."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.SAVING,
        stage="queued" if job.is_large else "check",
        done=0,
        total=job.result.get("counts", {}).get("total"),
        updated_at=timezone.now(),
    )
    if claimed:
        job.refresh_from_db()
        _start(job, "commit_import")
    return bool(claimed)


def _start(job: ImportJob, task_name: str) -> None:
    from .. import tasks  # the tasks call back into this module

    task = getattr(tasks, task_name)
    if not job.is_large:
        task.call(job.pk)
        return
    try:
        result = task.enqueue(job.pk)
    except Exception:  # the queue is down (Redis unreachable…): say so rather than wait forever
        logger.exception("Cadre import %s: %s could not be queued", job.token, task_name)
        _finish(job, ImportStatus.FAILED, message=QUEUE_DOWN)
        return
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def _job(job_id: int, status: str) -> ImportJob | None:
    """The job, if it still waits for this step (a task delivered twice runs once)."""
    return ImportJob.objects.select_related("user__unit").filter(pk=job_id, status=status).first()


def run_check(job_id: int) -> None:
    """Check the whole file, writing nothing: the job then holds the preview or every problem."""
    if (job := _job(job_id, ImportStatus.CHECKING)) is None:
        return
    with _failing_cleanly(job), local_copy(job.file) as path:
        plan = cadre_import_check(path, user=job.user, progress=_Watch(job))
        _finish(job, ImportStatus.READY if plan.is_valid else ImportStatus.INVALID, plan=plan)


def run_commit(job_id: int) -> None:
    """Check the file again and save every row or none."""
    if (job := _job(job_id, ImportStatus.SAVING)) is None:
        return
    with _failing_cleanly(job), local_copy(job.file) as path:
        plan = cadre_import_commit(
            path,
            user=job.user,
            progress=_Watch(job),
            filename=job.filename,
            previewed=job.result.get("seen"),  # the commit applies exactly what the preview showed
        )
        if plan.committed:
            counts = plan.counts()
            logger.info(
                "Cadre import %s by %s: %s created, %s updated",
                job.token,
                job.user,
                counts[Action.CREATE],
                counts[Action.UPDATE],
            )
        _finish(job, ImportStatus.DONE if plan.committed else ImportStatus.INVALID, plan=plan)


@contextmanager
def _failing_cleanly(job: ImportJob) -> Iterator[None]:
    """Any error ends the job as failed with a message the user can act on. The commit is one
    transaction, so a failure leaves nothing half-saved."""
    try:
        yield
    except _Stopped:
        job.result = {"cancelled": True}
        _finish(job, ImportStatus.FAILED, message=CANCELLED)
    except ImportFileError as error:
        _finish(job, ImportStatus.FAILED, message=str(error))
    except Exception:
        logger.exception("Cadre import %s failed", job.token)
        _finish(job, ImportStatus.FAILED, message=SYSTEM_ERROR.format(moment=timezone.localtime()))


def _finish(job: ImportJob, status: str, *, plan: ImportPlan | None = None, message: str = "") -> None:
    cache.delete(_cancel_key(job))
    if not ImportJob.objects.filter(pk=job.pk, status=job.status).exists():
        # Ended meanwhile (cancelled, or given up as interrupted): that outcome stands.
        job.forget_progress()
        job.discard_file()
        return
    result = job.result
    if plan is not None:
        result = {
            "counts": plan.counts(),
            "rows": [planned.summary() for planned in plan.rows[:PREVIEW_ROWS]],
            "problems": [str(problem) for problem in plan.problems[:SHOWN_PROBLEMS]],
        }
        if status == ImportStatus.READY:
            result["seen"] = plan.seen()  # every row's action and version, for the commit
    job.finish(status, message=message, result=result)
    job.forget_progress()
    if status != ImportStatus.READY:
        job.discard_file()  # only a preview waiting for its commit needs the file


# --- Ending a job early: cancelled by its user, over its time budget, or its worker gone ----------


class _Stopped(Exception):
    """The job was cancelled, or ended by someone else, while its task ran."""


def _cancel_key(job: ImportJob) -> str:
    return f"cadres:import-cancel:{job.token}"


class _Watch:
    """The work's progress callback (called between rows), which also ends the work, saving
    nothing, once it has run past its time budget or its job was cancelled."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.budget = settings.IMPORT_TIME_BUDGET_SECONDS
        self.started = self.looked = time.monotonic()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.started > self.budget:
            raise ImportFileError(OVER_TIME.format(seconds=self.budget))
        if now - self.looked >= CANCEL_CHECK_EVERY:
            self.looked = now
            if self._stopped():
                raise _Stopped
        self.job.report_progress(stage, done, total)

    def _stopped(self) -> bool:
        # The cache flag is seen even when the cancel's write to the row waits for this work's
        # transaction (SQLite locks the whole database while the rows are saved).
        job = self.job
        return bool(cache.get(_cancel_key(job))) or not (
            ImportJob.objects.filter(pk=job.pk, status=job.status).exists()
        )


def import_job_cancel(job: ImportJob) -> bool:
    """Cancel a check or save under way: its task stops at its next row and saves nothing (the
    save is one transaction). A job still waiting for a worker never starts. Whether the job
    ended cancelled (not when it had ended before)."""
    if job.status not in ImportJob.RUNNING:
        return False
    cache.set(_cancel_key(job), True, timeout=24 * 60 * 60)
    ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.RUNNING).update(
        status=ImportStatus.FAILED, message=CANCELLED, result={"cancelled": True}, updated_at=timezone.now()
    )
    job.refresh_from_db()
    if job.stage == QUEUED:
        job.discard_file()  # no task has the file open yet
    return bool(job.result.get("cancelled"))


def import_job_end_if_interrupted(job: ImportJob) -> None:
    """A running job that has published nothing for a long while lost its worker (killed
    mid-task): end it for good, as failed, and remove its file. Called when its page is shown
    or polled; should the worker be alive after all, it stops at its next row, saving nothing."""
    if not job.is_stale:
        return
    ended = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.FAILED, message=job.INTERRUPTED_MESSAGE, updated_at=timezone.now()
    )
    if ended:
        job.refresh_from_db()
        job.forget_progress()
        job.discard_file()
