"""The log of reads and exports of sensitive personal data."""

from django.conf import settings
from django.db import models

from .roster import Cadre
from .units import Unit


class AccessAction(models.TextChoices):
    VIEW = "view", "Xem hồ sơ"
    CV = "cv", "In sơ yếu lý lịch"
    EXPORT = "export", "Xuất Excel"
    IMPORT = "import", "Nhập Excel"


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AccessLogQuerySet":
        return self.filter(cadre__in=Cadre.objects.visible_to(user)) | self.filter(
            cadre__isnull=True, user__unit__in=Unit.objects.visible_to(user)
        )


class AccessLog(models.Model):
    """Who read or exported records holding sensitive personal data (Luật BVDLCN 91/2025/QH15,
    Nghị định 356/2025/NĐ-CP). Written only when the user's role sees sensitive fields."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("thao tác", max_length=16, choices=AccessAction.choices)
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
        if user.can_see_sensitive:
            cls.objects.create(user=user, action=action, cadre=cadre, rows=rows, detail=detail[:500])
