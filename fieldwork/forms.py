"""The field-work forms. Every choice is limited to the user's scope: a trip is organised by a unit
the user manages and goes to a unit below it; its cadres are cadres of the user's subtree."""

import datetime
import os
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from cadres.forms import UnitChoiceField
from cadres.models import Cadre, CadreStatus, Position, Unit, UnitLevel
from common.dates import today
from common.forms import VersionedFormMixin
from common.widgets import DateInput, SearchableSelect, SearchableSelectMultiple, Select

from .models import MAX_TRIP_DAYS, ActivityKind, FieldTrip, Secondment, TripStatus
from .services import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, QuotaBook

HALF = Decimal("0.5")


def traveller_choices(user, *, keep=()) -> "Cadre.objects":
    """The cadres a user may send to the grassroots: the active cadres of their subtree who are
    subject to the "1+2" quota or belong to the user's own unit (a commune's own cadres visit its
    chi đoàn), and ``keep`` (those already chosen). The roster's hundred thousand would make an
    unusable select; the cadres who travel are the offices' few hundred."""
    year = today().year
    wanted = QuotaBook(year).subject_condition()
    if user.unit_id:
        wanted |= Q(unit_id=user.unit_id)
    cadres = Cadre.objects.visible_to(user).filter(status=CadreStatus.ACTIVE).filter(wanted)
    if keep:
        cadres = cadres | Cadre.objects.visible_to(user).filter(pk__in=list(keep))
    return cadres.select_related("unit").order_by("search_text", "pk")


def cadre_label(cadre: Cadre) -> str:
    return (
        f"{cadre.full_name} – {cadre.unit.short_name or cadre.unit.name}"
        if cadre.unit_id
        else cadre.full_name
    )


class CadreChoice(forms.ModelChoiceField):
    def label_from_instance(self, cadre: Cadre) -> str:
        return cadre_label(cadre)


class CadreChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, cadre: Cadre) -> str:
        return cadre_label(cadre)


