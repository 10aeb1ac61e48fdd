"""Field work "1+2" (đi cơ sở), DOMAIN.md §7: the yearly quota of days at the grassroots as data,
the trips (one or several cadres, a host unit, days counted per cadre, a report due some days
after the trip), the grassroots secondments (tăng cường cơ sở, a post held in the host unit as
a real concurrent appointment) and each user's calendar feed."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadres.models import Appointment, Cadre, Position, TextNormalizingModel, Unit, UnitLevel
from common.dates import add_months, add_years
from common.lists import generation
from common.models import VersionedModel
from units.scope import EVERYTHING, ScopedQuerySet, scope_prefix, subtree_condition

FIRST_DATE = datetime.date(1931, 3, 26)  # the Youth Union's founding
LAST_DATE = datetime.date(2100, 12, 31)
MAX_TRIP_DAYS = 92  # longer stays at the grassroots are secondments
MIN_SECONDMENT_MONTHS = 3
MAX_SECONDMENT_YEARS = 5


def check_dates(record, *fields: str) -> dict[str, str]:
    """Each date of ``fields`` within the bounds every field-work date keeps to."""
    errors = {}
    for field in fields:
        day = getattr(record, field)
        if day is not None and not FIRST_DATE <= day <= LAST_DATE:
            errors[field] = f"Ngày phải trong khoảng {FIRST_DATE:%d/%m/%Y} – {LAST_DATE:%d/%m/%Y}."
    return errors


class ActivityKind(VersionedModel, TextNormalizingModel):
    """What cadres do on a trip (kiểm tra giám sát, dự sinh hoạt chi đoàn…): a catalogue the
    admin keeps; a migration seeds the kinds of Hướng dẫn 03-HD/TWĐTN-BTC."""

    code = models.SlugField("mã", max_length=50, unique=True)
    name = models.CharField("tên hoạt động", max_length=200, unique=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "loại hoạt động ở cơ sở"
        verbose_name_plural = "loại hoạt động ở cơ sở"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# --- The quota --------------------------------------------------------------------------------


class QuotaQuerySet(ScopedQuerySet):
    """A rule naming a unit belongs to it (the rules of every unit are everybody's: admin shows
    them all, as a catalogue)."""


class Quota(VersionedModel, TextNormalizingModel):
    """A rule of the "1+2" policy: the minimum days a year at the grassroots and the days a
    trip's report is due after it, for a year (or every year), optionally only for the cadres of
    a unit's subtree, of a level or holding a post. A cadre is subject to the quota when a rule
    matches them; the most specific rule wins (``QuotaBook``)."""

    year = models.PositiveSmallIntegerField(
        "năm",
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="Để trống: áp dụng mọi năm chưa có quy định riêng.",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fieldwork_quotas",
        help_text="Để trống: mọi đơn vị. Có chọn: cán bộ của đơn vị và các đơn vị trực thuộc.",
    )
    level = models.CharField(
        "cấp của đơn vị cán bộ",
        max_length=16,
        choices=UnitLevel.choices,
        blank=True,
        help_text="Để trống: mọi cấp.",
    )
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fieldwork_quotas",
        help_text="Để trống: mọi chức vụ.",
    )
    min_days = models.DecimalField(
        "số ngày tối thiểu",
        max_digits=4,
        decimal_places=1,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal(366))],
    )
    report_due_days = models.PositiveSmallIntegerField(
        "hạn báo cáo (ngày sau đợt)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    source = models.CharField("căn cứ", max_length=255, blank=True)

    history = HistoricalRecords()
    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = "định mức đi cơ sở"
        verbose_name_plural = "định mức đi cơ sở"
        ordering = ["-year", "level", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_days__gt=0) & Q(min_days__lte=366), name="quota_days_in_a_year"
            ),
            models.CheckConstraint(
                condition=Q(report_due_days__gte=1) & Q(report_due_days__lte=365),
                name="quota_report_due_within_a_year",
            ),
        ]

    def __str__(self) -> str:
        scope = [str(self.year) if self.year else "mọi năm"]
        if self.unit_id:
            scope.append(str(self.unit))
        if self.level:
            scope.append(self.get_level_display())
        if self.position_id:
            scope.append(str(self.position))
        return f"{self.min_days.normalize():f} ngày/năm ({', '.join(scope)})"

    def clean(self):
        super().clean()
        same = Quota.objects.filter(
            year=self.year, unit=self.unit_id, level=self.level, position=self.position_id
        ).exclude(pk=self.pk)
        if same.exists():
            raise ValidationError("Đã có định mức cho đúng năm, đơn vị, cấp và chức vụ này.")
        if self.min_days is not None and self.min_days % Decimal("0.5"):
            raise ValidationError({"min_days": "Số ngày tính theo nửa ngày: ví dụ 60 hoặc 60,5."})

    @property
    def specificity(self) -> tuple:
        """Which rule wins where several match: the narrower group of cadres — a post's over a
        unit's, a deeper unit over a higher one, a level's over none —, then a year's own over
        every year's."""
        depth = self.unit.depth if self.unit_id else 0
        return (self.position_id is not None, depth, bool(self.level), self.year is not None, -self.pk)

    def matches_unit(self, unit: Unit) -> bool:
        """Whether the rule's unit and level conditions hold for ``unit`` (posts aside)."""
        if self.level and unit.level != self.level:
            return False
        return not self.unit_id or unit.path.startswith(self.unit.path)

    def cadre_condition(self) -> Q:
        """The cadres (a ``Cadre`` queryset's condition) the rule applies to."""
        condition = Q()
        if self.unit_id:
            condition &= subtree_condition("unit_path", self.unit.path)
        if self.level:
            condition &= Q(unit__level=self.level)
        if self.position_id:
            condition &= Q(position_id=self.position_id)
        return condition


