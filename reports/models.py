"""The yearly cadre-work plan (Kế hoạch công tác cán bộ năm …, DOMAIN.md §9) and its targets.

``AnnualPlan`` is one unit's plan for one year, kept as the official document's parts: the head
(number, place, date, issuing bodies), the subject, the legal basis, sections I, III and IV as
text with a light markup (``reports.markup``), the steering group (``SteeringMember``), the
deadline for the units directly below, the recipients and the signature block. Section II is
the unit's ``Target`` rows for that year: each a sentence as written in the plan, a metric of the
catalogue (``reports.metrics``) with its parameters, a comparison and a goal; the actual figure
is computed from the data.

A plan with a deadline opens a collection: each unit directly below drafts its own plan
(``parent`` points to the upper plan), submits it, and the upper unit accepts or returns it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadres.models import Cadre, TextNormalizingModel, Unit
from common.models import VersionedModel
from units.scope import ScopedQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi cấp trên"
    RETURNED = "returned", "Cấp trên trả lại"
    ACCEPTED = "accepted", "Cấp trên đã tiếp nhận"


class AnnualPlanQuerySet(ScopedQuerySet):
    def for_year(self, year: int) -> "AnnualPlanQuerySet":
        return self.filter(year=year)

    def requested_of(self, user) -> "AnnualPlanQuerySet":
        """The plans of the unit directly above ``user``'s unit that ask the units below for
        their own plans (a deadline is set): the one window a unit has on its upper unit's
        plan, to answer it. Nothing for a user without a unit or at the top."""
        unit = getattr(user, "unit", None)
        if unit is None or unit.depth <= 1:
            return self.none()
        return self.filter(unit__path=unit.path[: -Unit.steplen], lower_deadline__isnull=False)


class AnnualPlan(VersionedModel, TextNormalizingModel):
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    parent = models.ForeignKey(
        "self",
        verbose_name="kế hoạch cấp trên",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lower_plans",
        help_text="Kế hoạch của cấp trên mà kế hoạch này thực hiện.",
    )
    # The head of the document.
    number = models.CharField(
        "số, ký hiệu",
        max_length=60,
        blank=True,
        help_text="Ví dụ: 80-KH/TĐTN-TCKT. Để trống khi còn dự thảo.",
    )
    superior = models.CharField(
        "cơ quan cấp trên", max_length=120, blank=True, help_text="Dòng trên tên cơ quan ban hành (nếu có)."
    )
    issuer = models.CharField("cơ quan ban hành", max_length=120, help_text="Ví dụ: BCH ĐOÀN TỈNH GIA LAI.")
    place = models.CharField("địa danh", max_length=60, help_text="Ví dụ: Gia Lai.")
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    subject = models.CharField(
        "trích yếu",
        max_length=255,
        help_text="Dòng dưới chữ “KẾ HOẠCH”, ví dụ: Công tác cán bộ Đoàn năm 2026.",
    )
    # The body.
    basis = models.TextField("căn cứ", blank=True, help_text="Đoạn mở đầu nêu căn cứ ban hành kế hoạch.")
    purpose = models.TextField("I. Mục đích, yêu cầu", blank=True)
    targets_intro = models.TextField(
        "II. Lời dẫn hệ thống chỉ tiêu",
        blank=True,
        help_text="Không bắt buộc; các chỉ tiêu lấy từ danh sách chỉ tiêu.",
    )
    content = models.TextField("III. Nội dung thực hiện", blank=True)
    organisation = models.TextField(
        "IV. Tổ chức thực hiện",
        blank=True,
        help_text="Ban chỉ đạo và hạn gửi kế hoạch của cấp dưới được thêm tự động ở đầu phần này.",
    )
    steering_duties = models.TextField("nhiệm vụ của ban chỉ đạo", blank=True)
    lower_deadline = models.DateField(
        "hạn cấp dưới gửi kế hoạch",
        null=True,
        blank=True,
        help_text="Đặt hạn thì các đơn vị trực thuộc được yêu cầu xây dựng và gửi kế hoạch của mình.",
    )
    # The tail.
    recipients = models.TextField(
        "nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận; dòng cuối thường là “Lưu VP”."
    )
    on_behalf = models.CharField("thay mặt", max_length=120, default="TM. BAN THƯỜNG VỤ")
    signer_title = models.CharField("chức vụ người ký", max_length=60, default="BÍ THƯ")
    signer_name = models.CharField("họ tên người ký", max_length=150, blank=True)
    # The year-end results report (Báo cáo kết quả) made from the plan.
    report_number = models.CharField("số, ký hiệu báo cáo", max_length=60, blank=True)
    report_issued_on = models.DateField("ngày báo cáo", null=True, blank=True)
    report_assessment = models.TextField("đánh giá chung", blank=True)
    report_next_steps = models.TextField("phương hướng năm sau", blank=True)
    # The collection by the upper unit.
    status = models.CharField(
        "trạng thái", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người gửi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("cấp trên xử lý lúc", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xử lý",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    review_note = models.TextField("ý kiến của cấp trên", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lần cuối", auto_now=True)

    history = HistoricalRecords()
    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "kế hoạch công tác cán bộ"
        verbose_name_plural = "kế hoạch công tác cán bộ"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="annual_plan_one_per_unit_year",
                violation_error_message="Đơn vị đã có kế hoạch công tác cán bộ của năm này.",
            ),
        ]

    def __str__(self) -> str:
        return f"Kế hoạch công tác cán bộ năm {self.year} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("reports:plan-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.issued_on and self.year and not self.year - 1 <= self.issued_on.year <= self.year:
            errors["issued_on"] = f"Ngày ban hành phải trong năm {self.year - 1} hoặc {self.year}."
        if self.lower_deadline and self.year and not self.year - 1 <= self.lower_deadline.year <= self.year:
            errors["lower_deadline"] = f"Hạn gửi kế hoạch phải trong năm {self.year - 1} hoặc {self.year}."
        if (
            self.report_issued_on
            and self.year
            and not self.year <= self.report_issued_on.year <= self.year + 1
        ):
            errors["report_issued_on"] = f"Ngày báo cáo phải trong năm {self.year} hoặc {self.year + 1}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_lower_plan(self) -> bool:
        return self.parent_id is not None

    @property
    def is_locked(self) -> bool:
        """A plan sent up (or accepted) is not edited until the upper unit returns it."""
        return self.status in (PlanStatus.SUBMITTED, PlanStatus.ACCEPTED)

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    def targets(self) -> "TargetQuerySet":
        return Target.objects.filter(unit_id=self.unit_id, year=self.year)


class SteeringRole(models.TextChoices):
    HEAD = "head", "Trưởng ban"
    DEPUTY = "deputy", "Phó ban"
    MEMBER = "member", "Thành viên"
    SECRETARY = "secretary", "Thư ký"


class SteeringMemberQuerySet(ScopedQuerySet):
    unit_field = "plan__unit"


class SteeringMember(VersionedModel, TextNormalizingModel):
    """A member of the plan's steering group (Ban chỉ đạo), picked from the cadres; ``title`` is
    the name's line in the document ("Phó Bí thư Tỉnh đoàn"), kept as printed."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="steering"
    )
    cadre = models.ForeignKey(Cadre, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        "vai trò", max_length=12, choices=SteeringRole.choices, default=SteeringRole.MEMBER
    )
    title = models.CharField("chức vụ ghi trong kế hoạch", max_length=200)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)

    history = HistoricalRecords()
    objects = SteeringMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "thành viên ban chỉ đạo"
        verbose_name_plural = "ban chỉ đạo"
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "cadre"],
                name="steering_member_once_per_plan",
                violation_error_message="Cán bộ này đã có trong ban chỉ đạo.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.cadre.full_name}"


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "Đạt ít nhất"
    AT_MOST = "lte", "Không vượt quá"


