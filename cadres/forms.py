import datetime

from django import forms
from django.core.exceptions import ValidationError

from common.widgets import DateInput, SearchableSelect

from .models import (
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Commendation,
    Discipline,
    Position,
    Unit,
)


class UnitLabelMixin:
    """Units offered with their parent's name ("Chi đoàn thôn 1 – Đoàn xã Ia Hrú"), so
    look-alike names can be told apart and the searchable picker matches on both.
    ``show_code`` adds the unit's code, for pickers where a mistake is costly (merges)."""

    def __init__(self, *args, show_code: bool = False, **kwargs):
        self.show_code = show_code
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset.with_parent_name() if queryset is not None else None)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.label} ({unit.code})" if self.show_code else unit.label


class UnitChoiceField(UnitLabelMixin, forms.ModelChoiceField):
    pass


class UnitMultipleChoiceField(UnitLabelMixin, forms.ModelMultipleChoiceField):
    pass


def _searchable(queryset, **kwargs) -> forms.ModelChoiceField:
    kwargs.setdefault("empty_label", "— Chọn —")
    field_class = UnitChoiceField if queryset.model is Unit else forms.ModelChoiceField
    return field_class(queryset=queryset, widget=SearchableSelect(), **kwargs)


class CadreForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cadre
        fields = [
            "full_name",
            "other_name",
            "gender",
            "birth_date",
            "birth_place",
            "hometown",
            "ethnicity",
            "religion",
            "national_id",
            "phone",
            "email",
            "address",
            "employment",
            "is_school_staff",
            "youth_union_joined_on",
            "party_joined_on",
            "party_official_on",
            "general_education",
            "education",
            "major",
            "political_theory",
            "state_management",
            "foreign_language",
            "foreign_language_level",
            "it_level",
        ]
        widgets = {
            "birth_date": DateInput(),
            "youth_union_joined_on": DateInput(),
            "party_joined_on": DateInput(),
            "party_official_on": DateInput(),
            "ethnicity": SearchableSelect(),
            "national_id": forms.TextInput(
                attrs={"inputmode": "numeric", "maxlength": 12, "pattern": r"\d{12}"}
            ),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if not user.can_see_sensitive:
            for name in Cadre.SENSITIVE_FIELDS:
                self.fields.pop(name, None)


class CadreCreateForm(CadreForm):
    """A new cadre comes with their first post, so unit and position start consistent."""

    unit = _searchable(Unit.objects.none(), label="Đơn vị")
    position = _searchable(
        Position.objects.all(),
        label="Chức vụ",
        required=False,
        help_text="Để trống nếu chưa giữ chức vụ nào.",
    )
    started_on = forms.DateField(label="Giữ chức vụ từ ngày", widget=DateInput(), required=False)
    appointment_kind = forms.ChoiceField(
        label="Hình thức", choices=AppointmentKind.choices, initial=AppointmentKind.ELECTED
    )
    decision_number = forms.CharField(label="Số quyết định", max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).active()
        if user.unit_id:
            self.fields["unit"].initial = user.unit_id

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("position") and not cleaned.get("started_on"):
            self.add_error("started_on", "Nhập ngày bắt đầu giữ chức vụ.")
        return cleaned


class AppointmentForm(forms.ModelForm):
    unit = _searchable(Unit.objects.none(), label="Đơn vị")
    position = _searchable(Position.objects.all(), label="Chức vụ")
    close_current = forms.BooleanField(
        label="Kết thúc các chức vụ chính đang giữ (điều động, luân chuyển, đề bạt)",
        required=False,
        initial=True,
    )

    class Meta:
        model = Appointment
        fields = ["unit", "position", "kind", "started_on", "ended_on", "decision_number", "note"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user).active()
        if self.instance.pk:
            # Correcting a recorded post: it may be in a unit dissolved since; nothing else closes.
            units = units | Unit.objects.visible_to(user).filter(pk=self.instance.unit_id)
            del self.fields["close_current"]
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "Ngày kết thúc không thể trước ngày bắt đầu.")
        if started and started > datetime.date.today() + datetime.timedelta(days=366):
            self.add_error("started_on", "Ngày bắt đầu quá xa trong tương lai.")
        return cleaned


class AppointmentCloseForm(forms.Form):
    ended_on = forms.DateField(label="Kết thúc ngày", widget=DateInput())

    def __init__(self, *args, appointment: Appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.appointment.started_on:
            raise ValidationError(
                f"Ngày kết thúc không thể trước ngày bắt đầu ({self.appointment.started_on:%d/%m/%Y})."
            )
        return ended_on


class CommendationForm(forms.ModelForm):
    class Meta:
        model = Commendation
        fields = ["awarded_on", "form", "issuer", "decision_number", "content"]
        widgets = {"awarded_on": DateInput(), "content": forms.Textarea(attrs={"rows": 2})}


class DisciplineForm(forms.ModelForm):
    class Meta:
        model = Discipline
        fields = ["decided_on", "form", "issuer", "decision_number", "reason"]
        widgets = {"decided_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 2})}


class ArchiveForm(forms.Form):
    status = forms.ChoiceField(
        label="Hình thức",
        choices=[(value, label) for value, label in CadreStatus.choices if value != CadreStatus.ACTIVE],
    )
    left_on = forms.DateField(label="Từ ngày", widget=DateInput(), initial=datetime.date.today)
    reason = forms.CharField(label="Lý do, số quyết định", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cadre: Cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadre = cadre

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on > datetime.date.today():
            raise ValidationError("Ngày thôi công tác không thể ở tương lai.")
        if left_on < self.cadre.birth_date:
            raise ValidationError("Ngày thôi công tác không thể trước ngày sinh.")
        return left_on
