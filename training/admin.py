"""Training in Django admin. The catalogues (kinds of course, the foreign-language and IT
standards, the rules' numbers) hold for the whole organisation: every admin reads them and only
an admin who sees everything changes them. Courses are scoped to the units that organise them;
enrolments change through the app (the results grid raises and restores cadres' levels), so
admin shows them and edits their note only."""

from django.contrib import admin

from accounts.admin_scope import ScopedAdminMixin
from cadres.admin import HistoryAdmin, SystemWideCatalogueMixin
from common.forms import VersionedAdminMixin

from .models import Course, CourseKind, Enrollment, SkillStandard, TrainingRules


@admin.register(CourseKind)
class CourseKindAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["name", "code", "category", "grants", "grants_level", "language", "order"]
    list_filter = ["category", "grants"]
    search_fields = ["name", "code"]
    filter_horizontal = ["positions"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(SkillStandard)
class SkillStandardAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = [
        "level",
        "position",
        "min_foreign_language_level",
        "min_it_level",
        "is_confirmed",
        "source",
    ]
    list_filter = ["level", "is_confirmed"]
    list_select_related = ["position"]


@admin.register(TrainingRules)
class TrainingRulesAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    """One row: the needs list reads the first. Another cannot be added, nor this one deleted."""

    list_display = ["__str__", "recent_appointment_months", "source"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not TrainingRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["name", "kind", "organiser", "starts_on", "ends_on", "status", "capacity"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "place"]
    list_select_related = ["kind", "organiser"]
    date_hierarchy = "starts_on"
    exclude = ["class_days"]
    filter_horizontal = ["target_positions"]

    def get_queryset(self, request):
        # The courses the admin's units organise, not those they only send learners to.
        return Course.objects.managed_by(request.user).select_related("kind", "organiser")

    def has_delete_permission(self, request, obj=None):
        # A course with learners is a record of their training (and of the levels it raised).
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.enrollments.exists())


@admin.register(Enrollment)
class EnrollmentAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["cadre", "course", "status", "score", "result", "prize", "certificate_number"]
    list_filter = ["status", "course__kind"]
    search_fields = ["cadre__search_text", "course__name", "certificate_number"]
    list_select_related = ["cadre", "course"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Enrollment._meta.fields if f.name not in {"note", "id", "version"}]
