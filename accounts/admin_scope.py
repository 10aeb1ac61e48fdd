"""Scope in Django admin: an admin bound to a unit manages only that unit's subtree,
exactly as in the app. Every model admin of the project mixes this in."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed


class NotFoundOutsideQuerysetMixin:
    """An object the admin's queryset does not hold answers 404 on its change, delete and
    history pages, as an object outside the user's subtree does in the app. Django would
    redirect to the admin's index with a "does not exist" message instead."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Không tìm thấy đối tượng trong phạm vi quản lý của bạn.")
        return obj


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget re-renders a refused form by looking the submitted value up
    as a key: a value that is no key at all ("abc" for a number) raised a 500. Such a value
    is left out, and the form's own error says what is wrong."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        return super().optgroups(name, [item for item in value if _is_key(target, item)], attr)


def _is_key(field, value) -> bool:
    try:
        field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class ScopedAdminMixin(NotFoundOutsideQuerysetMixin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_manager = db_field.related_model._default_manager
        if hasattr(related_manager, "visible_to"):
            kwargs["queryset"] = related_manager.visible_to(request.user)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related_manager = db_field.related_model._default_manager
        if hasattr(related_manager, "visible_to"):
            kwargs["queryset"] = related_manager.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedHistoryMixin(NotFoundOutsideQuerysetMixin):
    """django-simple-history's pages (``SimpleHistoryAdmin``) for the objects the change page
    shows, and read-only.

    Its history list falls back to the history table for an object its queryset does not hold,
    and its record page reads the history table directly: a unit admin could read, and revert,
    cadres of other units. A revert also saves around the app's rules (appointments, the
    version check), so a record's page takes no POST, whatever SIMPLE_HISTORY_REVERT_DISABLED
    says; that setting hides the button.
    """

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        obj = self.get_object(request, unquote(object_id))
        records = getattr(obj, obj._meta.simple_history_manager_attribute)
        try:
            found = records.filter(pk=unquote(version_id)).exists()
        except (ValueError, ValidationError):  # not an id at all
            found = False
        if not found:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 50


class SystemAdminOnlyMixin:
    """Records of the whole site that name no unit (log-in attempts with usernames and addresses,
    the task queue's results): only an admin who sees the whole organisation opens them."""

    def _sees_everything(self, request) -> bool:
        return request.user.is_active and request.user.sees_everything

    def has_module_permission(self, request):
        return self._sees_everything(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._sees_everything(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._sees_everything(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._sees_everything(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._sees_everything(request) and super().has_delete_permission(request, obj)
