"""The evaluation in Django admin (imported by fieldwork/admin.py, which Django discovers).

The schemes — criteria, their points, the thresholds — hold for the whole organisation: every
admin reads them and only an admin who sees everything changes them, on the scheme's page with
its criteria, whose points must add up to 100. A scheme that has rated someone stays as it was
(a year keeps the scheme it was rated with): the next change is a new scheme from a later year.
Evaluations and their points change through the app's steps (their order, the 20% rule, the lock
once decided); admin shows them, scoped to the rating unit's subtree, and changes nothing."""

from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect

from accounts.admin_scope import ScopedAdminMixin
from cadres.admin import HistoryAdmin, SystemWideCatalogueMixin, UnitLabelsMixin
from common.forms import VersionedAdminMixin

from .models import FULL_MARKS, Criterion, Evaluation, Scheme, Score, format_points

IN_USE = "Bộ tiêu chí đã dùng để đánh giá: muốn thay đổi, hãy tạo bộ tiêu chí mới áp dụng từ năm sau."
DELETE_ON_SCHEME = (
    "Tiêu chí được xoá trên trang bộ tiêu chí, cùng lúc điều chỉnh điểm các tiêu chí còn lại "
    "để tổng điểm tối đa bằng 100."
)


def may_change(request, scheme: Scheme | None) -> bool:
    """Whether the user may change ``scheme`` and its criteria (None: a scheme being added)."""
    return request.user.sees_everything and not (scheme is not None and scheme.in_use)


class CriterionFormSet(BaseInlineFormSet):
    """A scheme's criteria, which add up to 100 points."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each row says what is wrong first
        total = sum(
            (
                form.cleaned_data["max_points"]
                for form in self.forms
                if form.cleaned_data and not self._should_delete_form(form)
            ),
            Decimal(0),
        )
        if total != FULL_MARKS:
            raise ValidationError(f"Tổng điểm tối đa các tiêu chí là {format_points(total)}, phải bằng 100.")


class CriterionInline(VersionedAdminMixin, admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    fields = ["order", "group", "name", "max_points", "kind"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return may_change(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_change(request, obj)


@admin.register(Scheme)
class SchemeAdmin(VersionedAdminMixin, SystemWideCatalogueMixin, HistoryAdmin):
    list_display = ["name", "from_year", "excellent_min", "good_min", "done_min", "excellent_share", "source"]
    search_fields = ["name", "source"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        return may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.in_use:
            self.message_user(request, IN_USE, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Criterion)
class CriterionAdmin(VersionedAdminMixin, HistoryAdmin):
    """A criterion's own page edits its text. Its points, and criteria added or deleted, change
    on its scheme's page, where the total is checked; a criterion goes with its scheme when that
    is deleted."""

    list_display = ["name", "group", "max_points", "kind", "order", "scheme"]
    list_filter = ["scheme", "kind"]
    search_fields = ["name", "group"]
    list_select_related = ["scheme"]
    readonly_fields = ["scheme", "max_points"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return may_change(request, obj and obj.scheme)

    def has_delete_permission(self, request, obj=None):
        return may_change(request, obj and obj.scheme)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.scheme.in_use:
            self.message_user(request, IN_USE, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def delete_view(self, request, object_id, extra_context=None):
        criterion = self.get_object(request, unquote(object_id))
        if criterion is None:
            raise Http404
        if not self.has_delete_permission(request, criterion):
            raise PermissionDenied
        self.message_user(request, DELETE_ON_SCHEME, messages.ERROR)
        return redirect("admin:fieldwork_scheme_change", criterion.scheme_id)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class WorkflowRecordAdmin(ScopedAdminMixin, HistoryAdmin):
    """Rows the evaluation's steps write in the app: shown, scoped, with their history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ["criterion", "self_points", "review_points", "final_points"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(UnitLabelsMixin, WorkflowRecordAdmin):
    list_display = ["cadre", "year", "period", "unit_label", "status", "latest_points", "classification"]
    list_filter = ["year", "period", "status", "classification"]
    search_fields = ["cadre__search_text", "unit__name", "decision_number"]
    list_select_related = ["cadre", "unit"]
    inlines = [ScoreInline]

    @admin.display(description="Điểm")
    def latest_points(self, obj) -> str:
        return format_points(obj.points)


@admin.register(Score)
class ScoreAdmin(WorkflowRecordAdmin):
    list_display = ["evaluation", "criterion", "self_points", "review_points", "final_points"]
    list_filter = ["evaluation__year", "evaluation__period"]
    search_fields = ["evaluation__cadre__search_text", "criterion__name"]
    list_select_related = ["evaluation__cadre", "criterion"]
