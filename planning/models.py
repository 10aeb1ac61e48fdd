"""Succession planning (quy hoạch cán bộ), DOMAIN.md §5. This module holds the catalogues the
plans are made against, as data an admin edits: the terms of office and the staffing norms
(how many holders of each key post a unit of each kind should have). Plans, candidates and
their reviews build on them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from cadres.models import Position, TextNormalizingModel, UnitKind
from common.models import VersionedModel

FIRST_YEAR = 1931  # the Youth Union's founding: no term begins before it
LAST_YEAR = 2100
MAX_TERM_YEARS = 10


YEAR_VALIDATORS = [
    MinValueValidator(FIRST_YEAR, f"Năm phải từ {FIRST_YEAR} (năm thành lập Đoàn) trở đi."),
    MaxValueValidator(LAST_YEAR, f"Năm không được sau {LAST_YEAR}."),
]


class Term(VersionedModel, TextNormalizingModel):
    """A term of office (nhiệm kỳ) of Youth Union committees: 2025–2030 for communes and
    provinces, 2026–2031 for the national congress; older plans use 2022–2027 and 2027–2032."""

    name = models.CharField("tên nhiệm kỳ", max_length=100, unique=True)
    start_year = models.PositiveSmallIntegerField("năm bắt đầu", validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField("năm kết thúc", validators=YEAR_VALIDATORS)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["start_year", "end_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["start_year", "end_year"],
                name="term_years_unique",
                violation_error_message="Đã có nhiệm kỳ với năm bắt đầu và năm kết thúc này.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gt=models.F("start_year"))
                & models.Q(end_year__lte=models.F("start_year") + MAX_TERM_YEARS),
                name="term_years_in_order",
                violation_error_message=(
                    f"Năm kết thúc phải sau năm bắt đầu, và nhiệm kỳ dài không quá {MAX_TERM_YEARS} năm."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> int:
        """The term's length in years: what a candidate must still be able to serve."""
        return self.end_year - self.start_year


class StaffingNorm(VersionedModel, TextNormalizingModel):
    """How many holders of a key post a unit of a kind should have (Bí thư 1, Phó Bí thư 2…):
    a post with fewer holders than its norm is a vacancy on the unit's succession board."""

    unit_kind = models.CharField("loại đơn vị", max_length=32, choices=UnitKind.choices)
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        on_delete=models.PROTECT,
        related_name="staffing_norms",
        limit_choices_to={"is_key": True},
    )
    count = models.PositiveSmallIntegerField(
        "số lượng",
        validators=[
            MinValueValidator(1, "Số lượng phải từ 1 trở lên."),
            MaxValueValidator(99, "Số lượng không quá 99."),
        ],
    )
    source = models.CharField("văn bản quy định", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "định mức chức danh"
        verbose_name_plural = "định mức chức danh chủ chốt"
        ordering = ["unit_kind", "position__order", "position__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_kind", "position"],
                name="staffing_norm_unique",
                violation_error_message="Loại đơn vị này đã có định mức cho chức vụ này.",
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="staffing_norm_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_unit_kind_display()}: {self.count} {self.position}"
