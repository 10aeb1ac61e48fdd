import dataclasses
import datetime

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import formats, timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.admin_scope import ScopedAdminMixin, ScopedHistoryMixin
from common.forms import VersionedAdminMixin, VersionedFormMixin

from .forms import UnitChoiceField
from .history import HIDDEN_FIELDS
from .models import (
    AccessLog,
    Appointment,
    Cadre,
    Commendation,
    Discipline,
    ExportJob,
    ImportJob,
    Position,
    PositionStandard,
    Unit,
    UnitMerge,
)
from .models.units import parent_name_of
from .services import cadre_sync_current_post
from .text import fold


class HistoryValues(HistoricalRecordContextHelper):
    """Values on the admin's history page as the cadre page shows them (cadres.history): labels
    of choices, "Có"/"Không", dates, "—" for nothing, and no bookkeeping fields."""

    def context_for_delta_changes(self, delta):
        shown = [change for change in delta.changes if change.field not in HIDDEN_FIELDS]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=shown))

    def prepare_delta_change_value(self, change, value):
        model_field = self.model._meta.get_field(change.field)
        # simple-history reports an empty foreign key as a deleted object with no key.
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, datetime.date):
            return formats.localize(timezone.template_localtime(value))
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    """django-simple-history's admin with its history page in Vietnamese, for the objects the
    change page shows, read-only (accounts.admin_scope.ScopedHistoryMixin)."""

    object_history_list_template = "admin/simple_history/object_history_list.html"
    object_history_form_template = "admin/simple_history/object_history_form.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryValues(self.model, historical_record)


