"""Long work a user started and follows on a page: an Excel import (upload → check → commit) and a
large export. The work runs as a task of Django's Tasks framework (``cadres.tasks``); these rows
are what the pages show — status, progress, outcome — and keep the file in storage between steps.
A job and its file belong to the user who started it."""

import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property

from units.scope import ScopedQuerySet

__all__ = ["ExportJob", "ExportStatus", "ImportJob", "ImportStatus"]

# A running job that reports nothing for this long has lost its worker (killed mid-task).
STALE_AFTER = timedelta(minutes=10)
# A job still waiting for a worker after this long is worth a word to the user.
WAITING_LONG_AFTER = timedelta(minutes=1)
# Files of abandoned previews and downloaded exports are removed after a day.
KEEP_FILES_FOR = timedelta(hours=24)
QUEUED = "queued"


class JobQuerySet(ScopedQuerySet):
    unit_field = "user__unit"  # an admin sees the jobs of the users of their subtree

    def owned_by(self, user) -> "JobQuerySet":
        return self.filter(user=user)

    def with_old_files(self) -> "JobQuerySet":
        return self.filter(created_at__lt=timezone.now() - KEEP_FILES_FOR).exclude(file="")

    def discard_old_files(self) -> None:
        for job in self.with_old_files():
            job.discard_file()


class BackgroundJob(models.Model):
    """What both kinds of job share: owner, status, progress, message and file."""

    STAGE_LABELS: dict[str, str] = {QUEUED: "Đang chờ đến lượt xử lý"}
    RUNNING: frozenset[str] = frozenset()
    FAILED = "failed"
    INTERRUPTED_MESSAGE = ""

    token = models.UUIDField("mã", default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="người dùng"
    )
    stage = models.CharField("bước", max_length=10, default=QUEUED)
    done = models.PositiveIntegerField("đã xử lý", default=0)
    total = models.PositiveIntegerField("tổng số", null=True, blank=True)
    message = models.TextField("thông báo", blank=True)
    task_id = models.CharField("mã tác vụ nền", max_length=64, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.token}"

    # --- Progress, written by the task, read by the page's poll ---------------------------

    _published_at = 0.0

    def report_progress(self, stage: str, done: int, total: int | None) -> None:
        """Called by the work as it goes: progress is published on the row."""
        if self._due(stage, done, total):
            type(self).objects.filter(pk=self.pk).update(
                stage=stage, done=done, total=total, updated_at=timezone.now()
            )

    def _due(self, stage: str, done: int, total: int | None) -> bool:
        """At most twice a second (the page polls once a second), and at every new stage and
        the last row."""
        now = time.monotonic()
        if stage == self.stage and done != total and now - self._published_at < 0.5:
            return False
        self._published_at = now
        self.stage, self.done, self.total = stage, done, total
        return True

    @cached_property
    def published(self) -> tuple[str, int, int | None, float]:
        """(stage, done, total, timestamp) as last published, read once per page."""
        in_row = (self.stage, self.done, self.total, self.updated_at.timestamp())
        live = self.live_progress()
        return max(in_row, live, key=lambda progress: progress[3]) if live else in_row

    def live_progress(self) -> tuple[str, int, int | None, float] | None:
        """Progress published outside the row, if any (see ``ImportJob``)."""
        return None

    @property
    def is_stale(self) -> bool:
        stage, _, _, published = self.published
        if self.status not in self.RUNNING or stage == QUEUED:
            return False  # waiting for a worker is not a failure: the task is safe in its queue
        return time.time() - published > STALE_AFTER.total_seconds()

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING and not self.is_stale

    @property
    def current_status(self) -> str:
        """The status, or "failed" once a running job has lost its worker."""
        return self.FAILED if self.is_stale else self.status

    @property
    def current_message(self) -> str:
        return self.INTERRUPTED_MESSAGE if self.is_stale else self.message

    @property
    def is_waiting_long(self) -> bool:
        stage, _, _, published = self.published
        waited = time.time() - published
        return self.is_running and stage == QUEUED and waited > WAITING_LONG_AFTER.total_seconds()

    @property
    def progress_label(self) -> str:
        stage, done, total, _ = self.published
        return self.STAGE_LABELS[stage].format(
            done=number_format(done, force_grouping=True),
            total=number_format(total or 0, force_grouping=True),
        )

    @property
    def percent(self) -> int | None:
        stage, done, total, _ = self.published
        if not total or stage in {QUEUED, "read"}:
            return None
        return min(100, round(100 * done / total))

    # --- Outcome ------------------------------------------------------------------------------

    def finish(self, status: str, *, message: str = "", **fields) -> None:
        self.status, self.message = status, message
        for name, value in fields.items():
            setattr(self, name, value)
        self.save()

    def discard_file(self) -> None:
        if self.file:
            self.file.delete(save=False)
            type(self).objects.filter(pk=self.pk).update(file="")


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Đang kiểm tra"
    READY = "ready", "Chờ xác nhận"
    INVALID = "invalid", "Có lỗi"
    SAVING = "saving", "Đang lưu"
    DONE = "done", "Đã nhập"
    FAILED = "failed", "Không nhập được"


