"""The yearly plans and their targets in Django admin, scoped to the admin's subtree like
everything else. The document's text, the steering group and the targets are edited here as in
the app; the collection's steps (sent up, accepted or returned, by whom and when) and the upper
plan a plan answers are the workflow's (``reports.services``): admin shows them and changes
none. A plan sent up or accepted is a record of what the unit sent: it is not deleted."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.admin_scope import ScopedAdminMixin
from cadres.admin import HistoryAdmin, UnitLabelsMixin
from common.forms import VersionedAdminMixin, VersionedFormMixin

from .metrics import CATALOGUE, metric_choices, validate_params
from .models import AnnualPlan, SteeringMember, Target

WORKFLOW_FIELDS = [
    "parent",
    "status",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
    "review_note",
    "created_by",
    "created_at",
    "updated_at",
]
LOCKED_STEERING = "Kế hoạch đã gửi cấp trên (hoặc đã được tiếp nhận) nên không sửa ban chỉ đạo."


class SteeringMemberInline(VersionedAdminMixin, ScopedAdminMixin, admin.TabularInline):
    model = SteeringMember
    fields = ["order", "role", "cadre", "title"]
    autocomplete_fields = ["cadre"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cadre")

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.is_locked)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_locked)


@admin.register(AnnualPlan)
class AnnualPlanAdmin(VersionedAdminMixin, UnitLabelsMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["unit_label", "year", "number", "issued_on", "status", "lower_deadline", "submitted_at"]
    list_filter = ["year", "status"]
    search_fields = ["unit__name", "number", "subject"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = WORKFLOW_FIELDS
    inlines = [SteeringMemberInline]
    fieldsets = [
        (None, {"fields": ["unit", "year", "parent"]}),
        ("Đầu văn bản", {"fields": ["number", "superior", "issuer", "place", "issued_on", "subject"]}),
        (
            "Nội dung",
            {
                "fields": [
                    "basis",
                    "purpose",
                    "targets_intro",
                    "content",
                    "organisation",
                    "steering_duties",
                    "lower_deadline",
                ]
            },
        ),
        ("Nơi nhận, chữ ký", {"fields": ["recipients", "on_behalf", "signer_title", "signer_name"]}),
        (
            "Báo cáo kết quả",
            {"fields": ["report_number", "report_issued_on", "report_assessment", "report_next_steps"]},
        ),
        (
            "Gửi cấp trên",
            {"fields": WORKFLOW_FIELDS[1:7]},
        ),
        ("Theo dõi", {"fields": WORKFLOW_FIELDS[7:]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A plan sent up keeps what the unit sent until the upper unit returns it.
        if obj is not None and obj.is_locked:
            return [field.name for field in AnnualPlan._meta.fields if field.name not in ("id", "version")]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_locked)


class TargetAdminForm(VersionedFormMixin, forms.ModelForm):
    """The metric from the catalogue, its parameters checked as the app's form checks them."""

    metric = forms.ChoiceField(label="Cách tính", choices=metric_choices)
    params = forms.JSONField(
        label="Tham số",
        required=False,
        help_text='Theo cách tính, ví dụ {"positions": ["bi-thu"], "min_education": 4}; để trống: mặc định.',
        error_messages={"invalid": 'Tham số viết theo dạng JSON, ví dụ {"min_level": 3}.'},
    )

    class Meta:
        model = Target
        fields = ["unit", "year", "order", "text", "metric", "params", "comparison", "goal"]

    def clean(self):
        cleaned = super().clean()
        metric = cleaned.get("metric")
        if metric and "params" in cleaned:
            try:
                cleaned["params"] = validate_params(metric, cleaned["params"])
            except ValidationError as error:
                self.add_error("params", error)
        goal = cleaned.get("goal")
        if metric in CATALOGUE and CATALOGUE[metric].is_share and goal is not None and goal > 100:
            self.add_error("goal", "Chỉ tiêu tỷ lệ ghi phần trăm, không quá 100.")
        return cleaned

    def _update_errors(self, errors):
        # Target.clean says again that a metric the field refused is not in the catalogue.
        if "metric" in self.errors and hasattr(errors, "error_dict"):
            errors.error_dict.pop("metric", None)
        super()._update_errors(errors)


@admin.register(Target)
class TargetAdmin(VersionedAdminMixin, UnitLabelsMixin, ScopedAdminMixin, HistoryAdmin):
    form = TargetAdminForm
    list_display = ["short_text", "unit_label", "year", "metric_label", "comparison", "goal", "order"]
    list_filter = ["year", "comparison"]
    search_fields = ["text", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["source"]

    @admin.display(description="Chỉ tiêu", ordering="text")
    def short_text(self, obj: Target) -> str:
        return str(obj)

    @admin.display(description="Cách tính", ordering="metric")
    def metric_label(self, obj: Target) -> str:
        metric = CATALOGUE.get(obj.metric)
        return metric.label if metric else obj.metric


class SteeringMemberAdminForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SteeringMember
        fields = ["plan", "order", "role", "cadre", "title"]

    def clean_plan(self):
        plan = self.cleaned_data["plan"]
        if plan is not None and plan.is_locked:
            raise ValidationError(LOCKED_STEERING)
        return plan


@admin.register(SteeringMember)
class SteeringMemberAdmin(VersionedAdminMixin, ScopedAdminMixin, HistoryAdmin):
    form = SteeringMemberAdminForm
    list_display = ["cadre", "role", "title", "plan", "order"]
    list_filter = ["role", "plan__year"]
    search_fields = ["cadre__search_text", "title", "plan__unit__name"]
    list_select_related = ["cadre", "plan__unit"]
    autocomplete_fields = ["cadre"]

    def get_readonly_fields(self, request, obj=None):
        # The plan is chosen when the member is added; a member moves by being added elsewhere.
        return ["plan"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.plan.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.plan.is_locked)
