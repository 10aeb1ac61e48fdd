"""The web page's imports: the upload kept in storage (Django's storage API) and recorded as an
``ImportJob`` of its user; the check (preview) and the commit run within the request for small
files and as tasks (``cadres.tasks``) for large ones, publishing their progress on the job."""

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils import timezone

from ..models import ImportJob, ImportStatus
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

__all__ = ["ImportJob", "JobStatus", "import_job_commit", "import_job_create", "run_check", "run_commit"]


@contextmanager
def local_copy(stored) -> Iterator[Path]:
    """A path to a stored file: the file itself on a local storage, else a temporary copy
    (openpyxl reads from a path)."""
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
        plan = cadre_import_check(path, user=job.user, progress=job.report_progress)
        _finish(job, ImportStatus.READY if plan.is_valid else ImportStatus.INVALID, plan=plan)


def run_commit(job_id: int) -> None:
    """Check the file again and save every row or none."""
    if (job := _job(job_id, ImportStatus.SAVING)) is None:
        return
    with _failing_cleanly(job), local_copy(job.file) as path:
        plan = cadre_import_commit(path, user=job.user, progress=job.report_progress, filename=job.filename)
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
    except ImportFileError as error:
        _finish(job, ImportStatus.FAILED, message=str(error))
    except Exception:
        logger.exception("Cadre import %s failed", job.token)
        _finish(job, ImportStatus.FAILED, message=SYSTEM_ERROR.format(moment=timezone.localtime()))


def _finish(job: ImportJob, status: str, *, plan: ImportPlan | None = None, message: str = "") -> None:
    result = job.result
    if plan is not None:
        result = {
            "counts": plan.counts(),
            "rows": [planned.summary() for planned in plan.rows[:PREVIEW_ROWS]],
            "problems": [str(problem) for problem in plan.problems[:SHOWN_PROBLEMS]],
        }
    job.finish(status, message=message, result=result)
    job.forget_progress()
    if status != ImportStatus.READY:
        job.discard_file()  # only a preview waiting for its commit needs the file
