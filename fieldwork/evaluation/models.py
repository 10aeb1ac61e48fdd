"""The annual evaluation (đánh giá, xếp loại), DOMAIN.md §8: the criteria and thresholds as data
(``Scheme``, ``Criterion``; a year keeps the scheme it was rated with), and each cadre's
evaluation for a period, through its three steps — self-assessment, the collective's review, the
competent level's decision — each kept with who did it and when (``Evaluation``, ``Score``)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadres.models import Cadre, TextNormalizingModel, Unit
from common.lists import generation
from common.models import VersionedModel
from units.scope import ScopedQuerySet

FULL_MARKS = Decimal(100)
CENT = Decimal("0.01")


def points_field(label: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(FULL_MARKS)],
        **kwargs,
    )


def format_points(value: Decimal | None) -> str:
    """Points as Vietnamese write them: "87,5", "90", "69,99"."""
    if value is None:
        return ""
    text = f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


class Classification(models.TextChoices):
    EXCELLENT = "excellent", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "good", "Hoàn thành tốt nhiệm vụ"
    DONE = "done", "Hoàn thành nhiệm vụ"
    FAILED = "failed", "Không hoàn thành nhiệm vụ"


SHORT_LABELS = {
    Classification.EXCELLENT: "Xuất sắc",
    Classification.GOOD: "Tốt",
    Classification.DONE: "Hoàn thành",
    Classification.FAILED: "Không hoàn thành",
}
TONES = {
    Classification.EXCELLENT: "success",
    Classification.GOOD: "primary",
    Classification.DONE: "info",
    Classification.FAILED: "danger",
}


class Period(models.TextChoices):
    YEAR = "year", "Cả năm"
    Q1 = "q1", "Quý I"
    Q2 = "q2", "Quý II"
    Q3 = "q3", "Quý III"


class Scheme(VersionedModel, TextNormalizingModel):
    """The criteria, their points and the classification thresholds in force from a year on,
    with the document they come from. A scheme that rated someone is kept as it was: the next
    change is a new scheme from a later year."""

    name = models.CharField("tên bộ tiêu chí", max_length=200)
    from_year = models.PositiveSmallIntegerField(
        "áp dụng từ năm",
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Áp dụng cho các năm từ năm này đến trước năm của bộ tiêu chí kế tiếp.",
    )
    source = models.CharField(
        "căn cứ", max_length=255, help_text="Văn bản quy định: số, ký hiệu, ngày ban hành."
    )
    excellent_min = points_field("điểm tối thiểu xếp loại xuất sắc", default=Decimal(90))
    good_min = points_field("điểm tối thiểu xếp loại tốt", default=Decimal(70))
    done_min = points_field("điểm tối thiểu xếp loại hoàn thành", default=Decimal(50))
    excellent_share = models.PositiveSmallIntegerField(
        "tỷ lệ xuất sắc tối đa (% số xếp loại tốt)",
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Số xếp loại “xuất sắc” của một đơn vị không vượt quá tỷ lệ này của số xếp loại “tốt”.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bộ tiêu chí đánh giá"
        verbose_name_plural = "bộ tiêu chí đánh giá"
        ordering = ["-from_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_min__lt=models.F("good_min")) & Q(good_min__lt=models.F("excellent_min")),
                name="scheme_thresholds_ascending",
                violation_error_message="Ngưỡng điểm phải tăng dần: hoàn thành < tốt < xuất sắc.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (từ năm {self.from_year})"

    def clean(self):
        super().clean()
        if None not in (self.done_min, self.good_min, self.excellent_min) and not (
            0 < self.done_min < self.good_min < self.excellent_min <= FULL_MARKS
        ):
            raise ValidationError(
                {"good_min": "Ngưỡng điểm phải tăng dần: 0 < hoàn thành < tốt < xuất sắc ≤ 100."}
            )

    def classify(self, points: Decimal) -> Classification:
        """The classification of ``points`` by the thresholds: each threshold belongs to the
        higher class (90 is "xuất sắc", 89.99 "tốt")."""
        if points >= self.excellent_min:
            return Classification.EXCELLENT
        if points >= self.good_min:
            return Classification.GOOD
        if points >= self.done_min:
            return Classification.DONE
        return Classification.FAILED

    def allowed_excellent(self, good: int) -> int:
        """How many "xuất sắc" a unit may have beside ``good`` "tốt" (none without a "tốt")."""
        return good * self.excellent_share // 100

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.evaluations.exists()


class CriterionKind(models.TextChoices):
    MANUAL = "manual", "Chấm theo nhận xét"
    FIELDWORK = "fieldwork", "Gợi ý từ số ngày đi cơ sở “1+2”"


class Criterion(VersionedModel, TextNormalizingModel):
    """A criterion of a scheme, with its maximum points, in a group ("I. Phẩm chất chính trị…");
    the group's points are its criteria's, and a scheme's add up to 100."""

    scheme = models.ForeignKey(
        Scheme, verbose_name="bộ tiêu chí", on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.CharField("nhóm tiêu chí", max_length=200)
    name = models.CharField("tiêu chí", max_length=300)
    max_points = models.DecimalField(
        "điểm tối đa",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(FULL_MARKS)],
    )
    kind = models.CharField(
        "cách chấm", max_length=16, choices=CriterionKind.choices, default=CriterionKind.MANUAL
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "tiêu chí đánh giá"
        verbose_name_plural = "tiêu chí đánh giá"
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="criterion_once_per_scheme",
                violation_error_message="Bộ tiêu chí đã có tiêu chí này.",
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0) & Q(max_points__lte=100), name="criterion_points_within_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({format_points(self.max_points)} điểm)"


