"""Positions, qualification scales and the standards a position requires."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from common.models import VersionedModel

from ..text import normalize_text_fields
from .units import UnitLevel


class Organisation(models.TextChoices):
    DOAN = "doan", "Đoàn"
    HOI = "hoi", "Hội"
    DOI = "doi", "Đội"


class Position(VersionedModel):
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


class PositionStandard(VersionedModel):
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
