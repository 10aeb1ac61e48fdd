from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from common.forms import VersionedAdminMixin

from .admin_scope import ScopedAdminMixin, SystemAdminOnlyMixin
from .models import User

# Roles decide what a user may do (User.has_perm, accounts.permissions); Django's groups and
# per-model permissions are never consulted, and their names are stored in English.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(VersionedAdminMixin, ScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "get_full_name", "unit", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit__level"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = []
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Thông tin cá nhân", {"fields": ["last_name", "first_name", "email", "position_title"]}),
        ("Phạm vi và vai trò", {"fields": ["unit", "role", "is_active"]}),
        ("Quyền hệ thống", {"fields": ["is_superuser"]}),
        ("Thời gian", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "last_name", "first_name", "unit", "role", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Only a superuser manages superusers: anyone else could reset their password and take
        # over system-wide rights.
        return queryset.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only a superuser hands out system-wide rights.
        return [fs for fs in fieldsets if fs[0] != "Quyền hệ thống"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.sees_everything and "unit" in form.base_fields:
            # A unit admin creates accounts inside their own subtree, never system-wide ones.
            form.base_fields["unit"].required = True
            form.base_fields["unit"].empty_label = None
        return form

    @admin.display(description="Họ và tên")
    def get_full_name(self, obj):
        return obj.get_full_name()


# django-axes' admins, with Vietnamese headers for the columns it computes.
admin.site.unregister([AccessAttempt, AccessFailureLog, AccessLog])


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SystemAdminOnlyMixin, axes_admin.AccessAttemptAdmin):
    @admin.display(description="Trạng thái")
    def status(self, obj):
        return super().status(obj)

    @admin.display(description="Hết hạn lúc")
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.action(description="Xoá các lần đăng nhập sai đã hết hạn")
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"Đã xoá {count} lần đăng nhập sai đã hết hạn.")


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SystemAdminOnlyMixin, axes_admin.AccessFailureLogAdmin):
    pass


@admin.register(AccessLog)
class AxesAccessLogAdmin(SystemAdminOnlyMixin, axes_admin.AccessLogAdmin):
    pass


# The task queue's results (django-tasks-db): the whole site's background work.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(SystemAdminOnlyMixin, DBTaskResultAdmin):
    pass
