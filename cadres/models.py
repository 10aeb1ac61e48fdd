import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .text import fold, normalize_text_fields


class UnitLevel(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện"
    BASE = "base", "Cấp cơ sở"
    BRANCH = "branch", "Chi đoàn"


class UnitKind(models.TextChoices):
    CENTRAL = "tw", "Trung ương Đoàn"
    PROVINCE = "tinh_doan", "Tỉnh đoàn"
    CITY = "thanh_doan", "Thành đoàn"
    PROVINCE_EQUIVALENT = "tuong_duong_tinh", "Đoàn tương đương cấp tỉnh"
    DISTRICT = "huyen_doan", "Huyện đoàn"
    URBAN_DISTRICT = "quan_doan", "Quận đoàn"
    TOWN = "thi_doan", "Thị đoàn"
    COMMUNE = "doan_xa", "Đoàn xã"
    WARD = "doan_phuong", "Đoàn phường"
    SPECIAL_ZONE = "doan_dac_khu", "Đoàn đặc khu"
    SCHOOL = "doan_truong", "Đoàn trường"
    ENTERPRISE = "doan_doanh_nghiep", "Đoàn doanh nghiệp"
    AGENCY = "doan_co_quan", "Đoàn cơ quan"
    ARMED_FORCES = "doan_luc_luong_vu_trang", "Đoàn lực lượng vũ trang"
    GRASSROOTS = "doan_co_so", "Đoàn cơ sở"
    GRASSROOTS_BRANCH = "chi_doan_co_so", "Chi đoàn cơ sở"
    BRANCH_GROUP = "lien_chi_doan", "Liên chi đoàn"
    BRANCH = "chi_doan", "Chi đoàn"


class Sector(models.TextChoices):
    RESIDENTIAL = "residential", "Địa bàn dân cư"
    HIGH_SCHOOL = "high_school", "Trường học – THPT"
    HIGHER_EDUCATION = "higher_education", "Trường học – Đại học, Cao đẳng"
    WORKERS = "workers", "Công nhân lao động – Doanh nghiệp"
    PUBLIC_SERVICE = "public_service", "Hành chính sự nghiệp"
    ARMED_FORCES = "armed_forces", "Lực lượng vũ trang"


class UnitQuerySet(MP_NodeQuerySet):
    def visible_to(self, user) -> "UnitQuerySet":
        """The one rule of scope: a user sees their unit and everything below it.

        Every other model scopes itself through this (``unit__in=Unit.objects.visible_to``
        or a path prefix), so changing who sees what happens here and nowhere else.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(path__startswith=user.unit.path)

    def active(self) -> "UnitQuerySet":
        return self.filter(dissolved_on__isnull=True)


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user) -> UnitQuerySet:
        return self.get_queryset().visible_to(user)

    def active(self) -> UnitQuerySet:
        return self.get_queryset().active()


class Unit(MP_Node):
    """A Youth Union organisation (đơn vị): a node of a tree of free depth."""

    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    code = models.CharField("mã đơn vị", max_length=32, unique=True)
    level = models.CharField("cấp", max_length=16, choices=UnitLevel.choices)
    kind = models.CharField("loại hình", max_length=32, choices=UnitKind.choices)
    sector = models.CharField("khu vực", max_length=32, choices=Sector.choices, blank=True)
    is_hardship_area = models.BooleanField(
        "vùng đặc biệt khó khăn",
        default=False,
        help_text="Vùng đặc biệt khó khăn, biên giới, hải đảo: áp dụng giới hạn tuổi nới rộng.",
    )
    dissolved_on = models.DateField("ngày giải thể / sáp nhập", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    history = HistoricalRecords(excluded_fields=["numchild"])
    objects = UnitManager()

    def save(self, *args, **kwargs):
        normalize_text_fields(self)
        super().save(*args, **kwargs)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def get_absolute_url(self) -> str:
        return reverse("cadres:unit-detail", args=[self.pk])

    def subtree(self) -> UnitQuerySet:
        """This unit and every unit below it."""
        return Unit.objects.filter(path__startswith=self.path)

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)


class Organisation(models.TextChoices):
    DOAN = "doan", "Đoàn"
    HOI = "hoi", "Hội"
    DOI = "doi", "Đội"


class Position(models.Model):
    """A post a cadre can hold (chức vụ): Bí thư, Phó Bí thư, Ủy viên BTV…"""

    name = models.CharField("tên chức vụ", max_length=200)
    code = models.SlugField("mã", max_length=50, unique=True)
    level = models.CharField(
        "chỉ ở cấp",
        max_length=16,
        choices=UnitLevel.choices,
        blank=True,
        help_text="Để trống nếu chức vụ có ở mọi cấp.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=100)
    is_key = models.BooleanField(
        "chức danh chủ chốt", default=False, help_text="Được đưa vào quy hoạch cán bộ."
    )
    organisation = models.CharField(
        "tổ chức", max_length=8, choices=Organisation.choices, default=Organisation.DOAN
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "danh mục chức vụ"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        normalize_text_fields(self)
        super().save(*args, **kwargs)


class Education(models.IntegerChoices):
    """Ordered, so standards compare with < in SQL."""

    NONE = 0, "Chưa qua đào tạo"
    ELEMENTARY = 1, "Sơ cấp"
    INTERMEDIATE = 2, "Trung cấp"
    COLLEGE = 3, "Cao đẳng"
    BACHELOR = 4, "Đại học"
    MASTER = 5, "Thạc sĩ"
    DOCTOR = 6, "Tiến sĩ"


class PoliticalTheory(models.IntegerChoices):
    NONE = 0, "Chưa qua đào tạo"
    ELEMENTARY = 1, "Sơ cấp"
    INTERMEDIATE = 2, "Trung cấp"
    ADVANCED = 3, "Cao cấp"
    BACHELOR = 4, "Cử nhân"


class StateManagement(models.IntegerChoices):
    NONE = 0, "Chưa qua đào tạo"
    OFFICER = 1, "Chuyên viên"
    PRINCIPAL = 2, "Chuyên viên chính"
    SENIOR = 3, "Chuyên viên cao cấp"


class LanguageLevel(models.IntegerChoices):
    NONE = 0, "Chưa có"
    A1 = 1, "Bậc 1 (A1)"
    A2 = 2, "Bậc 2 (A2)"
    B1 = 3, "Bậc 3 (B1)"
    B2 = 4, "Bậc 4 (B2)"
    C1 = 5, "Bậc 5 (C1)"
    C2 = 6, "Bậc 6 (C2)"


class ItLevel(models.IntegerChoices):
    NONE = 0, "Chưa có"
    BASIC = 1, "Cơ bản"
    ADVANCED = 2, "Nâng cao"


class GeneralEducation(models.TextChoices):
    GRADE_9 = "9/12", "9/12"
    GRADE_12 = "12/12", "12/12"


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class Religion(models.TextChoices):
    NONE = "none", "Không"
    BUDDHISM = "buddhism", "Phật giáo"
    CATHOLIC = "catholic", "Công giáo"
    PROTESTANT = "protestant", "Tin lành"
    CAO_DAI = "cao_dai", "Cao Đài"
    HOA_HAO = "hoa_hao", "Phật giáo Hòa Hảo"
    ISLAM = "islam", "Hồi giáo"
    OTHER = "other", "Khác"


class Employment(models.TextChoices):
    FULL_TIME = "full_time", "Chuyên trách"
    CONCURRENT = "concurrent", "Kiêm nhiệm"
    PART_TIME = "part_time", "Bán chuyên trách"


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "Đang công tác"
    TRANSFERRED = "transferred", "Chuyển công tác"
    RESIGNED = "resigned", "Nghỉ việc"
    MATURED = "matured", "Trưởng thành Đoàn"


# The 54 ethnic groups of Viet Nam (Tổng cục Thống kê). "Kinh" is the majority.
ETHNIC_GROUPS = [
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Khmer",
    "Hoa",
    "Nùng",
    "H'Mông",
    "Dao",
    "Gia Rai",
    "Ê Đê",
    "Ba Na",
    "Sán Chay",
    "Chăm",
    "Cơ Ho",
    "Xơ Đăng",
    "Sán Dìu",
    "Hrê",
    "Ra Glai",
    "Mnông",
    "Thổ",
    "Stiêng",
    "Khơ mú",
    "Bru - Vân Kiều",
    "Cơ Tu",
    "Giáy",
    "Tà Ôi",
    "Mạ",
    "Giẻ-Triêng",
    "Co",
    "Chơ Ro",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "Kháng",
    "La Chí",
    "Phù Lá",
    "La Hủ",
    "La Ha",
    "Pà Thẻn",
    "Chứt",
    "Lự",
    "Lô Lô",
    "Mảng",
    "Cờ Lao",
    "Bố Y",
    "Cống",
    "Ngái",
    "Si La",
    "Pu Péo",
    "Rơ măm",
    "Brâu",
    "Ơ Đu",
]
MAJORITY_ETHNICITY = "Kinh"

national_id_validator = RegexValidator(
    r"^\d{12}$", "Số CCCD phải gồm đúng 12 chữ số.", code="invalid_national_id"
)


class PositionStandardQuerySet(models.QuerySet):
    def effective_on(self, day: datetime.date) -> "PositionStandardQuerySet":
        return self.filter(
            models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=day),
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day),
        )


class PositionStandard(models.Model):
    """Age limits and qualification standards of a position at a level, with their source.

    ``position`` empty means every position of that level without a row of its own.
    ``for_school_staff`` rows apply to teachers and staff acting as school Youth Union cadres.
    """

    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="standards",
    )
    level = models.CharField("cấp", max_length=16, choices=UnitLevel.choices)
    for_school_staff = models.BooleanField("giáo viên, cán bộ trường học", default=False)
    max_age_first_appointment = models.PositiveSmallIntegerField(
        "tuổi tối đa lần đầu bầu/bổ nhiệm", null=True, blank=True
    )
    max_age_holding = models.PositiveSmallIntegerField("tuổi tối đa khi đảm nhiệm", null=True, blank=True)
    max_age_holding_hardship = models.PositiveSmallIntegerField(
        "tuổi tối đa ở vùng khó khăn",
        null=True,
        blank=True,
        help_text="Vùng đặc biệt khó khăn, biên giới, hải đảo.",
    )
    min_education = models.PositiveSmallIntegerField(
        "chuyên môn tối thiểu", choices=Education.choices, null=True, blank=True
    )
    min_education_hardship = models.PositiveSmallIntegerField(
        "chuyên môn tối thiểu ở vùng khó khăn", choices=Education.choices, null=True, blank=True
    )
    min_political_theory = models.PositiveSmallIntegerField(
        "lý luận chính trị tối thiểu", choices=PoliticalTheory.choices, null=True, blank=True
    )
    source = models.CharField("văn bản quy định", max_length=255)
    is_confirmed = models.BooleanField(
        "đã xác nhận", default=True, help_text="Bỏ chọn nếu là giá trị tạm tính, cần đối chiếu văn bản."
    )
    effective_from = models.DateField("hiệu lực từ", null=True, blank=True)
    effective_to = models.DateField("hiệu lực đến", null=True, blank=True)

    history = HistoricalRecords()
    objects = PositionStandardQuerySet.as_manager()

    class Meta:
        verbose_name = "tiêu chuẩn chức vụ"
        verbose_name_plural = "tiêu chuẩn chức vụ (tuổi, trình độ)"
        ordering = ["level", "position__order", "for_school_staff"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="standard_effective_range",
            ),
        ]

    def __str__(self) -> str:
        position = self.position.name if self.position_id else "Mọi chức vụ"
        return f"{position} – {self.get_level_display()}"

    def holding_limit(self, *, hardship: bool) -> int | None:
        if hardship and self.max_age_holding_hardship:
            return max(self.max_age_holding_hardship, self.max_age_holding or 0)
        return self.max_age_holding

    def education_minimum(self, *, hardship: bool) -> int | None:
        if hardship and self.min_education_hardship is not None:
            return self.min_education_hardship
        return self.min_education


class CadreQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CadreQuerySet":
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def active(self) -> "CadreQuerySet":
        return self.filter(status=CadreStatus.ACTIVE)

    def search(self, query: str) -> "CadreQuerySet":
        folded = fold(query)
        if not folded:
            return self
        # Every word must occur, in any order: "lan nguyen" finds "Nguyễn Thị Lan".
        qs = self
        for word in folded.split(" "):
            qs = qs.filter(search_text__contains=word)
        return qs


class TextNormalizingModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        normalize_text_fields(self)
        super().save(*args, **kwargs)


class Cadre(TextNormalizingModel):
    """A cadre's profile (hồ sơ cán bộ), after the 2C CV form."""

    SENSITIVE_FIELDS = ("ethnicity", "religion", "party_joined_on", "party_official_on")

    full_name = models.CharField("họ và tên khai sinh", max_length=150)
    other_name = models.CharField("tên gọi khác", max_length=150, blank=True)
    gender = models.CharField("giới tính", max_length=8, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", db_index=True)
    birth_place = models.CharField("nơi sinh", max_length=255, blank=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True)
    ethnicity = models.CharField(
        "dân tộc", max_length=50, choices=[(e, e) for e in ETHNIC_GROUPS], default=MAJORITY_ETHNICITY
    )
    religion = models.CharField("tôn giáo", max_length=16, choices=Religion.choices, default=Religion.NONE)
    national_id = models.CharField(
        "số CCCD",
        max_length=12,
        unique=True,
        validators=[national_id_validator],
        error_messages={"unique": "Số CCCD này đã có trong hồ sơ của một cán bộ khác."},
    )
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("email", blank=True)
    address = models.CharField("nơi ở hiện nay", max_length=255, blank=True)

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="cadres")
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
    )
    employment = models.CharField(
        "chuyên trách / kiêm nhiệm", max_length=16, choices=Employment.choices, default=Employment.FULL_TIME
    )
    is_school_staff = models.BooleanField(
        "là giáo viên, cán bộ trường học",
        default=False,
        help_text="Cán bộ Đoàn trường là giáo viên hoặc cán bộ nhà trường (giới hạn tuổi riêng).",
    )

    youth_union_joined_on = models.DateField("ngày vào Đoàn", null=True, blank=True)
    party_joined_on = models.DateField("ngày vào Đảng", null=True, blank=True)
    party_official_on = models.DateField("ngày chính thức", null=True, blank=True)

    general_education = models.CharField(
        "giáo dục phổ thông",
        max_length=8,
        choices=GeneralEducation.choices,
        default=GeneralEducation.GRADE_12,
    )
    education = models.PositiveSmallIntegerField(
        "trình độ chuyên môn", choices=Education.choices, default=Education.NONE
    )
    major = models.CharField("chuyên ngành", max_length=200, blank=True)
    political_theory = models.PositiveSmallIntegerField(
        "lý luận chính trị", choices=PoliticalTheory.choices, default=PoliticalTheory.NONE
    )
    state_management = models.PositiveSmallIntegerField(
        "quản lý nhà nước", choices=StateManagement.choices, default=StateManagement.NONE
    )
    foreign_language = models.CharField("ngoại ngữ", max_length=50, blank=True)
    foreign_language_level = models.PositiveSmallIntegerField(
        "trình độ ngoại ngữ", choices=LanguageLevel.choices, default=LanguageLevel.NONE
    )
    it_level = models.PositiveSmallIntegerField("tin học", choices=ItLevel.choices, default=ItLevel.NONE)

    status = models.CharField(
        "trạng thái", max_length=16, choices=CadreStatus.choices, default=CadreStatus.ACTIVE
    )
    left_on = models.DateField("ngày thôi công tác", null=True, blank=True)
    leaving_reason = models.TextField("lý do", blank=True)

    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])
    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"
        ordering = ["unit__path", "position__order", "full_name", "id"]
        indexes = [models.Index(fields=["unit", "status"], name="cadre_unit_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_official_on__isnull=True)
                | models.Q(party_joined_on__isnull=False, party_official_on__gte=models.F("party_joined_on")),
                name="cadre_party_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", left_on__isnull=True)
                | (~models.Q(status="active") & models.Q(left_on__isnull=False)),
                name="cadre_left_on_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        normalize_text_fields(self)
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre-detail", args=[self.pk])

    def build_search_text(self) -> str:
        return fold(" ".join(filter(None, [self.full_name, self.other_name, self.national_id, self.phone])))

    def age_on(self, day: datetime.date) -> int:
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def age(self) -> int:
        return self.age_on(datetime.date.today())

    @property
    def is_active(self) -> bool:
        return self.status == CadreStatus.ACTIVE

    @property
    def is_party_member(self) -> bool:
        return self.party_joined_on is not None

    @property
    def is_probationary_party_member(self) -> bool:
        return self.party_joined_on is not None and self.party_official_on is None

    @property
    def is_ethnic_minority(self) -> bool:
        return self.ethnicity != MAJORITY_ETHNICITY


class AppointmentKind(models.TextChoices):
    ELECTED = "elected", "Bầu"
    APPOINTED = "appointed", "Bổ nhiệm"
    DESIGNATED = "designated", "Chỉ định"
    ROTATED = "rotated", "Luân chuyển"
    CONCURRENT = "concurrent", "Kiêm nhiệm"


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AppointmentQuerySet":
        return self.filter(cadre__in=Cadre.objects.visible_to(user))

    def open(self) -> "AppointmentQuerySet":
        return self.filter(ended_on__isnull=True)


class Appointment(TextNormalizingModel):
    """A post held for a period (quá trình công tác). Several may be open at once."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="appointments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="appointments"
    )
    position = models.ForeignKey(
        Position, verbose_name="chức vụ", on_delete=models.PROTECT, related_name="appointments"
    )
    kind = models.CharField(
        "hình thức", max_length=16, choices=AppointmentKind.choices, default=AppointmentKind.APPOINTED
    )
    started_on = models.DateField("từ ngày")
    ended_on = models.DateField("đến ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    history = HistoricalRecords()
    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = "quá trình công tác"
        verbose_name_plural = "quá trình công tác"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="appointment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} – {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def is_concurrent(self) -> bool:
        return self.kind == AppointmentKind.CONCURRENT


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RecordQuerySet":
        return self.filter(cadre__in=Cadre.objects.visible_to(user))


class Commendation(TextNormalizingModel):
    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="commendations"
    )
    awarded_on = models.DateField("ngày")
    form = models.CharField("hình thức", max_length=200, help_text="Ví dụ: Bằng khen, Giấy khen, Huy hiệu…")
    issuer = models.CharField("cấp khen", max_length=200, blank=True)
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    content = models.TextField("nội dung", blank=True)

    history = HistoricalRecords()
    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"
        ordering = ["-awarded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.form} ({self.awarded_on:%d/%m/%Y})"


class Discipline(TextNormalizingModel):
    """Sensitive: shown only to roles that may see sensitive data."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="disciplines"
    )
    decided_on = models.DateField("ngày")
    form = models.CharField("hình thức", max_length=200, help_text="Ví dụ: Khiển trách, Cảnh cáo, Cách chức…")
    issuer = models.CharField("cấp quyết định", max_length=200, blank=True)
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    reason = models.TextField("lý do", blank=True)

    history = HistoricalRecords()
    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "kỷ luật"
        verbose_name_plural = "kỷ luật"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.form} ({self.decided_on:%d/%m/%Y})"


class UnitMergeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UnitMergeQuerySet":
        return self.filter(target__in=Unit.objects.visible_to(user))


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