class ImportJob(BackgroundJob):
    """An uploaded roster file: checked (preview), then committed once, all or nothing."""

    STAGE_LABELS = {
        **BackgroundJob.STAGE_LABELS,
        "read": "Đang đọc tệp",
        "check": "Đã kiểm tra {done}/{total} dòng",
        "save": "Đã lưu {done}/{total} dòng",
    }
    RUNNING = frozenset({ImportStatus.CHECKING, ImportStatus.SAVING})
    INTERRUPTED_MESSAGE = "Quá trình nhập bị gián đoạn; không có dữ liệu nào được lưu. Hãy tải tệp lên lại."

    status = models.CharField(
        "trạng thái", max_length=10, choices=ImportStatus, default=ImportStatus.CHECKING
    )
    file = models.FileField("tệp", upload_to="imports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("dung lượng (byte)")
    estimated_rows = models.PositiveIntegerField("số dòng ước tính", default=0)
    # {"counts": {...}, "rows": [first rows of the preview], "problems": ["Dòng 3, cột …: …"]}
    result = models.JSONField("kết quả", default=dict, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "lượt nhập Excel"
        verbose_name_plural = "lượt nhập Excel"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre-import-job", args=[self.token])

    def get_status_url(self) -> str:
        return reverse("cadres:cadre-import-status", args=[self.token])

    @property
    def is_large(self) -> bool:
        return self.estimated_rows >= settings.IMPORT_BACKGROUND_MIN_ROWS

    @property
    def heading(self) -> str:
        return "Đang lưu dữ liệu…" if self.status == ImportStatus.SAVING else "Đang kiểm tra tệp…"

    @property
    def _live_key(self) -> str:
        return f"cadres:import-progress:{self.pk}"

    def report_progress(self, stage: str, done: int, total: int | None) -> None:
        if stage != "save":
            super().report_progress(stage, done, total)
        elif self._due(stage, done, total):
            # Rows are saved in one transaction, and other connections see none of its writes
            # (this row's included) before it commits: the count goes through the cache, shared
            # by every process, until then.
            cache.set(self._live_key, (stage, done, total, time.time()), KEEP_FILES_FOR.total_seconds())

    def live_progress(self) -> tuple[str, int, int | None, float] | None:
        live = cache.get(self._live_key) if self.status == ImportStatus.SAVING else None
        return tuple(live) if live else None

    def forget_progress(self) -> None:
        cache.delete(self._live_key)


class ExportStatus(models.TextChoices):
    RUNNING = "running", "Đang tạo tệp"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không xuất được"


class ExportJob(BackgroundJob):
    """The filtered roster written to an Excel file in storage, for its user to download."""

    STAGE_LABELS = {**BackgroundJob.STAGE_LABELS, "write": "Đã ghi {done}/{total} cán bộ"}
    RUNNING = frozenset({ExportStatus.RUNNING})
    INTERRUPTED_MESSAGE = "Quá trình tạo tệp bị gián đoạn. Hãy xuất lại danh sách."

    status = models.CharField("trạng thái", max_length=10, choices=ExportStatus, default=ExportStatus.RUNNING)
    file = models.FileField("tệp", upload_to="exports/%Y/%m/", max_length=255, blank=True)
    query = models.TextField("bộ lọc", blank=True)  # the list page's query string
    filename = models.CharField("tên tệp", max_length=255, blank=True)  # ASCII, for old browsers
    display_name = models.CharField("tên tệp hiển thị", max_length=255, blank=True)
    rows = models.PositiveIntegerField("số cán bộ", null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "lượt xuất Excel"
        verbose_name_plural = "lượt xuất Excel"

    heading = "Đang tạo tệp Excel…"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre-export-job", args=[self.token])

    def get_status_url(self) -> str:
        return reverse("cadres:cadre-export-status", args=[self.token])

    def get_download_url(self) -> str:
        return reverse("cadres:cadre-export-download", args=[self.token])


@receiver(post_delete, sender=ImportJob)
@receiver(post_delete, sender=ExportJob)
def _delete_file_with_its_job(sender, instance: BackgroundJob, **kwargs) -> None:
    """A job deleted (in the admin, or with its user) takes its file along."""
    if instance.file:
        instance.file.delete(save=False)
