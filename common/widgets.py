"""Form widgets that static/js/app.js enhances: dates typed and shown as dd/mm/yyyy (flatpickr),
and selects searchable as one types (Tom Select). Without JavaScript they stay the browser's own
date picker and select."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class DateInput(forms.DateInput):
    """An ``<input type="date">``, which flatpickr turns into a dd/mm/yyyy field. It sends ISO
    dates, which DATE_INPUT_FORMATS accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FastOptionsMixin:
    """Renders a select's options in Python, as Django's templates would: a template include per
    option made the roster's filter form (a few hundred units and posts) most of its page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(option["value"]), flatatt(option["attrs"]), option["label"]) for option in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


class Select(FastOptionsMixin, forms.Select):
    pass


class SearchableMixin:
    """Marks the select for Tom Select (``data-searchable``); its first, empty choice stays
    selectable, so "Tất cả" or "— Chọn —" can be chosen back."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"data-searchable": "", **(attrs or {})}, choices=choices)


class SearchableSelect(SearchableMixin, FastOptionsMixin, forms.Select):
    pass


class SearchableSelectMultiple(SearchableMixin, FastOptionsMixin, forms.SelectMultiple):
    pass
