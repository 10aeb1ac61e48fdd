"""Training (đào tạo, bồi dưỡng), DOMAIN.md §6: the kinds of course as data (with what each
grants on completion), the courses a unit organises, the learners' enrolments with their
results, and the numbers the training-needs list reads (all edited by admins)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadres.models import (
    Cadre,
    CadreStatus,
    Education,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Position,
    StateManagement,
    TextNormalizingModel,
    Unit,
    UnitLevel,
)
from common.lists import cached_figures
from common.models import VersionedModel
from units.scope import EVERYTHING, ScopedQuerySet, path_prefixes, scope_prefix, subtree_condition

FIRST_DATE = datetime.date(1931, 3, 26)  # the Youth Union's founding
LAST_DATE = datetime.date(2100, 12, 31)
MAX_COURSE_DAYS = 2 * 366 * 4  # a university degree: four years


class Category(models.TextChoices):
    """What a kind of course is, for the year's figures and the needs list."""

    POLITICAL_THEORY = "political_theory", "Lý luận chính trị"
    YOUTH_INTERMEDIATE = "youth_intermediate", "Trung cấp thanh niên"
    DEGREE = "degree", "Đại học, sau đại học"
    TITLE = "title", "Bồi dưỡng theo chức danh"
    PROFESSIONAL = "professional", "Tập huấn nghiệp vụ"
    PIONEER_LEADER = "pioneer_leader", "Chức danh Tổng phụ trách Đội"
    LANGUAGE = "language", "Ngoại ngữ"
    DIGITAL = "digital", "Tin học, chuyển đổi số"
    RESOLUTION = "resolution", "Học tập nghị quyết, chuyên đề"
    CONTEST = "contest", "Hội thi, liên hoan"


class Qualification(models.TextChoices):
    """The recorded level on the cadre's profile a kind of course may raise: the name is the
    ``Cadre`` field."""

    POLITICAL_THEORY = "political_theory", "Lý luận chính trị"
    EDUCATION = "education", "Trình độ chuyên môn"
    FOREIGN_LANGUAGE = "foreign_language_level", "Ngoại ngữ"
    IT = "it_level", "Tin học"
    STATE_MANAGEMENT = "state_management", "Quản lý nhà nước"


# The levels of each qualification, as the cadre's field stores them.
LEVELS: dict[str, type[models.IntegerChoices]] = {
    Qualification.POLITICAL_THEORY: PoliticalTheory,
    Qualification.EDUCATION: Education,
    Qualification.FOREIGN_LANGUAGE: LanguageLevel,
    Qualification.IT: ItLevel,
    Qualification.STATE_MANAGEMENT: StateManagement,
}


def level_label(qualification: str, level: int | None) -> str:
    if not qualification or level is None:
        return ""
    try:
        return LEVELS[qualification](level).label
    except ValueError:
        return str(level)


