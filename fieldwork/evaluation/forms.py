"""The evaluation's forms: the summary's filters, opening a unit's evaluations, a step's points
(one field per criterion of the evaluation's scheme) and the decision of several at once. Units
and evaluations are offered only within the user's scope."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from cadres.forms import UnitChoiceField
from cadres.models import Unit
from common.dates import today
from common.forms import VersionedFormMixin
from common.widgets import DateInput, SearchableSelect, Select

from .models import Criterion, Evaluation, Period, Score, format_points
from .services import Suggestion
from .summary import SummaryFilters

MIN_YEAR, MAX_YEAR = 2000, 2100
FIRST_DECISION = datetime.date(MIN_YEAR, 1, 1)


def year_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label="Năm",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
        **kwargs,
    )


def period_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Kỳ đánh giá", choices=Period.choices, widget=Select(attrs={"class": "form-select"}), **kwargs
    )


class EvaluationFilterForm(forms.Form):
    """The summary's filters (the documents' too). Always bound: the values missing are this
    year, the whole year and the user's own unit; a value in error is the form's message and
    its default applies."""

    year = year_field(required=False)
    # Radio buttons: every period is a different count (there is no "all periods").
    period = forms.ChoiceField(
        label="Kỳ đánh giá", choices=Period.choices, required=False, widget=forms.RadioSelect
    )
    unit = UnitChoiceField(
        label="Đơn vị (gồm đơn vị trực thuộc)",
        queryset=Unit.objects.none(),
        required=False,
        widget=SearchableSelect(),
    )

    def __init__(self, data=None, *, user, **kwargs):
        data = data.copy() if data is not None else {}
        self.own_unit = user.unit if user.unit_id else None
        self.defaults = {"year": today().year, "period": Period.YEAR, "unit": self.own_unit}
        for name in ("year", "period"):
            if not data.get(name):
                data[name] = str(self.defaults[name])
        super().__init__(data, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        # "Tất cả": everything the user sees — their own unit's subtree, or for an administrator
        # of the whole organisation all of it.
        self.fields["unit"].empty_label = "Tất cả"

    def filters(self) -> SummaryFilters:
        self.is_valid()
        data = self.cleaned_data  # the fields without errors
        return SummaryFilters(
            year=data.get("year") or self.defaults["year"],
            period=data.get("period") or self.defaults["period"],
            unit=data.get("unit") or self.defaults["unit"],
        )


class OpenEvaluationsForm(forms.Form):
    unit = UnitChoiceField(
        label="Đơn vị đánh giá",
        queryset=Unit.objects.none(),
        widget=SearchableSelect(),
        help_text="Mở phiếu cho các cán bộ đang công tác của chính đơn vị này (không gồm đơn vị trực thuộc).",
        error_messages={"required": "Chọn đơn vị đánh giá."},
    )
    year = year_field(error_messages={"required": "Nhập năm đánh giá."})
    period = period_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).active()
        self.fields["unit"].empty_label = "— Chọn đơn vị —"


class PointsField(forms.DecimalField):
    """A criterion's points, typed as "8,5" or "8.5", from 0 to the criterion's maximum."""

    def __init__(self, *, max_points: Decimal, **kwargs):
        most = format_points(max_points)
        super().__init__(
            min_value=Decimal(0),
            max_value=max_points,
            max_digits=5,
            decimal_places=2,
            # A text box: a number box refuses the decimal comma people type.
            widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
            error_messages={
                "required": "Nhập điểm của tiêu chí này.",
                "invalid": "Nhập một số, ví dụ 8,5.",
                "min_value": "Điểm không được âm.",
                "max_value": f"Tối đa {most} điểm.",
                "max_decimal_places": "Điểm lấy tối đa 2 chữ số sau dấu phẩy.",
                "max_digits": f"Tối đa {most} điểm.",
                "max_whole_digits": f"Tối đa {most} điểm.",
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


# The column of ``Score`` a step fills, and the step whose points it starts from.
STEP_COLUMNS = {"self": ("self", None), "review": ("review", "self"), "decide": ("final", "review")}
COMMENT_FIELDS = {"self": "self_comment", "review": "review_comment", "decide": "decision_comment"}


class StepForm(VersionedFormMixin, forms.ModelForm):
    """A step's points, one field per criterion (``points_<criterion id>``), and its comment.
    A ModelForm of no model field: the evaluation is bound for the version it was opened at
    (``VersionedFormMixin``); ``services.record_step`` saves the step."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Evaluation
        fields: list[str] = []

    def __init__(
        self,
        *args,
        step: str,
        criteria: list[Criterion],
        scores: dict[int, Score],
        suggestions: dict[int, Suggestion] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.step, self.criteria = step, criteria
        evaluation = self.instance
        own, previous = STEP_COLUMNS[step]
        comment_field = COMMENT_FIELDS[step]
        self.fields["comment"].label = capfirst(Evaluation._meta.get_field(comment_field).verbose_name)
        self.fields["comment"].initial = getattr(evaluation, comment_field)
        suggestions = suggestions or {}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            start = getattr(score, f"{own}_points", None)
            if start is None and previous is not None:
                start = getattr(score, f"{previous}_points", None)
            suggested = suggestions.get(criterion.pk)
            if start is None and suggested is not None:
                start = suggested.points
            field = PointsField(
                max_points=criterion.max_points,
                label=f"{criterion.name} (tối đa {format_points(criterion.max_points)} điểm)",
                initial=format_points(start),
            )
            if suggested is not None:
                field.help_text = f"Gợi ý: {format_points(suggested.points)} điểm – {suggested.explanation}"
            self.fields[self.points_name(criterion)] = field

    @staticmethod
    def points_name(criterion: Criterion) -> str:
        return f"points_{criterion.pk}"

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The points' fields by the criteria's groups, in the scheme's order."""
        grouped: dict[str, list[forms.BoundField]] = {}
        for criterion in self.criteria:
            grouped.setdefault(criterion.group, []).append(self[self.points_name(criterion)])
        return list(grouped.items())

    def points(self) -> dict[int, Decimal]:
        return {criterion.pk: self.cleaned_data[self.points_name(criterion)] for criterion in self.criteria}

    def step_arguments(self) -> dict:
        """``services.record_step``'s keyword arguments from the form."""
        return {"points": self.points(), "comment": self.cleaned_data["comment"].strip()}


class DecisionFields(forms.Form):
    """The decision's own fields, on one evaluation's form and on the bulk form."""

    decision_number = forms.CharField(
        label="Số quyết định",
        max_length=50,
        required=False,
        help_text="Số, ký hiệu của quyết định công nhận kết quả xếp loại, ví dụ 15-QĐ/TĐTN.",
    )
    decision_date = forms.DateField(
        label="Ngày quyết định",
        widget=DateInput,
        initial=today,
        error_messages={"required": "Nhập ngày quyết định.", "invalid": "Ngày theo dạng dd/mm/yyyy."},
    )
    override_reason = forms.CharField(
        label="Lý do vượt tỷ lệ xuất sắc",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Chỉ cần khi quyết định xếp loại xuất sắc vượt tỷ lệ so với số xếp loại tốt của đơn vị: "
            "ghi rõ thành tích, căn cứ."
        ),
    )

    def clean_decision_date(self):
        value = self.cleaned_data["decision_date"]
        latest = today() + datetime.timedelta(days=366)
        if value is not None and not FIRST_DECISION <= value <= latest:
            raise ValidationError(
                f"Ngày quyết định phải trong khoảng {FIRST_DECISION:%d/%m/%Y} – {latest:%d/%m/%Y}."
            )
        return value

    def decision_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "decision_number": data["decision_number"].strip(),
            "decision_date": data["decision_date"],
            "override_reason": data["override_reason"],
        }


class DecisionForm(DecisionFields, StepForm):
    def step_arguments(self) -> dict:
        return {**super().step_arguments(), **self.decision_arguments()}


class BulkDecisionForm(DecisionFields):
    """The decision of a unit's reviewed evaluations at once, each at the collective's points."""

    evaluations = forms.ModelMultipleChoiceField(
        queryset=Evaluation.objects.none(),
        error_messages={"required": "Chọn ít nhất một phiếu để quyết định."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluations"].queryset = Evaluation.objects.visible_to(user)

    @property
    def chosen(self) -> set[str]:
        """The evaluations ticked, to tick them again when the form is shown with its errors."""
        return set(self.data.getlist("evaluations")) if self.is_bound else set()


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: on the field it names (the 20% rule's reason), else
    above the form."""
    if hasattr(error, "error_dict") and all(name in form.fields for name in error.error_dict):
        form.add_error(None, error)
    else:
        for message in error.messages:
            form.add_error(None, message)