class UnitAdminForm(VersionedFormMixin, forms.ModelForm):
    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="Đơn vị cấp trên",
        help_text="Để trống để tạo đơn vị gốc (chỉ quản trị toàn hệ thống).",
    )

    class Meta:
        model = Unit
        fields = [
            "parent",
            "name",
            "short_name",
            "code",
            "level",
            "kind",
            "sector",
            "is_hardship_area",
            "dissolved_on",
            "note",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.visible_to(user)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
            self.fields["parent"].initial = Unit.objects.get_parent(self.instance)
        self.fields["parent"].queryset = parents
        if not user.sees_everything:
            self.fields["parent"].required = True
            self.fields["parent"].help_text = ""


class UnitLabelsMixin:
    """Units named with their parent's name ("Chi đoàn thôn 1 – Đoàn xã Ia Hrú") in the list's
    "Đơn vị" column and in the unit pickers, as everywhere in the app."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(unit_parent_name=parent_name_of("unit__path"))

    @admin.display(description="Đơn vị", ordering="unit__path")
    def unit_label(self, obj) -> str:
        obj.unit.parent_name = obj.unit_parent_name
        return obj.unit.label

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["form_class"] = UnitChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Unit)
class UnitAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    form = UnitAdminForm
    list_display = ["indented_name", "code", "level", "kind", "sector", "child_count", "dissolved_on"]
    list_filter = [
        "level",
        "kind",
        "sector",
        "is_hardship_area",
        ("dissolved_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "short_name", "code"]
    ordering = ["path"]
    list_per_page = 100

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class ScopedForm(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return ScopedForm

    def get_queryset(self, request):
        return super().get_queryset(request).with_parent_name()

    def autocomplete_label(self, unit: Unit) -> str:
        return unit.label

    @admin.display(description="Tên đơn vị", ordering="path")
    def indented_name(self, obj):
        return "— " * (obj.depth - 1) + obj.name

    @admin.display(description="Số đơn vị trực thuộc", ordering="numchild")
    def child_count(self, obj):
        return obj.numchild

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent")
        if not change:
            if parent is None:
                Unit.objects.add_root(instance=obj)
            else:
                Unit.objects.add_child(parent, instance=obj)
            return
        obj.save()
        if parent != Unit.objects.get_parent(obj):
            if parent is None:
                Unit.objects.move(obj, Unit.objects.get_first_root_node(), "last-sibling")
            else:
                Unit.objects.move(obj, parent, "last-child")

    def has_delete_permission(self, request, obj=None):
        # Units are dissolved (with a date), never deleted: their cadres and history stay readable.
        return request.user.is_superuser


class CadreRecordInline(VersionedAdminMixin, ScopedAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class AppointmentInline(UnitLabelsMixin, CadreRecordInline):
    model = Appointment
    fields = ["unit", "position", "kind", "started_on", "ended_on", "decision_number"]
    autocomplete_fields = ["unit", "position"]


class CommendationInline(CadreRecordInline):
    model = Commendation
    # The text is edited on the record's own page (the change link): a textarea per row does not fit.
    fields = ["awarded_on", "form", "issuer", "decision_number"]


class DisciplineInline(CadreRecordInline):
    model = Discipline
    fields = ["decided_on", "form", "issuer", "decision_number"]


class SystemWideCatalogueMixin:
    """Catalogues that hold for the whole organisation: every admin reads them, only an admin
    who sees everything changes them."""

    def has_add_permission(self, request):
        return request.user.sees_everything

    def has_change_permission(self, request, obj=None):
        return request.user.sees_everything

    def has_delete_permission(self, request, obj=None):
        return request.user.sees_everything


@admin.register(Position)
class PositionAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["name", "code", "level", "order", "is_key", "organisation"]
    list_filter = ["level", "is_key", "organisation"]
    list_editable = ["order", "is_key"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(PositionStandard)
class PositionStandardAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = [
        "__str__",
        "for_school_staff",
        "max_age_first_appointment",
        "max_age_holding",
        "max_age_holding_hardship",
        "min_education",
        "min_political_theory",
        "is_confirmed",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["level", "for_school_staff", "is_confirmed", "position"]
    search_fields = ["position__name", "source"]
    list_select_related = ["position"]


@admin.register(Cadre)
class CadreAdmin(VersionedAdminMixin, UnitLabelsMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["full_name", "birth_date", "gender", "unit_label", "position", "status"]
    list_filter = ["status", "gender", "education", "political_theory", "employment", "unit__level"]
    search_fields = ["search_text", "national_id"]
    list_select_related = ["unit", "position"]
    autocomplete_fields = ["unit", "position"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AppointmentInline, CommendationInline, DisciplineInline]
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        # The folded column makes admin search accent-insensitive like the app's.
        return super().get_search_results(request, queryset, fold(search_term))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Appointments edited inline move the current post as they do in the app.
        cadre_sync_current_post(cadre=form.instance)

    def has_delete_permission(self, request, obj=None):
        # Leaving archives a record; only an admin deletes one (e.g. a duplicate entered twice).
        return request.user.is_app_admin and super().has_delete_permission(request, obj)


@admin.register(Appointment)
class AppointmentAdmin(VersionedAdminMixin, UnitLabelsMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["cadre", "position", "unit_label", "kind", "started_on", "ended_on", "decision_number"]
    list_filter = ["kind", "position", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["cadre__search_text", "decision_number", "unit__name"]
    list_select_related = ["cadre", "unit", "position"]
    autocomplete_fields = ["cadre", "unit", "position"]
    date_hierarchy = "started_on"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        cadre_sync_current_post(cadre=obj.cadre)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cadre_sync_current_post(cadre=obj.cadre)


@admin.register(Commendation)
class CommendationAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["cadre", "form", "issuer", "awarded_on", "decision_number"]
    search_fields = ["cadre__search_text", "form", "decision_number"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre"]
    date_hierarchy = "awarded_on"


@admin.register(Discipline)
class DisciplineAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["cadre", "form", "issuer", "decided_on", "decision_number"]
    search_fields = ["cadre__search_text", "form", "decision_number"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre"]
    date_hierarchy = "decided_on"


@admin.register(UnitMerge)
class UnitMergeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "target",
        "effective_on",
        "decision_number",
        "moved_cadres",
        "moved_appointments",
        "moved_children",
        "performed_by",
        "performed_at",
    ]
    readonly_fields = [f.name for f in UnitMerge._meta.fields] + ["sources"]
    date_hierarchy = "effective_on"

    def has_add_permission(self, request):
        # Merges run through the app's merge page, which moves everything in one transaction.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "cadre", "rows", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["user__username", "user__last_name", "user__first_name", "cadre__search_text"]
    list_select_related = ["user", "cadre"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The log is evidence; nobody edits or deletes it from the app.
        return False


class JobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Jobs started from the app's pages: who, when, how it ended, and the task's id to find its
    record under "Tác vụ nền". Read-only; an admin sees (and may delete) the jobs of their
    subtree's users, as deleting a user deletes theirs."""

    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__username", "user__last_name", "user__first_name", "task_id"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    exclude = ["file"]  # personal data: downloaded only by its owner, through the app

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(JobAdmin):
    list_display = ["created_at", "user", "filename", "status", "estimated_rows", "message"]
    search_fields = [*JobAdmin.search_fields, "filename"]


@admin.register(ExportJob)
class ExportJobAdmin(JobAdmin):
    list_display = ["created_at", "user", "display_name", "status", "rows", "message"]