class CourseKind(VersionedModel, TextNormalizingModel):
    """A kind of course (LLCT trung cấp, bồi dưỡng Bí thư Đoàn cơ sở, tiếng Anh B1…): what it
    is, and what its completion grants on the cadre's profile."""

    name = models.CharField("tên loại khoá học", max_length=200, unique=True)
    code = models.SlugField("mã", max_length=50, unique=True)
    category = models.CharField("nhóm", max_length=32, choices=Category.choices)
    grants = models.CharField("hoàn thành thì nâng", max_length=32, choices=Qualification.choices, blank=True)
    grants_level = models.PositiveSmallIntegerField(
        "lên trình độ",
        null=True,
        blank=True,
        validators=[MaxValueValidator(6, "Trình độ không hợp lệ.")],
        help_text="Giá trị của trình độ: LLCT 1 Sơ cấp, 2 Trung cấp, 3 Cao cấp, 4 Cử nhân; ngoại ngữ "
        "1–6 (A1–C2); tin học 1 Cơ bản, 2 Nâng cao; chuyên môn 4 Đại học, 5 Thạc sĩ, 6 Tiến sĩ.",
    )
    language = models.CharField(
        "ngoại ngữ", max_length=50, blank=True, help_text="Với khoá ngoại ngữ: tiếng nào (Tiếng Anh…)."
    )
    positions = models.ManyToManyField(
        Position,
        verbose_name="chức danh được bồi dưỡng",
        blank=True,
        related_name="title_course_kinds",
        help_text="Với bồi dưỡng theo chức danh: người mới được bổ nhiệm vào các chức danh này cần hoàn "
        "thành khoá học.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=100)
    source = models.CharField("căn cứ", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "loại khoá học"
        verbose_name_plural = "loại khoá học"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.grants and self.grants_level is None:
            raise ValidationError({"grants_level": "Chọn trình độ được nâng khi hoàn thành."})
        if not self.grants and self.grants_level is not None:
            raise ValidationError({"grants": "Chọn trình độ nào được nâng, hoặc để trống cả hai ô."})
        if self.grants and self.grants_level is not None:
            choices = LEVELS[self.grants]
            if self.grants_level not in choices.values or self.grants_level == 0:
                allowed = ", ".join(f"{value} ({label})" for value, label in choices.choices if value)
                raise ValidationError(
                    {
                        "grants_level": f"Trình độ này không có mức {self.grants_level}; "
                        f"chọn một trong: {allowed}."
                    }
                )
        if self.grants == Qualification.FOREIGN_LANGUAGE and not self.language:
            raise ValidationError({"language": "Khoá ngoại ngữ cấp chứng chỉ cần ghi tiếng nào."})

    @property
    def is_contest(self) -> bool:
        return self.category == Category.CONTEST

    @property
    def grant_label(self) -> str:
        label = level_label(self.grants, self.grants_level)
        if self.grants == Qualification.FOREIGN_LANGUAGE and self.language:
            return f"{self.language} {label}"
        return f"{Qualification(self.grants).label}: {label}" if self.grants else ""


class TrainingRules(VersionedModel):
    """The numbers the needs list reads, one row an admin edits."""

    recent_appointment_months = models.PositiveSmallIntegerField(
        "số tháng tính là mới bổ nhiệm",
        default=12,
        validators=[MinValueValidator(1, "Phải từ 1 tháng."), MaxValueValidator(120, "Không quá 120 tháng.")],
        help_text="Cán bộ được bổ nhiệm trong chừng ấy tháng mà chưa hoàn thành khoá bồi dưỡng chức danh "
        "được nêu trong danh sách nhu cầu đào tạo.",
    )
    source = models.CharField("căn cứ", max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "quy tắc đào tạo"
        verbose_name_plural = "quy tắc đào tạo"

    def __str__(self) -> str:
        return "Quy tắc đào tạo"

    @classmethod
    def current(cls) -> "TrainingRules":
        return cls.objects.order_by("pk").first() or cls()


class SkillStandard(VersionedModel, TextNormalizingModel):
    """A foreign-language or IT requirement of the posts of a level (the qualification
    standards of ``PositionStandard`` cover education and political theory): e.g. cán bộ cấp
    tỉnh — ngoại ngữ bậc 3 (B1), tin học cơ bản. Local plans set their own."""

    level = models.CharField("cấp", max_length=16, choices=UnitLevel.choices)
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="skill_standards",
        help_text="Để trống: mọi chức vụ của cấp này không có dòng riêng.",
    )
    min_foreign_language_level = models.PositiveSmallIntegerField(
        "ngoại ngữ tối thiểu", choices=LanguageLevel.choices, null=True, blank=True
    )
    min_it_level = models.PositiveSmallIntegerField(
        "tin học tối thiểu", choices=ItLevel.choices, null=True, blank=True
    )
    source = models.CharField("căn cứ", max_length=255)
    is_confirmed = models.BooleanField(
        "đã xác nhận", default=False, help_text="Bỏ chọn khi chuẩn là giá trị tạm, chờ văn bản xác nhận."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chuẩn ngoại ngữ, tin học"
        verbose_name_plural = "chuẩn ngoại ngữ, tin học"
        ordering = ["level", "position__order"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.position or 'mọi chức vụ'}"

    def clean(self):
        super().clean()
        if self.min_foreign_language_level in (None, 0) and self.min_it_level in (None, 0):
            raise ValidationError("Nhập ít nhất một chuẩn: ngoại ngữ hoặc tin học.")
        same = SkillStandard.objects.filter(level=self.level, position=self.position).exclude(pk=self.pk)
        if self.level and same.exists():
            raise ValidationError("Cấp và chức vụ này đã có chuẩn: sửa dòng đã có.")


# --- Courses ---------------------------------------------------------------------------------


class CourseStatus(models.TextChoices):
    PLANNED = "planned", "Dự kiến"
    OPEN = "open", "Đang tuyển sinh"
    RUNNING = "running", "Đang học"
    FINISHED = "finished", "Đã kết thúc"


# Courses a unit may still send learners to.
ENROLLING = (CourseStatus.PLANNED, CourseStatus.OPEN, CourseStatus.RUNNING)


# Up to this many courses organised elsewhere, ``visible_to`` probes each for the user's cadres;
# beyond it, it reads the courses of all their enrolments.
FEW_COURSES = 5


def cadres_in_scope(user):
    """The cadres of ``user``'s subtree whatever their status (learners who have left stay
    learners), every status named so that the scope is a range of the roster's index."""
    prefix = scope_prefix(user)
    cadres = Cadre.objects.filter(status__in=CadreStatus.values)
    if prefix is None:
        return cadres.none()
    return cadres if prefix == EVERYTHING else cadres.filter(subtree_condition("unit_path", prefix))


class CourseQuerySet(ScopedQuerySet):
    """A course belongs to its organiser. A user sees the courses organised in their subtree,
    the courses their cadres attend, and the courses open for enrolment (đang tuyển sinh) that a
    unit above theirs organises — the classes they may send learners to."""

    unit_field = "organiser"

    def visible_to(self, user) -> "CourseQuerySet":
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        # The courses organised elsewhere that the subtree's cadres attend, read once from the
        # learners' side (the subtree's cadres on the roster's index, then their enrolments): a
        # few ids, where a subquery per course would read every enrolment of a large class.
        elsewhere = list(self.exclude(self.scope_condition(prefix)).values_list("pk", flat=True))
        attended = set()
        if elsewhere:
            learners = Enrollment.objects.filter(cadre__in=cadres_in_scope(user).values("pk")).order_by()
            if len(elsewhere) <= FEW_COURSES:
                # A few courses (those open for enrolment): each probed for the user's cadres.
                learners = learners.filter(course__in=elsewhere)
            # Remembered until an enrolment or a cadre changes: a large unit's learners are read
            # once (0.65 s for a ward of a million-cadre province), not on every page.
            attended = cached_figures(
                learners,
                lambda rows: set(rows.values_list("course_id", flat=True).distinct()),
                name="courses-attended",
                version=Enrollment.objects.learners_version(),
            ) & set(elsewhere)
        above = path_prefixes(prefix, user.unit.steplen)[:-1]
        return self.filter(
            self.scope_condition(prefix)
            | Q(pk__in=sorted(attended))
            | Q(status=CourseStatus.OPEN, organiser__path__in=above)
        )

    def visible_one(self, user, pk: int) -> "CourseQuerySet":
        """``visible_to(user).filter(pk=pk)`` for one course: its own learners probed for one of
        the user's cadres, rather than every course's."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        one = self.filter(pk=pk)
        if prefix == EVERYTHING:
            return one
        attended = Enrollment.objects.filter(
            course=OuterRef("pk"), cadre__in=cadres_in_scope(user).values("pk")
        )
        above = path_prefixes(prefix, user.unit.steplen)[:-1]
        return one.filter(
            self.scope_condition(prefix)
            | Exists(attended)
            | Q(status=CourseStatus.OPEN, organiser__path__in=above)
        )

    def managed_by(self, user) -> "CourseQuerySet":
        """The courses ``user`` runs: organised in their subtree (edit, results, the class list)."""
        return super().visible_to(user)


class Course(VersionedModel, TextNormalizingModel):
    name = models.CharField("tên khoá học", max_length=255)
    kind = models.ForeignKey(
        CourseKind, verbose_name="loại khoá học", on_delete=models.PROTECT, related_name="courses"
    )
    organiser = models.ForeignKey(
        Unit, verbose_name="đơn vị tổ chức", on_delete=models.PROTECT, related_name="courses"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    class_days = models.JSONField(
        "các ngày học",
        default=list,
        blank=True,
        help_text="Để trống khi học liên tục từ ngày bắt đầu đến ngày kết thúc.",
    )
    place = models.CharField("địa điểm", max_length=255, blank=True)
    capacity = models.PositiveIntegerField(
        "số học viên tối đa",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Phải từ 1 học viên."),
            MaxValueValidator(100000, "Không quá 100.000."),
        ],
        help_text="Để trống khi không giới hạn.",
    )
    target_positions = models.ManyToManyField(
        Position, verbose_name="đối tượng (chức danh)", blank=True, related_name="targeted_courses"
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=CourseStatus.choices, default=CourseStatus.PLANNED
    )
    description = models.TextField("nội dung, ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    history = HistoricalRecords()
    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "khoá học"
        verbose_name_plural = "khoá học"
        ordering = ["-starts_on", "pk"]
        indexes = [
            models.Index(fields=["starts_on", "id"], name="course_start"),
            models.Index(fields=["status", "kind"], name="course_status_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="course_dates_in_order",
                violation_error_message="Ngày kết thúc không được trước ngày bắt đầu.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:course-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        for field in ("starts_on", "ends_on"):
            day = getattr(self, field)
            if day is not None and not FIRST_DATE <= day <= LAST_DATE:
                errors[field] = f"Ngày phải trong khoảng {FIRST_DATE:%d/%m/%Y} – {LAST_DATE:%d/%m/%Y}."
        if not errors and self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = "Ngày kết thúc không được trước ngày bắt đầu."
            elif (self.ends_on - self.starts_on).days > MAX_COURSE_DAYS:
                errors["ends_on"] = "Khoá học dài quá 8 năm: kiểm tra lại ngày kết thúc."
            else:
                outside = [day for day in self.days() if not self.starts_on <= day <= self.ends_on]
                if outside:
                    errors["class_days"] = (
                        f"Ngày học {outside[0]:%d/%m/%Y} nằm ngoài thời gian của khoá học "
                        f"({self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y})."
                    )
        if errors:
            raise ValidationError(errors)

    def days(self) -> list[datetime.date]:
        """The class days given, as dates (stored as ISO strings)."""
        found = []
        for value in self.class_days or []:
            try:
                found.append(datetime.date.fromisoformat(str(value)))
            except ValueError:
                continue
        return sorted(found)

    def meeting_days(self) -> list[datetime.date]:
        """Every day the class meets: the class days given, else each day from start to end."""
        if days := self.days():
            return days
        span = (self.ends_on - self.starts_on).days
        return [self.starts_on + datetime.timedelta(days=offset) for offset in range(span + 1)]

    @property
    def is_enrolling(self) -> bool:
        return self.status in ENROLLING

    @property
    def status_tone(self) -> str:
        return {
            CourseStatus.PLANNED: "secondary",
            CourseStatus.OPEN: "primary",
            CourseStatus.RUNNING: "info",
            CourseStatus.FINISHED: "success",
        }.get(self.status, "secondary")


class EnrollmentStatus(models.TextChoices):
    REGISTERED = "registered", "Đăng ký"
    ATTENDING = "attending", "Đang học"
    COMPLETED = "completed", "Hoàn thành"
    FAILED = "failed", "Không đạt"
    WITHDRAWN = "withdrawn", "Rút"


class EnrollmentQuerySet(ScopedQuerySet):
    """An enrolment belongs to the learner's unit."""

    unit_field = "cadre__unit"
    path_field = "cadre__unit_path"

    def learners_version(self) -> str:
        """A token that changes whenever an enrolment does (its newest history record: every
        write that adds, removes or changes the status of one keeps history) or any cadre does
        (whose enrolments a unit sees follows its learners' units). Counts of the learners of a
        class of hundreds of thousands are cached against it (``common.lists.cached_figures``):
        two index probes instead of reading the class."""
        newest = Enrollment.history.order_by("-history_id").values_list("history_id", flat=True).first()
        return f"{newest}:{Cadre.objects.data_version()}"

    def taking_places(self) -> "EnrollmentQuerySet":
        """The enrolments a course's capacity counts: every one but the withdrawn."""
        return self.exclude(status=EnrollmentStatus.WITHDRAWN)


class Enrollment(VersionedModel, TextNormalizingModel):
    """A learner of a course, with their result. ``raised_*`` remember what completing the course
    changed on the cadre's profile, so that undoing the result undoes exactly that."""

    course = models.ForeignKey(
        Course, verbose_name="khoá học", on_delete=models.CASCADE, related_name="enrollments"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.REGISTERED
    )
    score = models.DecimalField(
        "điểm",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, "Điểm không được âm."), MaxValueValidator(10, "Điểm tối đa là 10.")],
    )
    result = models.CharField("kết quả, xếp loại", max_length=100, blank=True)
    prize = models.CharField("giải thưởng", max_length=100, blank=True)
    certificate_number = models.CharField("số chứng chỉ", max_length=50, blank=True)
    certificate_date = models.DateField("ngày cấp", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    raised = models.CharField(
        "đã nâng", max_length=32, choices=Qualification.choices, blank=True, editable=False
    )
    raised_from = models.PositiveSmallIntegerField(
        "trình độ trước khi nâng", null=True, blank=True, editable=False
    )
    raised_to = models.PositiveSmallIntegerField(
        "trình độ được nâng lên", null=True, blank=True, editable=False
    )
    raised_language_from = models.CharField(
        "ngoại ngữ trước khi nâng", max_length=50, blank=True, editable=False
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi danh",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày ghi danh", auto_now_add=True)

    history = HistoricalRecords()
    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        ordering = ["course", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "cadre"],
                name="enrollment_once_per_course",
                violation_error_message="Cán bộ này đã có trong danh sách học viên của khoá học.",
            ),
        ]
        indexes = [
            models.Index(fields=["cadre", "status"], name="enrollment_cadre_status"),
            # A course's page: its learners in the order they enrolled, by status or all.
            models.Index(fields=["course", "id"], name="enrollment_course"),
            models.Index(fields=["course", "status", "id"], name="enrollment_course_status"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} — {self.course}"

    def clean(self):
        super().clean()
        if self.certificate_date is not None and not FIRST_DATE <= self.certificate_date <= LAST_DATE:
            raise ValidationError({"certificate_date": "Ngày cấp không hợp lệ."})
        if self.status != EnrollmentStatus.COMPLETED and self.certificate_number:
            raise ValidationError(
                {"certificate_number": "Chỉ học viên hoàn thành khoá học mới có số chứng chỉ."}
            )

    @property
    def status_tone(self) -> str:
        return {
            EnrollmentStatus.REGISTERED: "secondary",
            EnrollmentStatus.ATTENDING: "info",
            EnrollmentStatus.COMPLETED: "success",
            EnrollmentStatus.FAILED: "danger",
            EnrollmentStatus.WITHDRAWN: "light",
        }.get(self.status, "secondary")
