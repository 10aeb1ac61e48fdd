"""The yearly plans' forms: the list's filters, starting a plan, the document's fields, the
steering group's lines, and the upper unit's review. Units and cadres are offered only within
the user's scope (and the plan's unit)."""

from django import forms

from cadres.forms import UnitChoiceField
from cadres.models import Cadre, CadreStatus, Unit
from common.dates import today
from common.forms import VersionedFormMixin
from common.widgets import DateInput, SearchableSelect, Select
from units.scope import subtree_condition

from .models import AnnualPlan, SteeringRole
from .services import upper_request

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_ID = 2**31 - 1
DATE_ERRORS = {"invalid": "Ngày theo dạng dd/mm/yyyy, ví dụ 15/01/2026."}
MARKUP_HELP = (
    "Mỗi dòng bắt đầu bằng “1.”, “1.1.” hoặc “a)” là một đề mục; “- ” là một ý, “+ ” là ý nhỏ; "
    "**chữ đậm**, *chữ nghiêng*; để một dòng trống giữa hai đoạn."
)


def year_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label="Năm",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        widget=forms.NumberInput(attrs={"min": MIN_YEAR, "max": MAX_YEAR}),
        error_messages={
            "required": "Nhập năm của kế hoạch.",
            "invalid": "Năm là một số, ví dụ 2026.",
            "min_value": f"Năm từ {MIN_YEAR} đến {MAX_YEAR}.",
            "max_value": f"Năm từ {MIN_YEAR} đến {MAX_YEAR}.",
        },
        **kwargs,
    )


def default_year() -> int:
    """Plans are written late in the year before: from October on, next year's."""
    now = today()
    return now.year + 1 if now.month > 9 else now.year


class PlanFilterForm(forms.Form):
    """The list's filters. A value in error is the form's message and is ignored."""

    year = forms.TypedChoiceField(
        label="Năm",
        coerce=int,
        required=False,
        empty_value=None,
        widget=Select(attrs={"class": "form-select"}),
    )
    unit = UnitChoiceField(
        label="Đơn vị (gồm đơn vị trực thuộc)",
        queryset=Unit.objects.none(),
        required=False,
        widget=SearchableSelect(),
    )

    def __init__(self, data=None, *, user, years: list[int], **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields["year"].choices = [("", "Tất cả"), *[(year, str(year)) for year in years]]
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        self.fields["unit"].empty_label = "Tất cả"

    def filters(self) -> dict:
        self.is_valid()
        return {"year": self.cleaned_data.get("year"), "unit": self.cleaned_data.get("unit")}


START_BLANK, START_COPY, START_ANSWER = "blank", "copy", "answer"
START_CHOICES = [
    (START_BLANK, "Soạn mới"),
    (START_COPY, "Sao chép từ kế hoạch năm trước"),
    (START_ANSWER, "Theo kế hoạch cấp trên"),
]


class PlanCreateForm(forms.Form):
    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        widget=SearchableSelect(),
        error_messages={
            "required": "Chọn đơn vị của kế hoạch.",
            "invalid_choice": "Đơn vị đã chọn không có trong phạm vi của bạn.",
        },
    )
    year = year_field()
    start = forms.ChoiceField(
        label="Bắt đầu từ",
        choices=START_CHOICES,
        initial=START_BLANK,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Chọn cách bắt đầu kế hoạch.",
            "invalid_choice": "Chọn cách bắt đầu kế hoạch.",
        },
    )

    existing: AnnualPlan | None = None
    request_plan: AnnualPlan | None = None

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).active()
        self.fields["unit"].empty_label = "— Chọn đơn vị —"

    def clean(self):
        cleaned = super().clean()
        unit, year, start = cleaned.get("unit"), cleaned.get("year"), cleaned.get("start")
        if unit is None or year is None:
            return cleaned
        self.existing = AnnualPlan.objects.filter(unit=unit, year=year).first()
        if self.existing is not None:
            self.add_error("year", f"{unit.name} đã có kế hoạch công tác cán bộ năm {year}.")
            return cleaned
        if start == START_COPY and not AnnualPlan.objects.filter(unit=unit, year=year - 1).exists():
            self.add_error("start", f"{unit.name} chưa có kế hoạch năm {year - 1} để sao chép.")
        if start == START_ANSWER:
            self.request_plan = upper_request(unit, year)
            if self.request_plan is None:
                self.add_error(
                    "start", f"Cấp trên của {unit.name} chưa yêu cầu gửi kế hoạch công tác cán bộ năm {year}."
                )
        return cleaned