# --- Trips ------------------------------------------------------------------------------------


class TripStatus(models.TextChoices):
    REGISTERED = "registered", "Đã đăng ký"
    DONE = "done", "Đã đi"
    REPORTED = "reported", "Đã báo cáo"
    CANCELLED = "cancelled", "Huỷ"


# Trips whose days count toward the quota.
COUNTED = (TripStatus.DONE, TripStatus.REPORTED)


# The generation of what is cached from the trips (``common.lists``): bumped by every change of a
# trip, its cadres or a unit (``fieldwork.signals``).
TRIPS_GENERATION = "trips"


class FieldTripQuerySet(ScopedQuerySet):
    """A trip belongs to the unit that organises it (sends its cadres)."""

    unit_field = "organiser"

    def data_version(self) -> str:
        """What figures cached from trips depend on: the trips, their units and cadres."""
        return f"{generation(TRIPS_GENERATION)}:{Cadre.objects.data_version()}"

    def visible_to_by_organiser(self, user) -> "FieldTripQuerySet":
        """``visible_to(user)``, with the scope's organisers also named by id: PostgreSQL then
        knows from its statistics how few trips a ward organises (2 of 345,000 at a million
        cadres) and reads them from the organiser index, instead of walking the date index for
        rows it never finds (a ward's trip list 0.63 s, its month's calendar 78 ms)."""
        trips = self.visible_to(user)
        prefix = scope_prefix(user)
        if prefix in (None, EVERYTHING):
            return trips
        units = Unit.objects.filter(subtree_condition("path", prefix)).values_list("pk", flat=True)
        return trips.filter(organiser__in=list(units))

    def in_year(self, year: int) -> "FieldTripQuerySet":
        return self.filter(
            starts_on__gte=datetime.date(year, 1, 1), starts_on__lte=datetime.date(year, 12, 31)
        )

    def counted(self) -> "FieldTripQuerySet":
        return self.filter(status__in=COUNTED)

    def overdue(self, day: datetime.date) -> "FieldTripQuerySet":
        """Trips whose report is past due on ``day`` and not filed."""
        return self.filter(report_due_on__lt=day).exclude(
            status__in=(TripStatus.REPORTED, TripStatus.CANCELLED)
        )


