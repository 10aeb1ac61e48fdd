import copy
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from common.dates import today
from common.forms import VersionedFormMixin
from common.text import ascii_digits, phone_text
from common.widgets import DateInput, SearchableSelect

from .dates import date_problems
from .models import (
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Commendation,
    Discipline,
    Position,
    Unit,
    unit_label,
)


class _UnitChoices(ModelChoiceIterator):
    """The options read as three columns per unit, not as a model instance each: a province's
    few hundred units were a tenth of the roster list's time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, parent_name, code in self.queryset.values_list("pk", "name", "parent_name", "code"):
            label = unit_label(name, parent_name)
            yield ModelChoiceIteratorValue(pk, None), f"{label} ({code})" if self.field.show_code else label


class UnitLabelMixin:
    """Units offered with their parent's name ("Chi đoàn thôn 1 – Đoàn xã Ia Hrú"), so
    look-alike names can be told apart and the searchable picker matches on both.
    ``show_code`` adds the unit's code, for pickers where a mistake is costly (merges)."""

    iterator = _UnitChoices

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


class CadreForm(VersionedFormMixin, forms.ModelForm):
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
        if not user.can_see_sensitive:
            for name in Cadre.SENSITIVE_FIELDS:
                self.fields.pop(name, None)

    # Normalised here so that uniqueness is checked on the stored form; what the digits may be
    # is the model's rule (Cadre.identifier_problems).
    def clean_national_id(self):
        return ascii_digits(self.cleaned_data["national_id"])

    def clean_phone(self):
        return phone_text(self.cleaned_data["phone"])


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
        if cleaned.get("position") and cleaned.get("started_on"):
            # The first post follows the rules of every post (Appointment.clean).
            first_post = Appointment(started_on=cleaned["started_on"])
            problems = date_problems(first_post, today=today(), birth=cleaned.get("birth_date"))
            if "started_on" in problems:
                self.add_error("started_on", problems["started_on"])
        return cleaned


class AppointmentForm(VersionedFormMixin, forms.ModelForm):
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

    # The dates' rules are Appointment.clean's, run by the model validation of this form.


class AppointmentCloseForm(forms.Form):
    ended_on = forms.DateField(label="Kết thúc ngày", widget=DateInput())

    def __init__(self, *args, appointment: Appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        closed = copy.copy(self.appointment)
        closed.ended_on = ended_on
        # The post's other dates too: closing saves the whole record (Appointment.clean).
        if problems := closed.date_problems(today()):
            raise ValidationError(problems.get("ended_on") or next(iter(problems.values())))
        return ended_on


class CommendationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Commendation
        fields = ["awarded_on", "form", "issuer", "decision_number", "content"]
        widgets = {"awarded_on": DateInput(), "content": forms.Textarea(attrs={"rows": 2})}


class DisciplineForm(VersionedFormMixin, forms.ModelForm):
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
        leaving = copy.copy(self.cadre)
        leaving.left_on = left_on
        if problem := leaving.date_problems(today()).get("left_on"):
            raise ValidationError(problem)
        return left_on
