"""The statistics' filters: the unit and the date, read from the query string by the page and
by its two downloads alike."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from cadres.forms import UnitChoiceField
from cadres.models import Unit
from common.dates import today
from common.text import positive_id
from common.widgets import DateInput, SearchableSelect

from .data import FIRST_DAY


@dataclass(frozen=True)
class StatisticsFilters:
    unit: Unit | None  # None: the user's own unit, or everything for whom sees everything
    on_date: datetime.date

    def query(self) -> str:
        """The query string of these filters, for the downloads and the drill-down."""
        return f"unit={self.unit.pk if self.unit else ''}&date={self.on_date.isoformat()}"


def _iso_date(typed: str | None) -> str | None:
    """A date typed as dd/mm/yyyy as the date box shows it (ISO): the box would show nothing
    for the other forms. Anything that is no date stays as typed, for the form to refuse."""
    try:
        value = forms.DateField().to_python(typed)
    except ValidationError:
        return typed
    return value.isoformat() if value else typed


class StatisticsFilterForm(forms.Form):
    """Always bound: a missing date is today, a missing unit "Tất cả" (the user's whole scope).
    A value in error is the form's message, and its default applies."""

    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        widget=SearchableSelect(),
        error_messages={"invalid_choice": "Không có đơn vị này trong phạm vi bạn được xem."},
    )
    date = forms.DateField(
        label="Tính đến ngày",
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
        error_messages={"invalid": "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2025."},
    )

    def __init__(self, data=None, *, user, **kwargs):
        data = data.copy() if data is not None else {}
        data["date"] = _iso_date(data.get("date")) or today().isoformat()
        super().__init__(data, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        self.fields["unit"].empty_label = "Tất cả"

    def clean_unit(self):
        # A number past what the database stores is no unit either (never an overflow).
        raw = self.data.get("unit")
        if raw not in (None, "") and positive_id(raw) is None:
            raise ValidationError(self.fields["unit"].error_messages["invalid_choice"])
        return self.cleaned_data["unit"]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value is None:
            return value
        if value < FIRST_DAY:
            raise ValidationError(f"Chỉ thống kê được từ ngày {FIRST_DAY:%d/%m/%Y} trở đi.")
        if value > today():
            raise ValidationError(f"Không thống kê được cho ngày trong tương lai (sau {today():%d/%m/%Y}).")
        return value

    def filters(self) -> StatisticsFilters:
        self.is_valid()
        data = self.cleaned_data  # the fields without errors
        return StatisticsFilters(unit=data.get("unit"), on_date=data.get("date") or today())
