"""Planning in Django admin. The catalogues (terms, staffing norms, the rules' numbers, the
structure targets) hold for the whole organisation: every admin reads them and only an admin who
sees everything changes them. Plans, candidates and reviews are scoped like everything else and
change through the app's workflow; admin shows them and edits their free text."""

from django.contrib import admin

from accounts.admin_scope import ScopedAdminMixin
from cadres.admin import HistoryAdmin, SystemWideCatalogueMixin
from common.forms import VersionedAdminMixin
from common.text import fold

from .models import (
    AnnualReview,
    Candidate,
    PlanningRules,
    ReviewProposal,
    SourcePerson,
    StaffingNorm,
    StructureTarget,
    SuccessionPlan,
    Term,
)


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


@admin.register(PlanningRules)
class PlanningRulesAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    """One row: the rules read the first. Another cannot be added, nor this one deleted."""

    list_display = [
        "__str__",
        "max_candidates_per_position",
        "max_positions_per_cadre",
        "min_candidates_per_position",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PlanningRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StructureTarget)
class StructureTargetAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["metric", "min_percent", "source"]


class WorkflowReadOnlyMixin:
    """Plans, candidates and reviews change through the app's workflow (rules checked, the lock
    kept): admin edits only their free text, and adds nothing."""

    editable_fields: tuple[str, ...] = ()

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.editable and f.name not in self.editable_fields]


@admin.register(SuccessionPlan)
class SuccessionPlanAdmin(WorkflowReadOnlyMixin, VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["unit", "term", "status", "decision_number", "decided_on"]
    list_filter = ["status", "term"]
    search_fields = ["unit__name", "decision_number"]
    list_select_related = ["unit", "term"]
    editable_fields = ("note",)

    def has_delete_permission(self, request, obj=None):
        # An approved plan is a record of a decision: only a draft may be deleted.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.is_editable)


@admin.register(Candidate)
class CandidateAdmin(WorkflowReadOnlyMixin, VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["cadre", "position", "plan", "readiness", "added_year", "removed_year", "removal_reason"]
    list_filter = ["readiness", "position", "removal_reason"]
    search_fields = ["cadre__search_text", "plan__unit__name"]
    list_select_related = ["cadre", "position", "plan__unit", "plan__term"]
    editable_fields = ("note",)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.plan.is_editable)


@admin.register(AnnualReview)
class AnnualReviewAdmin(WorkflowReadOnlyMixin, VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["plan", "year", "status", "decision_number", "decided_on"]
    list_filter = ["status", "year"]
    list_select_related = ["plan__unit", "plan__term"]
    editable_fields = ("summary",)

    def has_delete_permission(self, request, obj=None):
        return False  # a review's additions and removals are part of the plan's record


@admin.register(ReviewProposal)
class ReviewProposalAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ["candidate", "review", "reason", "decision"]
    list_filter = ["reason", "decision"]
    list_select_related = ["candidate__cadre", "review"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourcePerson)
class SourcePersonAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["full_name", "birth_date", "category", "unit", "outcome"]
    list_filter = ["category", "outcome"]
    search_fields = ["search_text"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "cadre"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
