from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.db import models

from common.models import VersionedModel
from units.scope import ScopedQuerySet


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị"
    EDITOR = "editor", "Cán bộ nghiệp vụ"
    APPROVER = "approver", "Lãnh đạo (phê duyệt)"
    VIEWER = "viewer", "Chỉ xem"


class UserQuerySet(ScopedQuerySet):
    """Accounts a user may see and manage: those of the units of their own subtree."""

    unit_field = "unit"


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    pass


class User(VersionedModel, AbstractUser):
    """A staff member of a secretariat. What they see is their unit's subtree; what they may
    do there is their role."""

    unversioned_fields = frozenset({"last_login"})  # logging in does not make an edit form stale

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Người dùng chỉ thấy đơn vị này và các đơn vị trực thuộc. "
        "Để trống chỉ dành cho quản trị toàn hệ thống.",
    )
    role = models.CharField("vai trò", max_length=16, choices=Role.choices, default=Role.VIEWER)
    position_title = models.CharField("chức danh", max_length=200, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name.
        return f"{self.last_name} {self.first_name}".strip()

    def save(self, *args, **kwargs):
        # Only admins reach Django admin; the flag follows the role so it cannot drift.
        self.is_staff = self.is_superuser or self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def is_app_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.ADMIN)

    @property
    def sees_everything(self) -> bool:
        """A superuser, or an admin bound to no unit, sees the whole organisation."""
        return self.is_authenticated and (self.is_superuser or (self.is_app_admin and self.unit_id is None))

    @property
    def can_edit(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in {Role.ADMIN, Role.EDITOR, Role.APPROVER})

    @property
    def can_approve(self) -> bool:
        return self.is_active and (self.is_superuser or self.role in {Role.ADMIN, Role.APPROVER})

    @property
    def can_see_sensitive(self) -> bool:
        """Ethnicity, religion, Party data and discipline (Luật BVDLCN 91/2025/QH15)."""
        return self.can_edit

    def has_perm(self, perm, obj=None) -> bool:
        # Admins manage every model of their subtree in Django admin; the admin querysets
        # enforce the subtree, so model permissions add nothing for them.
        if self.is_app_admin:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_app_admin:
            return True
        return super().has_module_perms(app_label)
