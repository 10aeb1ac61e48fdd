"""Field work in Django admin. The quota rules and the kinds of activity hold for the whole
organisation: every admin reads them and only an admin who sees everything changes them (a
changed quota re-dates the reports not yet filed). Trips and secondments change through the
app, which checks overlaps and keeps the post held at the grassroots; admin shows them, scoped,
and edits their text only."""

from django.contrib import admin

from accounts.admin_scope import SafeAutocompleteSelect, ScopedAdminMixin
from cadres.admin import HistoryAdmin, SystemWideCatalogueMixin
from common.forms import VersionedAdminMixin

from .evaluation import admin as evaluation_admin  # noqa: F401 (registers the evaluation's admins)
from .models import (
    ActivityKind,
    CalendarFeed,
    FieldTrip,
    Quota,
    Secondment,
    SecondmentYear,
    TripAttachment,
    TripMember,
)
from .services import quota_dates_refresh


@admin.register(ActivityKind)
class ActivityKindAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Quota)
class QuotaAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["__str__", "year", "unit", "level", "position", "min_days", "report_due_days", "source"]
    list_filter = ["year", "level"]
    list_select_related = ["unit", "position"]
    autocomplete_fields = ["unit"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Django's autocomplete widget fails on a posted value that is not an id.
        if db_field.name == "unit":
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # A rule may move deadlines of any year (a rule of every year, or one whose year changed):
    # the reports not yet filed are re-dated after each change.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        quota_dates_refresh(year=None)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        quota_dates_refresh(year=None)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        quota_dates_refresh(year=None)


TEXT_FIELDS = {
    "id",
    "version",
    "topic",
    "plan",
    "results",
    "difficulties",
    "proposals",
    "tasks",
    "decision_number",
}


class TextOnlyAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    """Records whose dates, people and units change in the app only (its checks and the
    appointments they keep); admin edits their text."""

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        names = [field.name for field in self.model._meta.fields if field.name not in TEXT_FIELDS]
        return names + [field.name for field in self.model._meta.many_to_many]


@admin.register(FieldTrip)
class FieldTripAdmin(TextOnlyAdmin):
    list_display = ["__str__", "organiser", "host", "starts_on", "ends_on", "status", "report_due_on"]
    list_filter = ["status"]
    search_fields = ["topic", "host__name"]
    list_select_related = ["organiser", "host"]
    date_hierarchy = "starts_on"


@admin.register(Secondment)
class SecondmentAdmin(TextOnlyAdmin):
    list_display = ["cadre", "host", "position", "starts_on", "ends_on", "finished"]
    list_filter = ["finished"]
    search_fields = ["cadre__search_text", "host__name", "decision_number"]
    list_select_related = ["cadre", "host", "position"]
    date_hierarchy = "starts_on"

    def has_delete_permission(self, request, obj=None):
        # Deleted in the app, with the post it created in the host unit.
        return False


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows the app writes (a cadre's days on a trip, a report's files, the days a secondment
    counts each year, a user's calendar address): admin shows them, scoped, and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TripMember)
class TripMemberAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    """A cadre's days on a trip: the days are corrected here or on the trip's page."""

    list_display = ["cadre", "trip", "days"]
    list_select_related = ["cadre", "trip__host"]
    search_fields = ["cadre__search_text"]
    readonly_fields = ["trip", "cadre"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TripAttachment)
class TripAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "trip", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["trip__host", "uploaded_by"]
    exclude = ["file"]  # downloaded from the trip's page, where its scope is checked


@admin.register(SecondmentYear)
class SecondmentYearAdmin(ReadOnlyAdmin):
    list_display = ["secondment", "year", "days"]
    list_select_related = ["secondment__cadre", "secondment__host"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["user", "cadre", "created_at"]
    list_select_related = ["user", "cadre"]
    exclude = ["token"]  # the secret of the user's address
