"""The organisation tree (đơn vị) and the one rule of scope."""

from django.db import models
from django.db.models.functions import Length, Substr
from django.dispatch import Signal
from django.urls import reverse
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from common.models import VersionedModel
from common.text import normalize_text_fields

from .scope import ScopedQuerySet, path_prefixes


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


class UnitQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    unit_field = ""  # a unit is in scope when it is the user's unit or below it

    def active(self) -> "UnitQuerySet":
        return self.filter(dissolved_on__isnull=True)

    def with_parent_name(self) -> "UnitQuerySet":
        """Annotate ``parent_name``, so that ``Unit.label`` tells look-alike units apart
        ("Chi đoàn thôn 1 – Đoàn xã Ia Hrú") without a query per unit."""
        return self.annotate(parent_name=parent_name_of("path"))


def parent_name_of(path_field: str) -> models.Subquery:
    """A subquery for the name of the parent of the unit whose path is ``path_field``
    (e.g. ``"path"`` on units, ``"unit__path"`` on cadres)."""
    path = models.OuterRef(path_field)
    parent_path = Substr(path, 1, Length(path) - Unit.steplen)
    return models.Subquery(Unit.objects.filter(path=parent_path).values("name")[:1])


def unit_label(name: str, parent_name: str | None) -> str:
    return f"{name} – {parent_name}" if parent_name else name


# Sent after a unit and its subtree got new paths (``unit``: the moved unit, reloaded), for the
# tables that keep a copy of a unit's path (``Cadre.unit_path``).
unit_moved = Signal()


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user) -> UnitQuerySet:
        return self.get_queryset().visible_to(user)

    def active(self) -> UnitQuerySet:
        return self.get_queryset().active()

    def with_parent_name(self) -> UnitQuerySet:
        return self.get_queryset().with_parent_name()

    def move(self, node, target, pos=None):
        result = super().move(node, target, pos)
        unit_moved.send(sender=self.model, unit=self.model.objects.get(pk=node.pk))
        return result


class Unit(VersionedModel, MP_Node):
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

    # The tables keep the names they had when units lived in ``cadres``.
    history = HistoricalRecords(excluded_fields=["numchild"], table_name="cadres_historicalunit")
    objects = UnitManager()

    def save(self, *args, **kwargs):
        normalize_text_fields(self)
        super().save(*args, **kwargs)

    class Meta:
        db_table = "cadres_unit"
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name with the parent's, for wherever a unit is shown or picked outside its
        own page: the demo alone has 24 units called "Chi đoàn thôn 1"."""
        if not hasattr(self, "parent_name"):
            parent = self.get_parent() if self.depth > 1 else None
            self.parent_name = parent.name if parent else None
        return unit_label(self.name, self.parent_name)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def get_absolute_url(self) -> str:
        return reverse("cadres:unit-detail", args=[self.pk])

    # Unit-path helpers: every computation on paths is here (and in ``units.scope``).

    def subtree(self) -> UnitQuerySet:
        """This unit and every unit below it."""
        return Unit.objects.filter(path__startswith=self.path)

    def ancestor_paths(self) -> list[str]:
        """The paths of the units above this one, top down."""
        return path_prefixes(self.path, self.steplen)[:-1]

    def ancestors(self) -> UnitQuerySet:
        """The units above this one, top down (one query)."""
        return Unit.objects.filter(path__in=self.ancestor_paths())

    def is_within(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)

    @classmethod
    def path_prefixes(cls, path: str) -> list[str]:
        """A path's own and its ancestors' paths, top down (for counting up the tree)."""
        return path_prefixes(path, cls.steplen)
