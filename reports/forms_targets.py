"""The targets' forms: the list's filters (a year, a unit of the user's scope) and a target's
form, whose metric parameters are fields of their own, grouped by metric
(``<metric key>__<param name>``): without JavaScript every metric's parameters show and only
the chosen metric's are read; static/js/target-form.js shows only those of the chosen one."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from cadres.forms import UnitChoiceField
from common.dates import today
from common.forms import VersionedFormMixin
from common.widgets import SearchableSelect, SearchableSelectMultiple, Select
from units.models import Unit

from .metrics import CATALOGUE, Metric, Param, metric_choices, validate_params
from .metrics.catalogue import METRICS
from .metrics.params import (
    CATEGORIES,
    EDUCATION,
    EMPLOYMENT,
    INT,
    LANGUAGE_LEVEL,
    UNIT_LEVELS,
    choices,
)
from .models import Target

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_SHARE = Decimal(100)
# Short lists are checkboxes; long ones a searchable multiple select.
CHECKBOX_KINDS = (CATEGORIES, EMPLOYMENT, UNIT_LEVELS)


def param_field_name(metric: Metric, param: Param) -> str:
    return f"{metric.key}__{param.name}"


class DecimalCommaField(forms.DecimalField):
    """A number typed "85,5" or "85.5"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


# --- The list's filters ------------------------------------------------------------------------


class TargetFilterForm(forms.Form):
    """Always bound: a missing or bad value takes its default (this year, the user's unit) and
    a bad one is the form's message. A unit outside the scope is not a choice (the view answers
    404 for an id it cannot see)."""

    year = forms.IntegerField(
        label="Năm",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Ghi năm bằng số, ví dụ 2026.",
            "min_value": "Năm phải từ 2000 đến 2100.",
            "max_value": "Năm phải từ 2000 đến 2100.",
        },
    )
    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        widget=SearchableSelect(),
        error_messages={"invalid_choice": "Chọn một đơn vị trong danh sách."},
    )

    def __init__(self, data=None, *, user, **kwargs):
        current = today().year
        data = data.copy() if data is not None else {}
        if not data.get("year"):
            data["year"] = str(current)  # the year shown is the year counted
        super().__init__(data, **kwargs)
        units = Unit.objects.visible_to(user)
        self.fields["unit"].queryset = units
        # "Tất cả": the whole of the user's scope, i.e. their own unit's targets and figures.
        self.fields["unit"].empty_label = "Tất cả"
        self.default_year = current
        self.default_unit = user.unit if user.unit_id else units.filter(depth=1).first()

    def filters(self) -> tuple[Unit | None, int]:
        self.is_valid()
        data = self.cleaned_data
        return data.get("unit") or self.default_unit, data.get("year") or self.default_year

    @property
    def messages(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors
        ]


# --- A target ---------------------------------------------------------------------------------