class TargetQuerySet(ScopedQuerySet):
    def for_year(self, year: int) -> "TargetQuerySet":
        return self.filter(year=year)


class Target(VersionedModel, TextNormalizingModel):
    """A measurable line of section II: the sentence as the plan writes it and how its actual
    figure is computed (``metric`` of ``reports.metrics.CATALOGUE`` with ``params``)."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField("năm", validators=YEAR_VALIDATORS)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)
    text = models.TextField("chỉ tiêu (như ghi trong kế hoạch)")
    metric = models.CharField("cách tính", max_length=40)
    params = models.JSONField("tham số", default=dict, blank=True)
    comparison = models.CharField(
        "so sánh", max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    goal = models.DecimalField(
        "mục tiêu",
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Tỷ lệ thì ghi phần trăm (100 là 100%); số lượng thì ghi số người.",
    )
    source = models.ForeignKey(
        "self",
        verbose_name="chỉ tiêu cấp trên",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        editable=False,
    )

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["-year", "unit__path", "order", "pk"]
        indexes = [models.Index(fields=["unit", "year", "order"], name="target_unit_year")]
        constraints = [
            models.CheckConstraint(condition=Q(goal__gte=0), name="target_goal_not_negative"),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self) -> str:
        return reverse("reports:target-cadres", args=[self.pk])

    def clean(self):
        """The metric must be of the catalogue and its parameters valid; they are stored
        checked, with their defaults filled in."""
        super().clean()
        from .metrics import CATALOGUE, validate_params  # the catalogue reads the other apps

        if not self.metric:  # the field's own check says so (a form: its own message)
            return
        if self.metric not in CATALOGUE:
            raise ValidationError({"metric": "Cách tính chỉ tiêu không có trong danh mục."})
        try:
            self.params = validate_params(self.metric, self.params)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
