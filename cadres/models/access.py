"""The log of reads and exports of sensitive personal data."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from units.scope import ScopedQuerySet

from .. import registry
from .roster import Cadre


class AccessAction(models.TextChoices):
    VIEW = "view", "Xem hồ sơ"
    CV = "cv", "In sơ yếu lý lịch"
    EXPORT = "export", "Xuất Excel"
    IMPORT = "import", "Nhập Excel"


def access_action_choices() -> list[tuple[str, str]]:
    """cadres' own actions, then those other apps registered (cadres.registry)."""
    return [*AccessAction.choices, *((action.key, action.label) for action in registry.access_actions)]


class AccessActionField(models.CharField):
    """The log's action: ``AccessAction`` plus the registered actions, for validation, display
    and the admin's filter. Migrations see only ``AccessAction``'s choices (``deconstruct``), so
    an app registering an action needs no migration in ``cadres``; the column is a plain
    varchar either way."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = access_action_choices
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs["choices"] = AccessAction.choices
        return name, "django.db.models.CharField", args, kwargs


class AccessLogQuerySet(ScopedQuerySet):
    def scope_condition(self, prefix: str) -> Q:
        # A read of one record belongs to the record's unit; an export or import (no single
        # record) to the unit of the user who made it.
        return Q(cadre__unit__path__startswith=prefix) | Q(
            cadre__isnull=True, user__unit__path__startswith=prefix
        )


class AccessLog(models.Model):
    """Who read or exported records holding sensitive personal data (Luật BVDLCN 91/2025/QH15,
    Nghị định 356/2025/NĐ-CP). Written only when the user's role sees sensitive fields."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.PROTECT, related_name="+"
    )
    action = AccessActionField("thao tác", max_length=16)
    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rows = models.PositiveIntegerField("số hồ sơ", default=1)
    detail = models.CharField("chi tiết", max_length=500, blank=True)
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "nhật ký truy cập dữ liệu nhạy cảm"
        verbose_name_plural = "nhật ký truy cập dữ liệu nhạy cảm"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_action_display()} – {self.at:%d/%m/%Y %H:%M}"

    @classmethod
    def record(
        cls, user, action: str, *, cadre: Cadre | None = None, rows: int = 1, detail: str = ""
    ) -> None:
        if action not in dict(access_action_choices()):
            raise ValueError(f"Unknown access-log action {action!r}: register it in cadres.registry.")
        if user.can_see_sensitive:
            cls.objects.create(user=user, action=action, cadre=cadre, rows=rows, detail=detail[:500])
