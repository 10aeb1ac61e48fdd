"""Long work, run as tasks of Django's Tasks framework (settings.TASKS): by ``manage.py db_worker``
by default, by an RQ worker on Redis, or within the request on the "immediate" backend. A task
takes the id of its job row (``cadres.models.jobs``) and writes its progress and outcome there,
so it survives the web process that enqueued it."""

import logging
import tempfile
from collections.abc import Callable
from types import SimpleNamespace
from typing import BinaryIO

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from common import dates
from common.db import read_replica

from .exports import roster_filenames, write_roster
from .filters import CadreFilter, describe_filters
from .imports.jobs import QUEUE_DOWN, run_check, run_commit
from .models import AccessAction, AccessLog, Cadre, ExportJob, ExportStatus

logger = logging.getLogger(__name__)

EXPORT_FAILED = (
    "Lỗi hệ thống khi tạo tệp. Hãy xuất lại; nếu vẫn lỗi, hãy báo quản trị viên "
    "(lúc {moment:%H:%M ngày %d/%m/%Y})."
)


@task()
def check_import(job_id: int) -> None:
    run_check(job_id)


@task()
def commit_import(job_id: int) -> None:
    run_commit(job_id)


@task()
def export_roster(job_id: int) -> None:
    run_export(job_id)


# --- Exports of the roster ---------------------------------------------------------------------


def roster_filter(data: QueryDict, *, user) -> CadreFilter:
    """The list page's FilterSet on the user's scope, for the page, its export and the export task."""
    return CadreFilter(data, queryset=Cadre.objects.visible_to(user), request=SimpleNamespace(user=user))


def write_filtered_roster(
    out: BinaryIO, filterset: CadreFilter, *, user, query: str, progress=None
) -> tuple[int, str, str]:
    """Write the filtered roster to ``out`` and log the export; returns the number of cadres and
    the file's ASCII and Vietnamese names."""
    today = dates.today()
    # Streamed by write_roster: one query, only the columns written, no model instances.
    cadres = filterset.qs
    count = write_roster(
        out,
        cadres,
        include_sensitive=user.can_see_sensitive,
        title=f"DANH SÁCH CÁN BỘ ĐOÀN (xuất ngày {today:%d/%m/%Y})",
        notes=describe_filters(filterset),
        progress=None if progress is None else _reporting(cadres.count(), progress),
    )
    # Personal data law: exports of records are logged (DOMAIN.md §3).
    AccessLog.record(user, AccessAction.EXPORT, rows=count, detail=query)
    unit = filterset.form.cleaned_data.get("unit") or user.unit
    return (count, *roster_filenames(unit, today))


def _reporting(total: int, progress) -> Callable[[int], None]:
    """What write_roster tells of its progress (each cadre written), told on every 200th."""
    progress("write", 0, total)

    def written(done: int) -> None:
        if done % 200 == 0 or done == total:
            progress("write", done, total)

    return written


def export_job_create(*, user, query: str) -> ExportJob:
    """Queue the export of the list filtered by ``query`` (the list page's query string)."""
    ExportJob.objects.discard_old_files()
    job = ExportJob.objects.create(user=user, query=query)
    try:
        result = export_roster.enqueue(job.pk)
    except Exception:  # the queue is down (Redis unreachable…): say so rather than wait forever
        logger.exception("Roster export %s could not be queued", job.token)
        job.finish(ExportStatus.FAILED, message=QUEUE_DOWN)
        return job
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


def run_export(job_id: int) -> None:
    job = (
        ExportJob.objects.select_related("user__unit").filter(pk=job_id, status=ExportStatus.RUNNING).first()
    )
    if job is None:
        return  # already done (a task delivered twice runs once)
    try:
        filterset = roster_filter(QueryDict(job.query), user=job.user)
        if not filterset.is_valid():
            job.finish(
                ExportStatus.FAILED,
                message="Bộ lọc không còn hợp lệ (có thể đơn vị đã ra ngoài phạm vi quản lý của bạn). "
                "Hãy lọc lại danh sách rồi xuất.",
            )
            return
        with tempfile.TemporaryFile() as out:
            # The roster's reads go to the read replica, if any; the job and the filter's check
            # above read the primary, and every write (progress, access log) goes there.
            with read_replica():
                count, filename, display_name = write_filtered_roster(
                    out, filterset, user=job.user, query=job.query, progress=job.report_progress
                )
            job.file.save(f"{job.token}.xlsx", File(out), save=False)
        job.rows, job.filename, job.display_name = count, filename, display_name
        job.finish(ExportStatus.DONE)
    except Exception:
        logger.exception("Roster export %s failed", job.token)
        job.discard_file()
        job.finish(ExportStatus.FAILED, message=EXPORT_FAILED.format(moment=timezone.localtime()))