class EvaluationStatus(models.TextChoices):
    SELF = "self", "Chờ tự đánh giá"
    REVIEW = "review", "Chờ tập thể nhận xét"
    DECISION = "decision", "Chờ cấp có thẩm quyền quyết định"
    DECIDED = "decided", "Đã quyết định"


STATUS_TONES = {
    EvaluationStatus.SELF: "secondary",
    EvaluationStatus.REVIEW: "warning",
    EvaluationStatus.DECISION: "info",
    EvaluationStatus.DECIDED: "success",
}


# The generation of the evaluations' cached figures (``common.lists``), bumped by every change.
GENERATION = "evaluations"


class EvaluationQuerySet(ScopedQuerySet):
    """An evaluation belongs to the unit that rates the cadre (the cadre's unit when it opened)."""

    def period(self, year: int, period: str = Period.YEAR):
        return self.filter(year=year, period=period)

    def data_version(self) -> str:
        """What the evaluations' cached figures depend on (``common.lists.cached_figures``)."""
        return f"{GENERATION}-{generation(GENERATION)}"


class Evaluation(VersionedModel, TextNormalizingModel):
    """A cadre's evaluation for a year (or a quarter): the self-assessment, the collective's
    review and the decision, each with its points per criterion (``Score``), total, comment, who
    and when. ``classification`` follows the latest step's total; once decided it is final and
    the evaluation is locked."""

    stale_label = "phiếu đánh giá"

    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="evaluations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị đánh giá", on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(
        "năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    period = models.CharField("kỳ đánh giá", max_length=8, choices=Period.choices, default=Period.YEAR)
    scheme = models.ForeignKey(
        Scheme, verbose_name="bộ tiêu chí", on_delete=models.PROTECT, related_name="evaluations"
    )
    status = models.CharField(
        "bước", max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.SELF
    )
    classification = models.CharField("xếp loại", max_length=16, choices=Classification.choices, blank=True)

    self_points = points_field("điểm tự chấm", null=True, blank=True)
    self_comment = models.TextField("tự nhận xét", blank=True)
    self_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập tự đánh giá",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    self_at = models.DateTimeField("ngày tự đánh giá", null=True, blank=True)

    review_points = points_field("điểm tập thể chấm", null=True, blank=True)
    review_comment = models.TextField("nhận xét của tập thể", blank=True)
    review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập nhận xét của tập thể",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_at = models.DateTimeField("ngày tập thể nhận xét", null=True, blank=True)

    final_points = points_field("điểm quyết định", null=True, blank=True)
    decision_comment = models.TextField("ý kiến của cấp quyết định", blank=True)
    decision_number = models.CharField("số quyết định", max_length=50, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người quyết định",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("ngày nhập quyết định", null=True, blank=True)
    override_reason = models.TextField(
        "lý do vượt tỷ lệ xuất sắc",
        blank=True,
        help_text="Ghi khi cấp có thẩm quyền quyết định xếp loại xuất sắc vượt tỷ lệ so với số xếp loại tốt.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người mở phiếu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày mở phiếu", auto_now_add=True)

    history = HistoricalRecords()
    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "phiếu đánh giá, xếp loại"
        verbose_name_plural = "phiếu đánh giá, xếp loại"
        ordering = ["-year", "period", "unit", "cadre"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "period"],
                name="evaluation_once_per_period",
                violation_error_message="Cán bộ đã có phiếu đánh giá của kỳ này.",
            ),
            models.CheckConstraint(
                condition=~Q(status=EvaluationStatus.DECIDED) | Q(final_points__isnull=False),
                name="evaluation_decided_has_points",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "year", "period", "status", "classification"], name="evaluation_unit"
            ),
            models.Index(fields=["year", "period", "status"], name="evaluation_period_status"),
        ]

    def __str__(self) -> str:
        period = f"{self.get_period_display().lower()} " if self.period != Period.YEAR else ""
        return f"Đánh giá {period}năm {self.year} – {self.cadre}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:evaluation-detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return (
            f"năm {self.year}"
            if self.period == Period.YEAR
            else f"{self.get_period_display()} năm {self.year}"
        )

    @property
    def is_decided(self) -> bool:
        return self.status == EvaluationStatus.DECIDED

    @property
    def points(self) -> Decimal | None:
        """The latest step's total."""
        for value in (self.final_points, self.review_points, self.self_points):
            if value is not None:
                return value
        return None

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "secondary")

    @property
    def classification_short(self) -> str:
        return SHORT_LABELS.get(self.classification, "")

    @property
    def classification_tone(self) -> str:
        return TONES.get(self.classification, "secondary")


class ScoreQuerySet(ScopedQuerySet):
    unit_field = "evaluation__unit"


class Score(models.Model):
    """A criterion's points at each step of an evaluation (the evaluation's version guards
    edits: a step saves all its points with it)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="phiếu đánh giá", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="scores"
    )
    self_points = points_field("tự chấm", null=True, blank=True)
    review_points = points_field("tập thể chấm", null=True, blank=True)
    final_points = points_field("cấp quyết định chấm", null=True, blank=True)

    history = HistoricalRecords()
    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "điểm theo tiêu chí"
        verbose_name_plural = "điểm theo tiêu chí"
        ordering = ["evaluation", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                name="score_once_per_criterion",
                violation_error_message="Tiêu chí đã có điểm trong phiếu này.",
            ),
        ]

    def __str__(self) -> str:
        latest = next(
            (p for p in (self.final_points, self.review_points, self.self_points) if p is not None), None
        )
        return f"{self.criterion.name}: {format_points(latest)}"
