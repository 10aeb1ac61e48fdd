"""The sourcing pool's form (nguồn cán bộ). The age and the "became a cadre" rules are the
model's (``SourcePerson.clean``); the form keeps the choices inside the user's scope."""

from django import forms

from cadres.forms import UnitChoiceField
from cadres.models import Cadre, Unit
from common.forms import VersionedFormMixin
from common.text import ascii_digits, is_ascii_number
from common.widgets import DateInput, SearchableSelect

from .models import SourcePerson


class SourcePersonForm(VersionedFormMixin, forms.ModelForm):
    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label="Đơn vị theo dõi",
        empty_label="— Chọn —",
        widget=SearchableSelect(),
    )
    # A roster may hold 100,000 cadres: the profile is named by its CCCD, not picked from a list.
    cadre = forms.CharField(
        label="Số CCCD của hồ sơ cán bộ",
        required=False,
        max_length=20,  # the 12 digits as people group them ("079 095 001 234")
        help_text="Khi người này đã trở thành cán bộ: số CCCD (12 chữ số) trong hồ sơ cán bộ của họ.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = SourcePerson
        fields = [
            "full_name",
            "birth_date",
            "gender",
            "category",
            "unit",
            "workplace",
            "phone",
            "outcome",
            "cadre",
            "note",
        ]
        widgets = {
            "birth_date": DateInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = Unit.objects.visible_to(user).active()
        if self.instance.pk:
            # A person followed by a unit dissolved since keeps it until moved elsewhere.
            units = units | Unit.objects.visible_to(user).filter(pk=self.instance.unit_id)
        elif user.unit_id:
            self.fields["unit"].initial = user.unit_id
        self.fields["unit"].queryset = units
        self.initial["cadre"] = self.instance.cadre.national_id if self.instance.cadre_id else ""

    def _post_clean(self):
        refused = list(self._errors.get("cadre", ()))
        super()._post_clean()
        if refused:
            # The number typed was refused already: the model's "no cadre linked" only repeats it.
            self._errors["cadre"] = self.error_class(refused, renderer=self.renderer)

    def clean_cadre(self) -> Cadre | None:
        number = ascii_digits(self.cleaned_data["cadre"])
        if not number:
            return None
        if not is_ascii_number(number, 12):
            raise forms.ValidationError("Số CCCD phải gồm đúng 12 chữ số 0–9.")
        cadre = Cadre.objects.visible_to(self.user).filter(national_id=number).first()
        linked = self.instance.cadre if self.instance.cadre_id else None
        if cadre is None and linked is not None and linked.national_id == number:
            cadre = linked  # the link already made stays, even if that cadre has moved out of scope
        if cadre is None:
            raise forms.ValidationError(
                f"Không tìm thấy hồ sơ cán bộ có số CCCD {number} trong phạm vi đơn vị bạn quản lý."
            )
        return cadre
