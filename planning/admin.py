"""The planning catalogues in Django admin: terms and staffing norms hold for the whole
organisation, so every admin reads them and only an admin who sees everything changes them."""

from django.contrib import admin

from cadres.admin import HistoryAdmin, SystemWideCatalogueMixin
from common.forms import VersionedAdminMixin

from .models import StaffingNorm, Term


@admin.register(Term)
class TermAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["name", "start_year", "end_year", "years", "note"]
    search_fields = ["name", "note"]

    @admin.display(description="số năm")
    def years(self, term: Term) -> int:
        return term.years


@admin.register(StaffingNorm)
class StaffingNormAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["unit_kind", "position", "count", "source"]
    list_filter = ["unit_kind", "position"]
    search_fields = ["position__name", "source"]
    list_select_related = ["position"]