def _param_field(param: Param, initial) -> forms.Field:
    common = {"label": param.label, "required": False, "help_text": param.help, "initial": initial}
    if param.is_list:
        widget = (
            forms.CheckboxSelectMultiple()
            if param.kind in CHECKBOX_KINDS
            else SearchableSelectMultiple(attrs={"class": "form-select"})
        )
        return forms.MultipleChoiceField(
            choices=choices(param.kind),
            widget=widget,
            error_messages={"invalid_choice": "“%(value)s” không có trong danh sách."},
            **common,
        )
    if param.kind in (EDUCATION, LANGUAGE_LEVEL):
        return forms.TypedChoiceField(
            coerce=int,
            choices=[(str(value), label) for value, label in choices(param.kind)],
            widget=Select(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": "Chọn một mức trong danh sách."},
            **{**common, "initial": str(initial) if initial is not None else None},
        )
    assert param.kind == INT, param.kind
    return forms.IntegerField(
        min_value=param.minimum,
        max_value=param.maximum,
        widget=forms.NumberInput(attrs={"min": param.minimum, "max": param.maximum, "class": "form-control"}),
        error_messages={
            "invalid": "Nhập một số nguyên.",
            "min_value": "Phải từ %(limit_value)s trở lên.",
            "max_value": "Không được quá %(limit_value)s.",
        },
        **common,
    )


class TargetForm(VersionedFormMixin, forms.ModelForm):
    """A target of ``unit`` for ``year`` (given by the view, not edited here)."""

    metric = forms.ChoiceField(
        label="Cách tính số liệu thực tế",
        error_messages={
            "required": "Chọn cách tính số liệu thực tế.",
            "invalid_choice": "Cách tính này không có trong danh mục.",
        },
        widget=Select(attrs={"class": "form-select", "data-target-metric": ""}),
    )
    text = forms.CharField(
        label="Chỉ tiêu (câu ghi trong kế hoạch)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ví dụ: 100% Bí thư Đoàn xã, phường đạt trình độ đại học trở lên.",
        error_messages={
            "required": "Nhập câu chỉ tiêu như ghi trong kế hoạch.",
            "max_length": "Câu chỉ tiêu dài quá %(limit_value)d ký tự (đang có %(show_value)d).",
        },
    )
    order = forms.IntegerField(
        label="Thứ tự",
        min_value=1,
        max_value=999,
        help_text="Thứ tự của chỉ tiêu trong mục II của kế hoạch.",
        widget=forms.NumberInput(attrs={"min": 1, "max": 999}),
        error_messages={
            "required": "Nhập thứ tự.",
            "invalid": "Thứ tự là một số nguyên.",
            "min_value": "Thứ tự phải từ 1 trở lên.",
            "max_value": "Thứ tự không quá 999.",
        },
    )
    goal = DecimalCommaField(
        label="Mục tiêu",
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="Tỷ lệ thì ghi phần trăm (100 là 100%); số lượng thì ghi số người (hoặc số chức danh).",
        error_messages={
            "required": "Nhập mục tiêu.",
            "invalid": "Nhập một số, ví dụ 100 hoặc 85,5.",
            "min_value": "Mục tiêu không được âm.",
            "max_digits": "Mục tiêu quá lớn.",
            "max_whole_digits": "Mục tiêu quá lớn.",
            "max_decimal_places": "Mục tiêu lấy tối đa 2 chữ số sau dấu phẩy.",
        },
    )

    class Meta:
        model = Target
        fields = ["order", "text", "metric", "comparison", "goal"]
        widgets = {"comparison": Select(attrs={"class": "form-select"})}
        error_messages = {
            "comparison": {"invalid_choice": "Chọn “Đạt ít nhất” hoặc “Không vượt quá”."},
        }

    def __init__(self, *args, unit: Unit, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit, self.instance.year = unit, year
        self.fields["metric"].choices = [("", "— Chọn cách tính —"), *metric_choices()]
        if self.instance.pk is None and not self.is_bound:
            taken = Target.objects.filter(unit=unit, year=year).count()
            self.initial.setdefault("order", taken + 1)
        self.param_names: dict[str, tuple[Metric, Param]] = {}
        for metric in METRICS:
            stored = self.instance.params if self.instance.metric == metric.key else {}
            stored = stored if isinstance(stored, dict) else {}
            for param in metric.params:
                name = param_field_name(metric, param)
                self.fields[name] = _param_field(param, stored.get(param.name, param.default))
                self.param_names[name] = (metric, param)

    def groups(self) -> list[dict]:
        """Each metric with its description and its parameters' bound fields, for the template."""
        return [
            {
                "metric": metric,
                "fields": [self[param_field_name(metric, param)] for param in metric.params],
                "chosen": self["metric"].value() == metric.key,
            }
            for metric in METRICS
        ]

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("metric")
        # Only the chosen metric's parameters are read: the others' mistakes do not matter.
        for name, (metric, _param) in self.param_names.items():
            if metric.key != key:
                self._errors.pop(name, None)
        metric = CATALOGUE.get(key)
        if metric is None:
            return cleaned
        if any(param_field_name(metric, param) in self._errors for param in metric.params):
            return cleaned
        params = {}
        for param in metric.params:
            value = cleaned.get(param_field_name(metric, param))
            params[param.name] = list(value or []) if param.is_list else value
        try:
            self.instance.params = validate_params(metric.key, params)
        except ValidationError as error:
            by_label = {param.label: param_field_name(metric, param) for param in metric.params}
            for message in error.messages:
                label, _, rest = message.partition(": ")
                if label in by_label and rest:
                    self.add_error(by_label[label], rest[0].upper() + rest[1:])
                else:
                    self.add_error(None, message)
        goal = cleaned.get("goal")
        if metric.is_share and goal is not None and goal > MAX_SHARE:
            self.add_error("goal", "Chỉ tiêu tỷ lệ: mục tiêu không quá 100 (%).")
        return cleaned

    def metric_error_fields(self) -> list:
        return [self[name] for name in self.param_names if self[name].errors]
