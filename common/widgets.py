"""Form widgets that static/js/app.js enhances: dates typed and shown as dd/mm/yyyy (flatpickr),
and selects searchable as one types (Tom Select). Without JavaScript they stay the browser's own
date picker and select."""

import html

from django import forms
from django.utils.safestring import SafeString, mark_safe


class DateInput(forms.DateInput):
    """An ``<input type="date">``, which flatpickr turns into a dd/mm/yyyy field. It sends ISO
    dates, which DATE_INPUT_FORMATS accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _escape(value) -> str:
    """Django's ``conditional_escape`` without its lazy-string wrappers, which cost more than
    the escaping itself over a few hundred options."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """``flatatt``: ``True`` → the bare name, ``False``/``None`` → nothing."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not None and value is not False
    )


class FastOptionsMixin:
    """Renders a select's options in Python, as Django's templates would: a template include per
    option made the roster's filter form (a few hundred units and posts) most of its page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_escape(group_name)}">')
            parts.extend(
                f'<option value="{_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


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
