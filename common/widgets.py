"""Form widgets that static/js/app.js enhances: dates typed and shown as dd/mm/yyyy (flatpickr),
and selects searchable as one types (Tom Select). Without JavaScript they stay the browser's own
date picker and select."""

from django import forms


class DateInput(forms.DateInput):
    """An ``<input type="date">``, which flatpickr turns into a dd/mm/yyyy field. It sends ISO
    dates, which DATE_INPUT_FORMATS accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SearchableMixin:
    """Marks the select for Tom Select (``data-searchable``); its first, empty choice stays
    selectable, so "Tất cả" or "— Chọn —" can be chosen back."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"data-searchable": "", **(attrs or {})}, choices=choices)


class SearchableSelect(SearchableMixin, forms.Select):
    pass


class SearchableSelectMultiple(SearchableMixin, forms.SelectMultiple):
    pass
