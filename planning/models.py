"""Succession planning (quy hoạch cán bộ), DOMAIN.md §5: the catalogues plans are made against
(terms of office, staffing norms, the rules' numbers and the structure targets, all data an
admin edits), the plans with their candidates, the annual reviews, and the sourcing pool."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadres.models import Cadre, Gender, Position, TextNormalizingModel, Unit, UnitKind
from common.dates import add_years, today
from common.models import VersionedModel
from common.text import fold, is_phone_number, phone_text
from units.scope import ScopedQuerySet

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


# --- Rules as data ---------------------------------------------------------------------------


class PlanningRules(VersionedModel):
    """The numbers of the planning rules (Quy định 377-QĐ/TW), one row an admin edits: the
    rules read them at the moment a candidate is added, never literals in code."""

    max_candidates_per_position = models.PositiveSmallIntegerField(
        "số người tối đa cho một chức danh",
        default=3,
        validators=[MinValueValidator(1, "Phải từ 1 trở lên."), MaxValueValidator(20, "Không quá 20.")],
    )
    max_positions_per_cadre = models.PositiveSmallIntegerField(
        "số chức danh tối đa của một người cùng cấp",
        default=3,
        validators=[MinValueValidator(1, "Phải từ 1 trở lên."), MaxValueValidator(20, "Không quá 20.")],
    )
    min_candidates_per_position = models.PositiveSmallIntegerField(
        "số người tối thiểu để không bị cảnh báo",
        default=2,
        help_text="Chức danh có ít người quy hoạch hơn số này được nêu khi rà soát.",
        validators=[MaxValueValidator(20, "Không quá 20.")],
    )
    require_full_term = models.BooleanField(
        "ứng viên phải đủ tuổi công tác trọn một nhiệm kỳ",
        default=True,
        help_text="Tuổi đầu nhiệm kỳ cộng số năm của nhiệm kỳ không vượt giới hạn tuổi đảm nhiệm.",
    )
    source = models.CharField("văn bản quy định", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "quy tắc quy hoạch"
        verbose_name_plural = "quy tắc quy hoạch"

    def __str__(self) -> str:
        return "Quy tắc quy hoạch"

    @classmethod
    def current(cls) -> "PlanningRules":
        """The row in force (seeded by planning.0004); the defaults if an admin deleted it."""
        return cls.objects.order_by("pk").first() or cls()


class StructureMetric(models.TextChoices):
    WOMEN = "women", "Nữ"
    UNDER_30 = "under_30", "Dưới 30 tuổi"
    UNDER_35 = "under_35", "Dưới 35 tuổi"
    ETHNIC_MINORITY = "ethnic_minority", "Dân tộc thiểu số"


class StructureTarget(VersionedModel, TextNormalizingModel):
    """A structure goal (cơ cấu) every plan is measured against: e.g. women at least 25% of
    the candidates."""

    metric = models.CharField("tiêu chí", max_length=32, choices=StructureMetric.choices, unique=True)
    min_percent = models.PositiveSmallIntegerField(
        "tỷ lệ tối thiểu (%)",
        validators=[
            MinValueValidator(1, "Tỷ lệ phải từ 1%%."),
            MaxValueValidator(100, "Tỷ lệ không quá 100%%."),
        ],
    )
    source = models.CharField("văn bản quy định", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chỉ tiêu cơ cấu"
        verbose_name_plural = "chỉ tiêu cơ cấu quy hoạch"
        ordering = ["metric"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_percent__gte=1, min_percent__lte=100), name="structure_target_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.min_percent}%"


# --- Plans -------------------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã trình duyệt"
    RETURNED = "returned", "Bị trả lại"
    APPROVED = "approved", "Đã phê duyệt"


EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)


STATUS_TONES = {"draft": "secondary", "submitted": "info", "returned": "warning", "approved": "success"}


class Approval(models.Model):
    """What a plan and an annual review both record of their approval: the decision (number,
    date, who approved), or the comment they were returned with."""

    return_comment = models.TextField("ý kiến khi trả lại", blank=True)
    decision_number = models.CharField("số quyết định phê duyệt", max_length=100, blank=True)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người phê duyệt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[self.status]


class PlanQuerySet(ScopedQuerySet):
    unit_field = "unit"


class SuccessionPlan(VersionedModel, TextNormalizingModel, Approval):
    """A unit's succession plan (quy hoạch cán bộ) for a term. Drafted and submitted by an
    editor, approved or returned by an approver; once approved it is locked and changes only
    through an annual review (``AnnualReview``)."""

    stale_label = "quy hoạch"

    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="succession_plans"
    )
    term = models.ForeignKey(Term, verbose_name="nhiệm kỳ", on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(
        "trạng thái", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    note = models.TextField("ghi chú", blank=True)
    submitted_at = models.DateTimeField("ngày trình", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người trình",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approving_body = models.CharField("cấp phê duyệt", max_length=255, blank=True)
    created_at = models.DateTimeField("ngày lập", auto_now_add=True)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "quy hoạch cán bộ"
        verbose_name_plural = "quy hoạch cán bộ"
        ordering = ["-term__start_year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "term"],
                name="plan_unit_term_unique",
                violation_error_message="Đơn vị này đã có quy hoạch cho nhiệm kỳ này.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | ~models.Q(decision_number=""),
                name="plan_approved_has_decision",
                violation_error_message="Quy hoạch đã phê duyệt phải có số quyết định.",
            ),
        ]

    def __str__(self) -> str:
        return f"Quy hoạch {self.unit} nhiệm kỳ {self.term.start_year}–{self.term.end_year}"

    def get_absolute_url(self) -> str:
        return reverse("planning:plan-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Candidates are added and removed directly only while drafting (or after a return)."""
        return self.status in EDITABLE_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Đang rà soát"
    SUBMITTED = "submitted", "Đã trình duyệt"
    RETURNED = "returned", "Bị trả lại"
    APPROVED = "approved", "Đã phê duyệt"


