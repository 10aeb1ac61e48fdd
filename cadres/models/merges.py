"""Unit merges (sáp nhập) as recorded facts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from common.dates import today
from units.scope import ScopedQuerySet

from ..dates import date_problems
from .units import Unit


class UnitMergeQuerySet(ScopedQuerySet):
    unit_field = "target"


class UnitMerge(models.Model):
    """A merge (sáp nhập) of units into one, kept as the record of what moved and when."""

    target = models.ForeignKey(
        Unit, verbose_name="đơn vị sau sáp nhập", on_delete=models.PROTECT, related_name="merges_in"
    )
    sources = models.ManyToManyField(Unit, verbose_name="đơn vị được sáp nhập", related_name="merged_into")
    effective_on = models.DateField("ngày hiệu lực")
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    moved_appointments = models.PositiveIntegerField("số chức vụ chuyển", default=0)
    moved_cadres = models.PositiveIntegerField("số cán bộ chuyển", default=0)
    moved_children = models.PositiveIntegerField("số đơn vị trực thuộc chuyển", default=0)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField("thời điểm", auto_now_add=True)

    objects = UnitMergeQuerySet.as_manager()

    class Meta:
        verbose_name = "sáp nhập đơn vị"
        verbose_name_plural = "sáp nhập đơn vị"
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"Sáp nhập vào {self.target} ({self.effective_on:%d/%m/%Y})"

    def clean(self):
        if problems := date_problems(self, today=today(), birth=None):
            raise ValidationError(problems)
