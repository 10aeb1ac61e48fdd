"""Scope in Django admin: an admin bound to a unit manages only that unit's subtree,
exactly as in the app. Every model admin of the project mixes this in."""

from django.contrib import admin


class ScopedAdminMixin:
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related_manager = db_field.related_model._default_manager
        if hasattr(related_manager, "visible_to"):
            kwargs["queryset"] = related_manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related_manager = db_field.related_model._default_manager
        if hasattr(related_manager, "visible_to"):
            kwargs["queryset"] = related_manager.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 50