class ReviewQuerySet(ScopedQuerySet):
    unit_field = "plan__unit"


class AnnualReview(VersionedModel, TextNormalizingModel, Approval):
    """The yearly review (rà soát, bổ sung) of an approved plan: it adds and removes candidates
    with reasons, and takes effect when approved."""

    stale_label = "đợt rà soát"

    plan = models.ForeignKey(
        SuccessionPlan, verbose_name="quy hoạch", on_delete=models.CASCADE, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField("năm rà soát", validators=YEAR_VALIDATORS)
    summary = models.TextField("nội dung rà soát", blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người lập",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày lập", auto_now_add=True)

    history = HistoricalRecords()
    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "đợt rà soát quy hoạch"
        verbose_name_plural = "đợt rà soát quy hoạch"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="review_plan_year_unique",
                violation_error_message="Quy hoạch này đã có đợt rà soát của năm này.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rà soát năm {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


class Readiness(models.TextChoices):
    NOW = "now", "Sẵn sàng ngay"
    ONE_TWO = "1_2", "1–2 năm"
    THREE_FIVE = "3_5", "3–5 năm"


class RemovalReason(models.TextChoices):
    OVER_AGE = "over_age", "Quá tuổi"
    DISCIPLINE = "discipline", "Bị kỷ luật"
    FAILED_DUTIES = "failed_duties", "Không hoàn thành nhiệm vụ"
    BELOW_STANDARD = "below_standard", "Không còn đủ tiêu chuẩn"
    APPOINTED = "appointed", "Đã được bầu, bổ nhiệm vào chức danh"
    TRANSFERRED = "transferred", "Chuyển công tác, nghỉ việc"
    OTHER = "other", "Lý do khác"


class CandidateQuerySet(ScopedQuerySet):
    unit_field = "plan__unit"

    def live(self) -> "CandidateQuerySet":
        """In the plan or proposed for it: not removed, nor proposed for removal."""
        return self.filter(removed_year__isnull=True)


class Candidate(VersionedModel, TextNormalizingModel):
    """A cadre planned for a key position in a plan. Removal keeps the row, with the year, the
    reason and the review that removed them: the plan's history stays whole."""

    stale_label = "ứng viên quy hoạch"

    plan = models.ForeignKey(
        SuccessionPlan, verbose_name="quy hoạch", on_delete=models.CASCADE, related_name="candidates"
    )
    position = models.ForeignKey(
        Position, verbose_name="chức danh quy hoạch", on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="candidacies"
    )
    readiness = models.CharField(
        "mức độ sẵn sàng", max_length=8, choices=Readiness.choices, default=Readiness.ONE_TWO
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    added_year = models.PositiveSmallIntegerField("năm đưa vào", validators=YEAR_VALIDATORS)
    added_by_review = models.ForeignKey(
        AnnualReview,
        verbose_name="bổ sung qua đợt rà soát",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="added_candidates",
    )
    removed_year = models.PositiveSmallIntegerField(
        "năm đưa ra", null=True, blank=True, validators=YEAR_VALIDATORS
    )
    removal_reason = models.CharField(
        "lý do đưa ra", max_length=32, choices=RemovalReason.choices, blank=True
    )
    removal_note = models.CharField("ghi chú khi đưa ra", max_length=255, blank=True)
    removed_by_review = models.ForeignKey(
        AnnualReview,
        verbose_name="đưa ra qua đợt rà soát",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removed_candidates",
    )

    history = HistoricalRecords()
    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "ứng viên quy hoạch"
        verbose_name_plural = "ứng viên quy hoạch"
        ordering = ["plan", "position__order", "removed_year", "cadre__birth_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position", "cadre"],
                condition=models.Q(removed_year__isnull=True),
                name="candidate_once_per_position",
                violation_error_message="Cán bộ này đã có trong quy hoạch chức danh này.",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_year__isnull=True, removal_reason="")
                | (models.Q(removed_year__isnull=False) & ~models.Q(removal_reason="")),
                name="candidate_removal_has_reason",
                violation_error_message="Đưa ra khỏi quy hoạch phải có năm và lý do.",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "removed_year"], name="candidate_cadre")]

    def __str__(self) -> str:
        return f"{self.cadre} – {self.position}"

    @property
    def is_live(self) -> bool:
        return self.removed_year is None

    @property
    def pending_addition(self) -> bool:
        """Added by a review that is not approved yet."""
        review = self.added_by_review
        return review is not None and review.status != ReviewStatus.APPROVED

    @property
    def pending_removal(self) -> bool:
        review = self.removed_by_review
        return self.removed_year is not None and review is not None and review.status != ReviewStatus.APPROVED


