"""The cadre profile (hồ sơ cán bộ) and what hangs off it: posts, commendations, disciplines."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Func
from django.db.models.functions import Concat
from django.urls import reverse
from simple_history.models import HistoricalRecords

from common.dates import today
from common.lists import generation
from common.models import VersionedModel
from common.text import ascii_digits, is_ascii_number, is_phone_number, phone_text
from units.scope import ScopedQuerySet

from ..dates import date_problems as rule_problems
from ..text import fold, normalize_text_fields
from .catalogue import (
    ETHNIC_GROUPS,
    MAJORITY_ETHNICITY,
    CadreStatus,
    Education,
    Employment,
    Gender,
    GeneralEducation,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
    Position,
    Religion,
    StateManagement,
    national_id_validator,
)
from .units import Unit

# ``Cadre.position_order`` of a cadre without a post: after every post, as lists show them.
NO_POSITION_ORDER = 32767


# On PostgreSQL (migration 0012): the words of the search column in a table of their own, and the
# cadres by word in a GIN index. A searched word that some vocabulary word contains is matched as
# "holds one of those words"; one with more spellings than this keeps the substring match.
MAX_SPELLINGS = 300
# A word of digits and "+" (a CCCD, a phone number): kept out of the vocabulary, matched on the
# search column itself. The same rule as the triggers' ``word !~ '^[0-9+]+$'`` (migration 0012).
NUMBER_WORD = re.compile(r"[0-9+]+")


def search_vocabulary(words: list[str], using: str) -> dict[str, list[str]]:
    """For each searched word that is not a number, the words of the roster that contain it
    ("uyen" → ["nguyen", "tuyen", "uyen"…]), in one query; only on PostgreSQL."""
    candidates = [word for word in words if not NUMBER_WORD.fullmatch(word)]
    connection = connections[using]
    if connection.vendor != "postgresql" or not candidates:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT searched, found FROM unnest(%s::text[]) AS searched, LATERAL ("
            "  SELECT word AS found FROM cadre_search_word WHERE strpos(word, searched) > 0 LIMIT %s"
            ") AS spelled",
            [candidates, MAX_SPELLINGS + 1],
        )
        spellings: dict[str, list[str]] = {word: [] for word in candidates}
        for searched, found in cursor.fetchall():
            spellings[searched].append(found)
    return {word: found for word, found in spellings.items() if len(found) <= MAX_SPELLINGS}


def _search_words():
    """``string_to_array(search_text, ' ')``, as the word index (migration 0012) is built on."""
    from django.contrib.postgres.fields import ArrayField

    words = ArrayField(models.TextField())
    return Func("search_text", models.Value(" "), function="string_to_array", output_field=words)


class CadreQuerySet(ScopedQuerySet):
    unit_field = "unit"
    path_field = "unit_path"  # the cadre's own copy: the scope is a range on the roster index

    def active(self) -> "CadreQuerySet":
        return self.filter(status=CadreStatus.ACTIVE)

    def data_version(self) -> str:
        """A token that changes whenever any cadre changes: the newest ``updated_at`` (one probe
        of its index) and the generation bumped by deletions and set-based updates
        (``cadres.derived``). Counts and figures are cached against it (``common.lists``)."""
        newest = Cadre.objects.using(self.db).order_by("-updated_at").values_list("updated_at", flat=True)[:1]
        return f"{next(iter(newest), None)}:{generation('cadres')}:{today()}"

    def search(self, query: str, *, max_words: int = 10) -> "CadreQuerySet":
        # Every word must occur, in any order: "lan nguyen" finds "Nguyễn Thị Lan". Each word is
        # a condition: words past ``max_words`` are dropped, as a thousand of them overflow the
        # database's expression tree (the list's filter refuses them with a message first).
        words = list(dict.fromkeys(fold(query).split()))[:max_words]
        spellings = search_vocabulary(words, self.db)
        qs = self.alias(search_words=_search_words()) if spellings else self
        for word in words:
            if word not in spellings:
                qs = qs.filter(search_text__contains=word)
            elif not spellings[word]:
                return qs.none()  # no cadre has a word containing it
            else:
                qs = qs.filter(search_words__overlap=spellings[word])
        return qs

    def ranked_search(self, query: str, *, max_words: int = 10) -> "CadreQuerySet":
        """``search``, with ``search_rank``: how many of the query's words match a whole word
        ("nguyen thi" ranks "Nguyễn Thị Lan" above "Nguyễn Thành Thịnh", where "thi" is only
        part of a word)."""
        words = list(dict.fromkeys(fold(query).split()))[:max_words]
        padded = Concat(models.Value(" "), "search_text", models.Value(" "))
        whole = [
            models.Case(models.When(padded_text__contains=f" {word} ", then=1), default=0) for word in words
        ]
        rank = sum(whole[1:], whole[0]) if whole else models.Value(0)
        # The words are matched in a subquery of their own, which the database answers from the
        # search column's index alone (a scan of it on SQLite, the trigram index on PostgreSQL);
        # the list's scope and filters then only probe its result, instead of reading every row
        # of the scope to test the words (15 times slower on SQLite at 100,000 cadres).
        # PostgreSQL combines the word index with the list's conditions in one scan of the rows
        # found, so there the words are conditions of the list itself (a third less time).
        if connections[self.db].vendor == "postgresql":
            matched = self.search(query, max_words=max_words)
        else:
            matched = self.filter(pk__in=Cadre.objects.search(query, max_words=max_words).values("pk"))
        return matched.alias(padded_text=padded).annotate(search_rank=rank)


class TextNormalizingModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        normalize_text_fields(self)
        super().save(*args, **kwargs)


class Cadre(VersionedModel, TextNormalizingModel):
    """A cadre's profile (hồ sơ cán bộ), after the 2C CV form."""

    stale_label = "hồ sơ"  # "Chưa lưu: hồ sơ đã được người khác cập nhật…"

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

    search_text = models.CharField(
        "chuỗi tìm kiếm", max_length=400, editable=False, db_index=True, default=""
    )
    # Derived columns, kept in step by ``save()`` and by ``cadres.derived`` when what they copy
    # changes (a unit moved, a position reordered, a standard edited), so that the roster's
    # scope, order and warning filters are index ranges on this table alone.
    unit_path = models.CharField("đường dẫn đơn vị", max_length=255, editable=False, default="")
    position_order = models.PositiveSmallIntegerField(
        "thứ tự chức vụ", editable=False, default=NO_POSITION_ORDER
    )
    age_limit = models.PositiveSmallIntegerField(
        "giới hạn tuổi đảm nhiệm", editable=False, null=True, blank=True
    )
    below_standard = models.BooleanField("chưa đạt chuẩn", editable=False, default=False)
    # Where the cadre counts on a past date (``cadres.timeline``): on the roster since (the first
    # post's start or the record's creation); counted in the present unit on every date from
    # (empty: on every date); before that, in the earlier unit on every date from. Kept by
    # ``cadres.timeline``, never by a form or ``save()``.
    on_roster_since = models.DateField("có trong danh sách từ", editable=False, null=True, blank=True)
    unit_since = models.DateField("thuộc đơn vị hiện tại từ", editable=False, null=True, blank=True)
    earlier_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị trước đó",
        on_delete=models.SET_NULL,  # a unit a post was held in is never deleted (posts protect it)
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # read only through the cadre, never searched by
    )
    earlier_since = models.DateField("thuộc đơn vị trước đó từ", editable=False, null=True, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lần cuối", auto_now=True)

    DERIVED_FIELDS = ("unit_path", "position_order", "age_limit", "below_standard")
    TIMELINE_FIELDS = ("on_roster_since", "unit_since", "earlier_unit", "earlier_since")
    history = HistoricalRecords(
        excluded_fields=["search_text", "updated_at", *DERIVED_FIELDS, *TIMELINE_FIELDS]
    )
    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"
        # The roster's order: by unit down the tree, then by post, then by name.
        ordering = ["unit_path", "position_order", "full_name", "id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="cadre_unit_status"),
            # The roster page: scope (a range on unit_path) and order from one index walk. The
            # trailing columns let its count, its warning filters and the dashboard's figures
            # read the index alone, never the rows.
            models.Index(
                fields=[
                    "status",
                    "unit_path",
                    "position_order",
                    "full_name",
                    "id",
                    "gender",
                    "age_limit",
                    "birth_date",
                    "below_standard",
                ],
                name="cadre_roster",
            ),
            models.Index(fields=["status", "full_name", "id"], name="cadre_by_name"),
            # "Quá tuổi", "Sắp quá tuổi": one range of birth dates per age limit.
            models.Index(fields=["status", "age_limit", "birth_date"], name="cadre_age_limit"),
            # "Chưa đạt chuẩn": a few in a thousand, in the roster's order, so its page reads
            # fifty entries instead of walking the roster until it has met fifty of them.
            models.Index(
                fields=["status", "unit_path", "position_order", "full_name", "id"],
                condition=models.Q(below_standard=True),
                name="cadre_below_std",
            ),
            # The statistics of a past date (``cadres.timeline``): who counted in their earlier
            # unit then, and the few who counted in a unit before that.
            models.Index(
                fields=["unit_since"], condition=models.Q(unit_since__isnull=False), name="cadre_unit_since"
            ),
            models.Index(
                fields=["earlier_since"],
                condition=models.Q(earlier_since__isnull=False),
                name="cadre_earlier_since",
            ),
            # The list's count is cached against the newest change (``CadreQuerySet.data_version``).
            models.Index(fields=["updated_at"], name="cadre_updated_at"),
        ]
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
        self.prepare_for_save()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_text",
                "updated_at",
                *self.DERIVED_FIELDS,
            }
        elif not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            # The timeline columns are written by ``cadres.timeline`` alone: a profile loaded
            # before a post was added must not put back the values it was loaded with.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.TIMELINE_FIELDS
            ]
        super().save(*args, **kwargs)
        self._stored_unit_id = self.unit_id  # read by ``cadres.derived`` on the next save

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre-detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_unit_id = instance.__dict__.get("unit_id")
        return instance

    @property
    def unit_changed(self) -> bool:
        """Whether the unit differs from the one last read or saved (unknown: changed)."""
        return getattr(self, "_stored_unit_id", None) != self.unit_id

    def prepare_for_save(self, book=None) -> None:
        """What every write of a profile sets, ``save()`` and bulk inserts alike: identifiers and
        text normalised, the search text, the derived columns (``cadres.derived``)."""
        from ..standards import StandardBook  # the standards read this model

        self.normalize_identifiers()
        normalize_text_fields(self)
        self.search_text = self.build_search_text()
        (book or StandardBook.current()).refresh_derived(self)
        if self.on_roster_since is None:  # a new record: on the roster from today until a post says
            self.on_roster_since = today()

    def clean(self):
        self.normalize_identifiers()
        if problems := {**self.identifier_problems(), **self.date_problems(today())}:
            raise ValidationError(problems)

    def normalize_identifiers(self) -> None:
        """CCCD and phone as compared and stored: ASCII digits (so uniqueness holds however the
        number was typed), the CCCD without grouping."""
        self.national_id = ascii_digits(self.national_id or "")
        self.phone = phone_text(self.phone or "")

    def identifier_problems(self) -> dict[str, str]:
        problems = {}
        # Other lengths and letters are the field validator's; it takes any Unicode digit.
        if re.fullmatch(r"\d{12}", self.national_id) and not is_ascii_number(self.national_id, 12):
            problems["national_id"] = "Số CCCD chỉ gồm 12 chữ số 0–9."
        if self.phone and not is_phone_number(self.phone):
            problems["phone"] = (
                f"Số điện thoại “{self.phone}” không hợp lệ: 8–20 ký tự gồm chữ số 0–9, dấu cách, "
                "dấu chấm, gạch ngang hoặc ngoặc, có thể bắt đầu bằng +."
            )
        return problems

    def date_problems(self, day: datetime.date) -> dict[str, str]:
        """The profile's date rules (``cadres.dates.RULES``) on this record as of ``day``,
        field → message: the one place the form, the admin and the import check them."""
        return rule_problems(self, today=day, birth=self.birth_date)

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
        return self.age_on(today())

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


