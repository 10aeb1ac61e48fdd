"""The year-end results report's own parts of a plan: its number, date, general assessment and
next year's direction (the targets' figures and the year's figures are computed)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.forms import VersionedFormMixin
from common.widgets import DateInput

from .models import AnnualPlan

MARKUP_HELP = (
    "Mỗi đoạn cách nhau một dòng trống. Dòng bắt đầu bằng “1.”, “1.1.”, “a)” là đề mục; “- ” là "
    "gạch đầu dòng, “+ ” là ý nhỏ; **chữ đậm**, *chữ nghiêng*."
)


class ReportForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = ["report_number", "report_issued_on", "report_assessment", "report_next_steps"]
        widgets = {
            "report_issued_on": DateInput,
            "report_assessment": forms.Textarea(attrs={"rows": 10}),
            "report_next_steps": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "report_number": "Ví dụ: 95-BC/TĐTN-BTC. Để trống khi còn dự thảo.",
            "report_issued_on": "Ngày/tháng/năm, trong năm của kế hoạch hoặc năm sau.",
            "report_assessment": MARKUP_HELP,
            "report_next_steps": MARKUP_HELP,
        }

    def _update_errors(self, errors: ValidationError) -> None:
        """The plan's own rules (``AnnualPlan.clean``) about a part this form does not edit — a
        plan dated outside its year — become the form's message instead of an error Django
        cannot place."""
        if hasattr(errors, "error_dict"):
            placed = {}
            for field, messages in errors.error_dict.items():
                key = field if field in self.fields or field == NON_FIELD_ERRORS else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(messages)
            errors = ValidationError(placed)
        super()._update_errors(errors)