class ProposalDecision(models.TextChoices):
    PENDING = "pending", "Chờ quyết định"
    ACCEPTED = "accepted", "Đã chấp nhận"
    REJECTED = "rejected", "Không chấp nhận"


class ProposalQuerySet(ScopedQuerySet):
    unit_field = "review__plan__unit"


class ReviewProposal(models.Model):
    """What the review assistant proposed when a review started: take a candidate out, for a
    reason it found in the data. The user accepts (the candidate is proposed for removal in
    the review) or rejects it; either way the proposal stays on the record."""

    review = models.ForeignKey(
        AnnualReview, verbose_name="đợt rà soát", on_delete=models.CASCADE, related_name="proposals"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="ứng viên", on_delete=models.CASCADE, related_name="proposals"
    )
    reason = models.CharField("lý do đề xuất", max_length=32, choices=RemovalReason.choices)
    detail = models.CharField("căn cứ", max_length=255)
    decision = models.CharField(
        "quyết định", max_length=16, choices=ProposalDecision.choices, default=ProposalDecision.PENDING
    )

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "đề xuất khi rà soát"
        verbose_name_plural = "đề xuất khi rà soát"
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "candidate"], name="proposal_once_per_candidate"),
        ]

    def __str__(self) -> str:
        return f"Đưa ra: {self.candidate} ({self.get_reason_display()})"