class FieldTrip(VersionedModel, TextNormalizingModel):
    organiser = models.ForeignKey(
        Unit, verbose_name="đơn vị cử đi", on_delete=models.PROTECT, related_name="organised_trips"
    )
    host = models.ForeignKey(
        Unit, verbose_name="cơ sở đến", on_delete=models.PROTECT, related_name="hosted_trips"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    topic = models.CharField(
        "chuyên đề",
        max_length=255,
        blank=True,
        help_text="Để trống khi không đi theo chuyên đề.",
    )
    activities = models.ManyToManyField(
        ActivityKind, verbose_name="hoạt động", blank=True, related_name="trips"
    )
    plan = models.TextField("nội dung dự kiến", blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=TripStatus.choices, default=TripStatus.REGISTERED
    )
    report_due_on = models.DateField("hạn báo cáo", editable=False)
    results = models.TextField("kết quả", blank=True)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    reported_at = models.DateTimeField("ngày báo cáo", null=True, blank=True, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người báo cáo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đăng ký",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày đăng ký", auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[activities])
    objects = FieldTripQuerySet.as_manager()

    class Meta:
        verbose_name = "đợt đi cơ sở"
        verbose_name_plural = "đợt đi cơ sở"
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["starts_on", "id"], name="fieldtrip_start"),
            models.Index(fields=["status", "report_due_on"], name="fieldtrip_report_due"),
            models.Index(fields=["host", "starts_on"], name="fieldtrip_host"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="fieldtrip_dates_in_order",
                violation_error_message="Ngày kết thúc không được trước ngày bắt đầu.",
            ),
        ]

    def __str__(self) -> str:
        what = self.topic or "Đi cơ sở"
        return f"{what} – {self.host} ({self.starts_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:trip-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = check_dates(self, "starts_on", "ends_on")
        if not errors and self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = "Ngày kết thúc không được trước ngày bắt đầu."
            elif (self.ends_on - self.starts_on).days >= MAX_TRIP_DAYS:
                errors["ends_on"] = (
                    f"Một đợt đi cơ sở không quá {MAX_TRIP_DAYS} ngày; ở cơ sở dài hơn là tăng cường "
                    "cơ sở (mục Tăng cường cơ sở)."
                )
        placed = self.organiser_id and self.host_id and not errors
        if placed and (self.host_id == self.organiser_id or not self.host.is_within(self.organiser)):
            errors["host"] = "Cơ sở đến phải là đơn vị trực thuộc đơn vị cử đi."
        if errors:
            raise ValidationError(errors)

    @property
    def length(self) -> int:
        """Calendar days of the trip."""
        return (self.ends_on - self.starts_on).days + 1

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED

    def is_overdue(self, day: datetime.date) -> bool:
        return self.status not in (TripStatus.REPORTED, TripStatus.CANCELLED) and self.report_due_on < day

    @property
    def status_tone(self) -> str:
        return {
            TripStatus.REGISTERED: "secondary",
            TripStatus.DONE: "info",
            TripStatus.REPORTED: "success",
            TripStatus.CANCELLED: "light",
        }.get(self.status, "secondary")


class TripMemberQuerySet(ScopedQuerySet):
    """A cadre's place on a trip belongs to the cadre's unit."""

    unit_field = "cadre__unit"
    path_field = "cadre__unit_path"


class TripMember(VersionedModel):
    """A cadre on a trip, with the days the trip counts for them (halves allowed)."""

    trip = models.ForeignKey(
        FieldTrip, verbose_name="đợt đi cơ sở", on_delete=models.CASCADE, related_name="members"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="field_trips"
    )
    days = models.DecimalField(
        "số ngày",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(MAX_TRIP_DAYS))],
    )

    history = HistoricalRecords()
    objects = TripMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "cán bộ đi cơ sở"
        verbose_name_plural = "cán bộ đi cơ sở"
        ordering = ["trip", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "cadre"],
                name="tripmember_once_per_trip",
                violation_error_message="Cán bộ này đã có trong đợt đi cơ sở.",
            ),
            models.CheckConstraint(condition=Q(days__gte=0), name="tripmember_days_not_negative"),
        ]
        indexes = [models.Index(fields=["cadre", "trip"], name="tripmember_cadre")]

    def __str__(self) -> str:
        return f"{self.cadre} – {self.trip}"

    def clean(self):
        super().clean()
        if self.days is not None and self.days % Decimal("0.5"):
            raise ValidationError({"days": "Số ngày tính theo nửa ngày: ví dụ 3 hoặc 2,5."})


class TripAttachmentQuerySet(ScopedQuerySet):
    unit_field = "trip__organiser"


def attachment_path(instance: "TripAttachment", filename: str) -> str:
    return f"fieldwork/reports/{instance.trip_id}/{secrets.token_hex(8)}/{filename}"