class PlanForm(VersionedFormMixin, forms.ModelForm):
    """Every part of the document; the year and unit are the plan's identity and stay."""

    FIELDSETS = [
        ("Đầu văn bản", ["number", "issued_on", "superior", "issuer", "place", "subject"]),
        ("Nội dung", ["basis", "purpose", "targets_intro", "content"]),
        ("Tổ chức thực hiện", ["organisation", "steering_duties", "lower_deadline"]),
        ("Nơi nhận và chữ ký", ["recipients", "on_behalf", "signer_title", "signer_name"]),
    ]
    MARKUP_FIELDS = ("purpose", "targets_intro", "content", "organisation", "steering_duties")

    class Meta:
        model = AnnualPlan
        fields = [
            "number",
            "issued_on",
            "superior",
            "issuer",
            "place",
            "subject",
            "basis",
            "purpose",
            "targets_intro",
            "content",
            "organisation",
            "steering_duties",
            "lower_deadline",
            "recipients",
            "on_behalf",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "issued_on": DateInput,
            "lower_deadline": DateInput,
            "basis": forms.Textarea(attrs={"rows": 3}),
            "purpose": forms.Textarea(attrs={"rows": 8}),
            "targets_intro": forms.Textarea(attrs={"rows": 2}),
            "content": forms.Textarea(attrs={"rows": 14}),
            "organisation": forms.Textarea(attrs={"rows": 8}),
            "steering_duties": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "issued_on": DATE_ERRORS,
            "lower_deadline": DATE_ERRORS,
            "issuer": {"required": "Nhập tên cơ quan ban hành, ví dụ BCH ĐOÀN TỈNH GIA LAI."},
            "place": {"required": "Nhập địa danh ghi ở dòng ngày tháng, ví dụ Gia Lai."},
            "subject": {"required": "Nhập trích yếu của kế hoạch."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.MARKUP_FIELDS:
            field = self.fields[name]
            field.help_text = f"{field.help_text} {MARKUP_HELP}".strip()
        self.fields["steering_duties"].help_text = (
            "In sau danh sách ban chỉ đạo ở phần IV. " + self.fields["steering_duties"].help_text
        )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]


# --- The steering group -------------------------------------------------------------------------


def steering_choices(plan: AnnualPlan, keep: set[int] = frozenset()) -> list[tuple[int, str]]:
    """The cadres a steering group is picked from: those working in the plan's unit and in the
    units directly below it (their leaders sit in it), and the members already in it. The whole
    subtree of a province would be a select of a hundred thousand names."""
    unit = plan.unit
    near = Cadre.objects.filter(
        subtree_condition("unit_path", unit.path),
        status=CadreStatus.ACTIVE,
        unit__depth__lte=unit.depth + 1,
    )
    cadres = near | Cadre.objects.filter(pk__in=list(keep)) if keep else near
    rows = cadres.order_by("unit_path", "position_order", "full_name", "pk").values_list(
        "pk", "full_name", "position__name", "unit__name"
    )
    return [
        (pk, f"{name} – {position}, {unit_name}" if position else f"{name} – {unit_name}")
        for pk, name, position, unit_name in rows
    ]


class SteeringRowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_ID)
    cadre = forms.TypedChoiceField(
        label="Cán bộ",
        coerce=int,
        required=False,
        empty_value=None,
        widget=SearchableSelect(),
        error_messages={
            "invalid_choice": "Cán bộ đã chọn không thuộc đơn vị của kế hoạch hoặc đã thôi công tác."
        },
    )
    role = forms.ChoiceField(
        label="Vai trò",
        choices=SteeringRole.choices,
        initial=SteeringRole.MEMBER,
        widget=Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label="Chức vụ ghi trong kế hoạch",
        max_length=200,
        required=False,
        error_messages={"max_length": "Chức vụ tối đa 200 ký tự."},
    )
    order = forms.IntegerField(
        label="Thứ tự",
        min_value=0,
        max_value=999,
        initial=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 999}),
        error_messages={
            "required": "Nhập thứ tự (số nhỏ đứng trước).",
            "invalid": "Thứ tự là một số.",
            "min_value": "Thứ tự từ 0 đến 999.",
            "max_value": "Thứ tự từ 0 đến 999.",
        },
    )

    def __init__(self, *args, cadre_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [("", "— Chọn cán bộ —"), *cadre_choices]

    def clean(self):
        cleaned = super().clean()
        deleting = cleaned.get("DELETE")
        if not deleting and cleaned.get("cadre") is None and "cadre" not in self.errors:
            if cleaned.get("id"):
                self.add_error("cadre", "Chọn cán bộ, hoặc đánh dấu Xoá để bỏ dòng này.")
            elif self.has_changed():
                self.add_error("cadre", "Chọn cán bộ cho dòng này.")
        return cleaned


SteeringFormSet = forms.formset_factory(
    SteeringRowForm, extra=3, can_delete=True, max_num=40, absolute_max=40, validate_max=True
)
STEERING_MORE = 3


# --- The collection -----------------------------------------------------------------------------


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_ID)


ACCEPT, RETURN = "accept", "return"


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(ACCEPT, "Tiếp nhận"), (RETURN, "Trả lại")],
        error_messages={
            "required": "Chọn tiếp nhận hoặc trả lại.",
            "invalid_choice": "Chọn tiếp nhận hoặc trả lại.",
        },
    )
    note = forms.CharField(
        label="Ý kiến của cấp trên",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bắt buộc khi trả lại: ghi rõ đơn vị cần sửa gì.",
        error_messages={"max_length": "Ý kiến tối đa 2.000 ký tự."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == RETURN and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Ghi ý kiến khi trả lại kế hoạch: đơn vị cần biết phải sửa gì.")
        return cleaned