# --- The sourcing pool ---------------------------------------------------------------------------


class SourceCategory(models.TextChoices):
    COLLABORATOR = "collaborator", "Cộng tác viên"
    OUTSTANDING_MEMBER = "outstanding_member", "Đoàn viên ưu tú"
    GRADUATE = "graduate", "Sinh viên sắp tốt nghiệp"
    SCHOOL_CADRE = "school_cadre", "Cán bộ Đoàn trường học"
    OTHER = "other", "Khác"


class SourceOutcome(models.TextChoices):
    GROWING = "growing", "Đang bồi dưỡng, theo dõi"
    BECAME_CADRE = "became_cadre", "Đã trở thành cán bộ"
    STOPPED = "stopped", "Không tiếp tục theo dõi"


MIN_SOURCE_AGE = 16  # the Youth Union's membership age: younger people are not recorded


class SourceQuerySet(ScopedQuerySet):
    unit_field = "unit"


class SourcePerson(VersionedModel, TextNormalizingModel):
    """A person grown toward a cadre post (nguồn cán bộ), followed by a unit."""

    stale_label = "hồ sơ nguồn cán bộ"

    full_name = models.CharField("họ và tên", max_length=150)
    birth_date = models.DateField("ngày sinh")
    gender = models.CharField("giới tính", max_length=8, choices=Gender.choices)
    category = models.CharField("nhóm nguồn", max_length=32, choices=SourceCategory.choices)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị theo dõi", on_delete=models.PROTECT, related_name="source_people"
    )
    workplace = models.CharField("nơi học tập, công tác", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    outcome = models.CharField(
        "kết quả", max_length=16, choices=SourceOutcome.choices, default=SourceOutcome.GROWING
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name="hồ sơ cán bộ",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_records",
        help_text="Khi người này đã trở thành cán bộ.",
    )
    note = models.TextField("ghi chú", blank=True)
    search_text = models.CharField("chuỗi tìm kiếm", max_length=400, editable=False, default="")
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = "nguồn cán bộ"
        verbose_name_plural = "nguồn cán bộ"
        ordering = ["unit__path", "full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="became_cadre") | models.Q(cadre__isnull=False),
                name="source_became_cadre_has_cadre",
                violation_error_message="Người đã trở thành cán bộ phải gắn với hồ sơ cán bộ.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.full_name} {self.phone}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
        problems = {}
        day = today()
        self.phone = phone_text(self.phone or "")
        if self.phone and not is_phone_number(self.phone):
            problems["phone"] = (
                f"Số điện thoại “{self.phone}” không hợp lệ: 8–20 ký tự gồm chữ số 0–9, dấu cách, "
                "dấu chấm, gạch ngang hoặc ngoặc, có thể bắt đầu bằng +."
            )
        if self.birth_date:
            if self.birth_date > day:
                problems["birth_date"] = "Ngày sinh không được sau hôm nay."
            elif add_years(self.birth_date, MIN_SOURCE_AGE) > day:
                problems["birth_date"] = (
                    f"Chưa đủ {MIN_SOURCE_AGE} tuổi: nguồn cán bộ chỉ ghi nhận người "
                    f"từ {MIN_SOURCE_AGE} tuổi."
                )
            elif self.birth_date.year < FIRST_YEAR - 100:
                problems["birth_date"] = "Ngày sinh không hợp lệ."
        if self.outcome == SourceOutcome.BECAME_CADRE and self.cadre_id is None:
            problems["cadre"] = "Chọn hồ sơ cán bộ của người đã trở thành cán bộ."
        if problems:
            raise ValidationError(problems)
