"""The training forms. Every choice is limited to the user's scope: a course is organised by a
unit the user manages, learners are cadres of the user's subtree."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

from cadres.forms import UnitChoiceField
from cadres.models import Position, Unit
from common.forms import VersionedFormMixin
from common.widgets import DateInput, SearchableSelect, SearchableSelectMultiple, Select

from .models import FIRST_DATE, LAST_DATE, Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus
from .services import RESULT_FIELDS

MAX_CLASS_DAYS = 400
DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


class ClassDaysField(forms.CharField):
    """Class days typed as dd/mm/yyyy, separated by commas, semicolons or new lines."""

    widget = forms.Textarea(attrs={"rows": 2, "placeholder": "Ví dụ: 06/04/2026, 13/04/2026, 20/04/2026"})

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        if not text:
            return []
        parts = [part for part in re.split(r"[,;\n]+", text) if part.strip()]
        if len(parts) > MAX_CLASS_DAYS:
            raise ValidationError(f"Tối đa {MAX_CLASS_DAYS} ngày học.")
        days = set()
        for part in parts:
            match = DAY.match(part)
            try:
                day = datetime.date(int(match[3]), int(match[2]), int(match[1])) if match else None
            except ValueError:
                day = None
            if day is None:
                raise ValidationError(f"“{part.strip()[:20]}” không phải ngày hợp lệ (dd/mm/yyyy).")
            if not FIRST_DATE <= day <= LAST_DATE:
                raise ValidationError(f"Ngày {day:%d/%m/%Y} nằm ngoài khoảng cho phép.")
            days.add(day)
        return [day.isoformat() for day in sorted(days)]

    def prepare_value(self, value):
        if isinstance(value, list):
            shown = []
            for item in value:
                try:
                    shown.append(datetime.date.fromisoformat(str(item)).strftime("%d/%m/%Y"))
                except ValueError:
                    continue
            return ", ".join(shown)
        return value


class CourseForm(VersionedFormMixin, forms.ModelForm):
    class_days = ClassDaysField(
        label="Các ngày học",
        required=False,
        help_text="Để trống khi học liên tục từ ngày bắt đầu đến ngày kết thúc.",
    )

    class Meta:
        model = Course
        fields = [
            "name",
            "kind",
            "organiser",
            "starts_on",
            "ends_on",
            "class_days",
            "place",
            "capacity",
            "target_positions",
            "status",
            "description",
        ]
        widgets = {
            "kind": Select,
            "organiser": SearchableSelect,
            "starts_on": DateInput,
            "ends_on": DateInput,
            "status": Select,
            "target_positions": SearchableSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisers = Unit.objects.visible_to(user).active().with_parent_name()
        if self.instance.pk:
            organisers = organisers | Unit.objects.filter(pk=self.instance.organiser_id).with_parent_name()
        self.fields["organiser"].queryset = organisers
        self.fields["organiser"].label_from_instance = lambda unit: unit.label
        self.fields["organiser"].empty_label = "— Chọn đơn vị tổ chức —"
        self.fields["kind"].queryset = CourseKind.objects.all()
        self.fields["kind"].empty_label = "— Chọn loại khoá học —"
        self.fields["target_positions"].queryset = Position.objects.all()
        self.fields["target_positions"].required = False

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            taken = self.instance.enrollments.taking_places().count()
            if capacity < taken:
                raise ValidationError(f"Khoá học đã có {taken} học viên: số tối đa không được nhỏ hơn.")
        return capacity


class EnrolForm(forms.Form):
    """Learners chosen by id (the needs list's buttons and checkboxes); the view checks them
    against the user's scope."""

    cadre = forms.TypedMultipleChoiceField(
        label="Cán bộ", coerce=int, error_messages={"required": "Chọn ít nhất một cán bộ."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].valid_value = _is_id

    def clean_cadre(self):
        values = self.cleaned_data["cadre"]
        if len(values) > MAX_ENROL:
            raise ValidationError(f"Mỗi lần ghi danh tối đa {MAX_ENROL} cán bộ.")
        return values


MAX_ENROL = 1000


def _is_id(value) -> bool:
    return str(value).isascii() and str(value).isdigit() and 0 < int(value) < 2**31


class NeedsEnrolForm(EnrolForm):
    course = forms.ModelChoiceField(
        label="Khoá học",
        queryset=Course.objects.none(),
        widget=Select,
        error_messages={
            "required": "Chọn khoá học để ghi danh.",
            "invalid_choice": "Khoá học đã chọn không còn nhận học viên hoặc không thuộc phạm vi của bạn.",
        },
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["course"].empty_label = "— Chọn khoá học —"


class ScoreField(forms.DecimalField):
    """A score typed the Vietnamese way (8,5) or the other (8.5)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def _small(widget_class, **attrs):
    return widget_class(attrs={"class": "form-control form-control-sm", **attrs})


class ResultForm(forms.Form):
    """One learner's row of the results grid. Not a ModelForm: the grid saves through
    ``services.record_results``, which checks each row's ``version`` under a lock and raises or
    restores the cadre's level; ``learner`` is the enrolment the view puts on the row."""

    id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    status = forms.ChoiceField(
        label="Trạng thái",
        choices=EnrollmentStatus.choices,
        widget=Select(attrs={"class": "form-select form-select-sm"}),
    )
    score = ScoreField(
        label="Điểm",
        required=False,
        min_value=0,
        max_value=10,
        max_digits=5,
        decimal_places=2,
        widget=_small(forms.TextInput, inputmode="decimal", size=4),
        error_messages={"invalid": "Điểm phải là số từ 0 đến 10, ví dụ 8,5."},
    )
    result = forms.CharField(label="Xếp loại", max_length=100, required=False, widget=_small(forms.TextInput))
    prize = forms.CharField(label="Giải", max_length=100, required=False, widget=_small(forms.TextInput))
    certificate_number = forms.CharField(
        label="Số chứng chỉ", max_length=50, required=False, widget=_small(forms.TextInput)
    )
    certificate_date = forms.DateField(
        label="Ngày cấp", required=False, widget=DateInput(attrs={"class": "form-control form-control-sm"})
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False, widget=_small(forms.TextInput))

    learner: Enrollment | None = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != EnrollmentStatus.COMPLETED and cleaned.get("certificate_number"):
            self.add_error("certificate_number", "Chỉ học viên hoàn thành mới có số chứng chỉ.")
        day = cleaned.get("certificate_date")
        if day is not None and not FIRST_DATE <= day <= LAST_DATE:
            self.add_error("certificate_date", "Ngày cấp không hợp lệ.")
        return cleaned

    @staticmethod
    def initial_for(enrollment: Enrollment) -> dict:
        return {"id": enrollment.pk, "version": enrollment.version} | {
            name: getattr(enrollment, name) for name in RESULT_FIELDS
        }


# A page of the grid: the course page's learners, fifty at a time.
ResultFormSet = forms.formset_factory(ResultForm, extra=0, max_num=50, validate_max=True)


class CourseFilterForm(forms.Form):
    q = forms.CharField(label="Tìm khoá học", required=False, max_length=100)
    kind = forms.ModelChoiceField(
        label="Loại",
        queryset=CourseKind.objects.all(),
        required=False,
        widget=Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        choices=[("", "Tất cả"), *CourseStatus.choices],
        required=False,
        widget=Select(attrs={"class": "form-select"}),
    )
    year = forms.IntegerField(label="Năm", required=False, min_value=1931, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].empty_label = "Tất cả"


class NeedsFilterForm(forms.Form):
    """The needs list's unit: the roster's searchable select of the units in scope."""

    unit = UnitChoiceField(
        label="Đơn vị (gồm đơn vị trực thuộc)",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Tất cả",
        widget=SearchableSelect(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).active().with_parent_name()