class TripAttachment(models.Model):
    """A file of a trip's report (minutes, photos), kept through Django's storage."""

    trip = models.ForeignKey(
        FieldTrip, verbose_name="đợt đi cơ sở", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("tệp", upload_to=attachment_path, max_length=255)
    name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("ngày tải lên", auto_now_add=True)

    history = HistoricalRecords()
    objects = TripAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "tệp đính kèm báo cáo"
        verbose_name_plural = "tệp đính kèm báo cáo"
        ordering = ["trip", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Secondments ------------------------------------------------------------------------------


class SecondmentQuerySet(ScopedQuerySet):
    """A secondment is seen on both sides: by the cadre's own unit, which sends them, and by
    the host unit, on whose board the post they hold appears."""

    unit_field = "host"

    def scope_condition(self, prefix: str) -> Q:
        return subtree_condition("cadre__unit_path", prefix) | subtree_condition("host__path", prefix)

    def sent_by(self, user) -> "SecondmentQuerySet":
        """The secondments of ``user``'s own cadres: the ones they edit."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        return (
            self.all() if prefix == EVERYTHING else self.filter(subtree_condition("cadre__unit_path", prefix))
        )

    def in_year(self, year: int) -> "SecondmentQuerySet":
        return self.filter(starts_on__lte=datetime.date(year, 12, 31), ends_on__gte=datetime.date(year, 1, 1))


class Secondment(VersionedModel, TextNormalizingModel):
    """A grassroots secondment (tăng cường cơ sở) of at least three months. The post held in
    the host unit is a real concurrent ``Appointment``, open while the secondment runs, so the
    host unit's board and vacancies count it; its working days count toward the quota."""

    cadre = models.ForeignKey(
        Cadre, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="secondments"
    )
    host = models.ForeignKey(
        Unit, verbose_name="đơn vị tiếp nhận", on_delete=models.PROTECT, related_name="hosted_secondments"
    )
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ đảm nhiệm tại cơ sở",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondments",
        help_text="Để trống khi không giữ chức vụ tại đơn vị tiếp nhận.",
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    decision_number = models.CharField("số quyết định", max_length=100, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    tasks = models.TextField("nhiệm vụ được giao", blank=True)
    appointment = models.OneToOneField(
        Appointment,
        verbose_name="chức vụ tại cơ sở",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="secondment",
    )
    finished = models.BooleanField("đã kết thúc", default=False, editable=False)
    results = models.TextField("kết quả", blank=True)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    reported_at = models.DateTimeField("ngày báo cáo", null=True, blank=True, editable=False)
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

    history = HistoricalRecords()
    objects = SecondmentQuerySet.as_manager()

    class Meta:
        verbose_name = "tăng cường cơ sở"
        verbose_name_plural = "tăng cường cơ sở"
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["cadre", "starts_on"], name="secondment_cadre"),
            models.Index(fields=["starts_on", "id"], name="secondment_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="secondment_dates_in_order",
                violation_error_message="Ngày kết thúc không được trước ngày bắt đầu.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} – {self.host} ({self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:secondment-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = check_dates(self, "starts_on", "ends_on", "decision_date")
        if not errors and self.starts_on and self.ends_on:
            shortest = shortest_secondment_end(self.starts_on)
            if self.ends_on < self.starts_on:
                errors["ends_on"] = "Ngày kết thúc không được trước ngày bắt đầu."
            elif self.ends_on < shortest:
                errors["ends_on"] = (
                    f"Tăng cường cơ sở ít nhất {MIN_SECONDMENT_MONTHS} tháng: từ "
                    f"{self.starts_on:%d/%m/%Y} phải đến ngày {shortest:%d/%m/%Y} trở đi."
                )
            elif self.ends_on > add_years(self.starts_on, MAX_SECONDMENT_YEARS):
                errors["ends_on"] = f"Tăng cường cơ sở không quá {MAX_SECONDMENT_YEARS} năm."
        if errors:
            raise ValidationError(errors)


def shortest_secondment_end(start: datetime.date) -> datetime.date:
    """The first day a secondment begun on ``start`` may end: three months on, less a day
    (01/03 → 31/05; 30/11 → 27/02)."""
    return add_months(start, MIN_SECONDMENT_MONTHS) - datetime.timedelta(days=1)


class SecondmentYearQuerySet(ScopedQuerySet):
    unit_field = "cadre__unit"
    path_field = "cadre__unit_path"


class SecondmentYear(models.Model):
    """The working days a secondment counts in one calendar year, written by
    ``Secondment``'s service on every save, so that a year's figures add them up in SQL."""

    secondment = models.ForeignKey(
        Secondment, verbose_name="tăng cường cơ sở", on_delete=models.CASCADE, related_name="years"
    )
    cadre = models.ForeignKey(Cadre, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    days = models.DecimalField("số ngày làm việc", max_digits=4, decimal_places=1)

    objects = SecondmentYearQuerySet.as_manager()

    class Meta:
        verbose_name = "ngày tăng cường trong năm"
        verbose_name_plural = "ngày tăng cường trong năm"
        constraints = [
            models.UniqueConstraint(fields=["secondment", "year"], name="secondmentyear_once"),
        ]
        indexes = [models.Index(fields=["cadre", "year"], name="secondmentyear_cadre")]

    def __str__(self) -> str:
        return f"{self.year}: {self.days} ngày"


# --- Calendar feed ----------------------------------------------------------------------------


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedQuerySet(ScopedQuerySet):
    """A user's calendar address belongs to the user's unit."""

    unit_field = "user__unit"


class CalendarFeed(models.Model):
    """A user's private iCalendar address: the trips of their own record on the roster and the
    trips they registered, for a phone's calendar (which cannot sign in, so the address carries
    a secret; making a new one retires the old)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name="hồ sơ cán bộ của tôi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token = models.CharField("mã bí mật", max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField("ngày tạo", auto_now=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = "lịch đi cơ sở (iCalendar)"
        verbose_name_plural = "lịch đi cơ sở (iCalendar)"

    def __str__(self) -> str:
        return f"Lịch của {self.user}"


# The annual evaluation lives in its own module (fieldwork/evaluation/); Django finds its models here.
from .evaluation.models import (  # noqa: E402, F401
    Criterion,
    Evaluation,
    Scheme,
    Score,
)