class DaysField(forms.DecimalField):
    """Days typed as "2,5" or "2.5", by halves."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(MAX_TRIP_DAYS))
        # A text box: a number box refuses the decimal comma people type ("2,5").
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "ví dụ 2,5"})
        )
        super().__init__(max_digits=4, decimal_places=1, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        # A number past the field's digits (1e400) is its validators' error; the remainder of
        # one would raise.
        if value is not None and abs(value) <= MAX_TRIP_DAYS and value % HALF:
            raise ValidationError("Số ngày tính theo nửa ngày: ví dụ 3 hoặc 2,5.")


class TripForm(VersionedFormMixin, forms.ModelForm):
    cadres = CadreChoices(
        label="Cán bộ đi cơ sở",
        queryset=Cadre.objects.none(),
        widget=SearchableSelectMultiple(),
        error_messages={"required": "Chọn ít nhất một cán bộ đi cơ sở."},
    )
    days = DaysField(
        label="Số ngày tính cho mỗi người",
        required=False,
        help_text="Để trống: tính theo ngày làm việc trong đợt (trừ thứ Bảy, Chủ nhật, ngày lễ, Tết).",
    )

    class Meta:
        model = FieldTrip
        fields = ["organiser", "host", "starts_on", "ends_on", "topic", "activities", "plan"]
        widgets = {
            "organiser": SearchableSelect,
            "host": SearchableSelect,
            "starts_on": DateInput,
            "ends_on": DateInput,
            "activities": forms.CheckboxSelectMultiple,
            "plan": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"organiser": UnitChoiceField, "host": UnitChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = Unit.objects.visible_to(user).active().with_parent_name()
        organisers = units.exclude(level=UnitLevel.BRANCH)
        hosts = units
        if self.instance.pk:
            keep = Unit.objects.filter(
                pk__in=[self.instance.organiser_id, self.instance.host_id]
            ).with_parent_name()
            organisers, hosts = organisers | keep, hosts | keep
        self.fields["organiser"].queryset = organisers
        self.fields["organiser"].empty_label = "— Chọn đơn vị cử đi —"
        self.fields["host"].queryset = hosts
        self.fields["host"].empty_label = "— Chọn cơ sở đến —"
        self.fields["activities"].queryset = ActivityKind.objects.all()
        self.fields["activities"].required = False
        members = list(self.instance.members.values_list("cadre_id", flat=True)) if self.instance.pk else []
        self.fields["cadres"].queryset = traveller_choices(user, keep=members)
        if self.instance.pk:
            self.fields["cadres"].initial = members
            self.fields["days"].help_text = (
                "Để trống: giữ số ngày đã ghi của từng người (người mới thêm tính theo ngày làm việc). "
                "Nhập số: áp dụng cho mọi người trong đợt."
            )
        elif not self.is_bound and user.unit_id:
            self.fields["organiser"].initial = user.unit_id

    def clean_cadres(self):
        cadres = list(self.cleaned_data["cadres"])
        if len(cadres) > 50:
            raise ValidationError("Một đợt đi cơ sở tối đa 50 cán bộ.")
        return cadres

    def clean(self):
        cleaned = super().clean()
        organiser = cleaned.get("organiser")
        cadres = cleaned.get("cadres") or []
        if organiser is not None:
            outside = [cadre.full_name for cadre in cadres if not cadre.unit_path.startswith(organiser.path)]
            if outside:
                self.add_error(
                    "cadres",
                    f"{', '.join(outside[:3])} không thuộc {organiser.name} hoặc đơn vị trực thuộc: "
                    "chọn lại đơn vị cử đi hoặc cán bộ.",
                )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        trip = self.instance
        days = self.cleaned_data.get("days")
        dated = trip.starts_on and trip.ends_on and trip.ends_on >= trip.starts_on
        if days is not None and dated and days > trip.length:
            self.add_error("days", f"Nhiều hơn số ngày của đợt ({trip.length} ngày).")


class TripStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (TripStatus.DONE, "Đã đi"),
            (TripStatus.CANCELLED, "Huỷ"),
            (TripStatus.REGISTERED, "Đăng ký lại"),
        ]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class MemberDaysForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    days = DaysField(label="Số ngày")


MemberDaysFormSet = forms.formset_factory(
    MemberDaysForm, extra=0, max_num=50, absolute_max=50, validate_max=True
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ATTACHMENT_TYPES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


# The first bytes of each kind of file a report may carry: a renamed program is refused.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


class TripReportForm(VersionedFormMixin, forms.ModelForm):
    files = MultipleFileField(
        label="Tệp đính kèm",
        required=False,
        help_text=(
            "Biên bản, hình ảnh…: PDF, Word, Excel, JPG, PNG; "
            f"mỗi tệp tối đa {MAX_ATTACHMENT_BYTES // 2**20} MB, tối đa {MAX_ATTACHMENTS} tệp."
        ),
    )

    class Meta:
        model = FieldTrip
        fields = ["results", "difficulties", "proposals"]
        widgets = {
            "results": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["results"].required = True
        self.fields["results"].error_messages["required"] = "Nhập kết quả đợt đi cơ sở."

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"Tối đa {MAX_ATTACHMENTS} tệp.")
        for upload in files:
            name = os.path.basename(upload.name or "")
            extension = os.path.splitext(name)[1].lower()
            if extension not in ATTACHMENT_TYPES:
                raise ValidationError(f"«{name[:60]}»: chỉ nhận tệp PDF, Word, Excel, JPG, PNG.")
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise ValidationError(f"«{name[:60]}» lớn hơn {MAX_ATTACHMENT_BYTES // 2**20} MB.")
            upload.seek(0)
            head = upload.read(8)
            upload.seek(0)
            if not head.startswith(SIGNATURES[extension]):
                raise ValidationError(f"«{name[:60]}» không phải tệp {extension[1:].upper()} hợp lệ.")
            upload.name = name
        return files


class SecondmentForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Secondment
        fields = [
            "cadre",
            "host",
            "position",
            "starts_on",
            "ends_on",
            "decision_number",
            "decision_date",
            "tasks",
        ]
        widgets = {
            "cadre": SearchableSelect,
            "host": SearchableSelect,
            "position": SearchableSelect,
            "starts_on": DateInput,
            "ends_on": DateInput,
            "decision_date": DateInput,
            "tasks": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"host": UnitChoiceField, "cadre": CadreChoice}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        keep = [self.instance.cadre_id] if self.instance.pk else []
        self.fields["cadre"].queryset = traveller_choices(user, keep=keep)
        self.fields["cadre"].empty_label = "— Chọn cán bộ —"
        hosts = Unit.objects.visible_to(user).active().exclude(level=UnitLevel.BRANCH).with_parent_name()
        if self.instance.pk:
            hosts = hosts | Unit.objects.filter(pk=self.instance.host_id).with_parent_name()
        self.fields["host"].queryset = hosts
        self.fields["host"].empty_label = "— Chọn đơn vị tiếp nhận —"
        self.fields["position"].queryset = Position.objects.all()
        self.fields["position"].empty_label = "— Không giữ chức vụ —"
        if self.instance.pk:
            # The cadre of a secondment stays: another cadre's is a new secondment.
            self.fields["cadre"].disabled = True

    def clean(self):
        cleaned = super().clean()
        cadre, host = cleaned.get("cadre"), cleaned.get("host")
        if cadre is not None and host is not None and cadre.unit_id == host.pk:
            self.add_error("host", "Đơn vị tiếp nhận là đơn vị của chính cán bộ: chọn một cơ sở khác.")
        return cleaned


class SecondmentFinishForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Secondment
        fields = ["ends_on", "results", "difficulties", "proposals"]
        widgets = {
            "ends_on": DateInput,
            "results": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"ends_on": "Ngày kết thúc thực tế"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["results"].required = True
        self.fields["results"].error_messages["required"] = "Nhập kết quả đợt tăng cường."

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on and ends_on > today() + datetime.timedelta(days=31):
            raise ValidationError("Báo cáo kết thúc khi đợt tăng cường sắp hoặc đã kết thúc.")
        return ends_on


class TripFilterForm(forms.Form):
    q = forms.CharField(label="Chuyên đề, cơ sở", required=False, max_length=100)
    year = forms.IntegerField(label="Năm", required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label="Trạng thái",
        choices=[("", "Tất cả"), *TripStatus.choices, ("overdue", "Quá hạn báo cáo")],
        required=False,
        widget=Select(attrs={"class": "form-select"}),
    )
    unit = UnitChoiceField(
        label="Đơn vị (cử đi hoặc cơ sở đến)",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Tất cả",
        widget=SearchableSelect(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).with_parent_name()