class AppointmentQuerySet(ScopedQuerySet):
    # A post is seen with its cadre's record (a past post may be in a unit outside the scope).
    unit_field = "cadre__unit"

    def open(self) -> "AppointmentQuerySet":
        return self.filter(ended_on__isnull=True)


class Appointment(VersionedModel, TextNormalizingModel):
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
        indexes = [
            # Who holds a post in a unit now: the succession board and the vacancies count and
            # name the holders from this index alone, however many past posts the unit has.
            models.Index(
                fields=["position", "unit", "started_on", "id"],
                condition=models.Q(ended_on__isnull=True),
                name="appointment_open_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} – {self.unit}"

    def clean(self):
        if problems := self.date_problems(today()):
            raise ValidationError(problems)

    def date_problems(self, day: datetime.date) -> dict[str, str]:
        """This record's date rules (``cadres.dates.RULES``), relative to its cadre's birth."""
        return rule_problems(self, today=day, birth=_birth_of_cadre(self))

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def is_concurrent(self) -> bool:
        return self.kind == AppointmentKind.CONCURRENT


class RecordQuerySet(ScopedQuerySet):
    unit_field = "cadre__unit"


class Commendation(VersionedModel, TextNormalizingModel):
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

    def clean(self):
        if problems := self.date_problems(today()):
            raise ValidationError(problems)

    def date_problems(self, day: datetime.date) -> dict[str, str]:
        """This record's date rules (``cadres.dates.RULES``), relative to its cadre's birth."""
        return rule_problems(self, today=day, birth=_birth_of_cadre(self))


class Discipline(VersionedModel, TextNormalizingModel):
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

    def clean(self):
        if problems := self.date_problems(today()):
            raise ValidationError(problems)

    def date_problems(self, day: datetime.date) -> dict[str, str]:
        """This record's date rules (``cadres.dates.RULES``), relative to its cadre's birth."""
        return rule_problems(self, today=day, birth=_birth_of_cadre(self))


def _birth_of_cadre(record) -> datetime.date | None:
    """The birth date of a record's cadre, None while the record has none (a form not yet
    attached to its cadre)."""
    cadre = getattr(record, "cadre", None)  # RelatedObjectDoesNotExist is an AttributeError
    return cadre.birth_date if cadre else None
