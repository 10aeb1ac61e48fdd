"""What every editable model shares: a version number, so that no save overwrites a change made
since its form was opened (``VersionedModel``, with ``common.forms.VersionedFormMixin``)."""

import datetime
import itertools
from dataclasses import dataclass

from django.db import models, router, transaction

# Bookkeeping columns, never listed among "what changed meanwhile".
UNLISTED_FIELDS = frozenset({"version", "search_text", "updated_at", "created_at", "password", "last_login"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    user: str
    when: datetime.datetime | None


# django-simple-history's ``history_change_reason`` column.
CHANGE_REASON_LENGTH = 100


def change_reason(text: str) -> str:
    """``text`` as a history record's reason (the column holds 100 characters): a long course or
    unit name is cut with "…" rather than failing the save on PostgreSQL."""
    return text if len(text) <= CHANGE_REASON_LENGTH else text[: CHANGE_REASON_LENGTH - 1].rstrip() + "…"


class StaleEditError(Exception):
    """The record changed since the form was loaded; carries what changed."""

    def __init__(self, changes: list[FieldChange]):
        super().__init__("Hồ sơ đã được người khác cập nhật.")
        self.changes = changes


class VersionedModel(models.Model):
    """A row whose every save takes the next version (``save``); a save from a form loaded at
    an older version is refused (``save_checked``)."""

    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    # Columns no form edits, whose saves (``update_fields``) do not take a new version.
    unversioned_fields: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        if update_fields is not None and set(update_fields) <= self.unversioned_fields:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            # The row stays locked until the save's transaction ends: two saves never take the
            # same version, and a version never goes back (the instance may hold an old one).
            current = (
                type(self)
                ._base_manager.using(using)
                .select_for_update()
                .filter(pk=self.pk)
                .order_by("pk")  # not the model's ordering: its joins refuse FOR UPDATE
                .values_list("version", flat=True)
                .first()
            )
            if current is not None:
                self.version = current + 1
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "version"}
            return super().save(*args, **kwargs)

    def save_checked(self, base_version: int | None) -> None:
        """Save an edit made from a form loaded at ``base_version``; raise ``StaleEditError``
        with what changed meanwhile if someone saved in between."""
        with transaction.atomic(using=router.db_for_write(type(self), instance=self)):
            self.check_version(base_version, lock=True)
            self.save()

    def check_version(self, base_version: int | None, *, lock: bool = False) -> None:
        """Raise ``StaleEditError`` if the stored row is no longer at ``base_version``
        (``lock`` keeps the row locked until the current transaction ends)."""
        rows = type(self)._base_manager.filter(pk=self.pk).order_by("pk")  # see ``save``
        if lock:
            rows = rows.select_for_update()
        current = rows.values_list("version", flat=True).first()
        if current is not None and current != base_version:
            raise StaleEditError(self.changes_since(base_version or 0))

    def current_version(self) -> int | None:
        return (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .order_by("pk")
            .values_list("version", flat=True)
            .first()
        )

    def changes_since(self, version: int) -> list[FieldChange]:
        """What changed in the stored row after ``version``, field by field, with who and when,
        read from the model's history (django-simple-history); nothing for a model without one."""
        attribute = getattr(self._meta, "simple_history_manager_attribute", None)
        if attribute is None or self.pk is None:
            return []
        records = getattr(type(self), attribute).filter(**{self._meta.pk.attname: self.pk})
        records = list(records.filter(version__gte=version).order_by("history_date", "history_id"))
        changes = []
        for older, newer in itertools.pairwise(records):
            for change in newer.diff_against(older).changes:
                if change.field in UNLISTED_FIELDS:
                    continue
                field = self._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        field=change.field,
                        label=str(field.verbose_name).capitalize(),
                        old=_display(field, change.old),
                        new=_display(field, change.new),
                        user=str(newer.history_user or "hệ thống"),
                        when=newer.history_date,
                    )
                )
        return changes


def _display(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        model = field.related_model
        return str(model._base_manager.filter(pk=value).first() or value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class Snapshot(models.Model):
    """Figures drawn from many tables (the dashboard's), kept between requests with the version
    of the data they were computed from, and recomputed by a task when it no longer matches
    (``common.snapshots``). Written only by that module: not edited, not audited."""

    key = models.CharField("khoá", max_length=200, unique=True)
    version = models.CharField("phiên bản dữ liệu", max_length=64)  # a digest of the data's token
    computed_at = models.DateTimeField("tính lúc")
    seconds = models.FloatField("thời gian tính (giây)", default=0)
    value = models.BinaryField("số liệu")
    # The version a refresh was queued for, and when: one task per new version of the data.
    wanted_version = models.CharField("phiên bản đang tính", max_length=64, blank=True)
    wanted_at = models.DateTimeField("yêu cầu tính lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bản số liệu tổng hợp"
        verbose_name_plural = "bản số liệu tổng hợp"

    def __str__(self) -> str:
        return self.key
