"""Filter building blocks for list pages (django-filter).

Every select of a filter form starts at "Tất cả", whose empty value means "no filter": a select
without it submits its first real choice and silently narrows every search (this is how
"nguyen thi" + Enter once found 20 cadres instead of 119). The filters here add that choice
themselves, whatever FILTERS_EMPTY_CHOICE_LABEL says.
"""

import django_filters
from django import forms

from .widgets import Select

ANY = "Tất cả"


class ChoiceFilter(django_filters.ChoiceFilter):
    """A ChoiceFilter whose select starts at "Tất cả" (empty: no filter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", Select)
        super().__init__(*args, empty_label=ANY, **kwargs)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose select starts at "Tất cả" (empty: no filter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", Select)
        super().__init__(*args, empty_label=ANY, **kwargs)


class TypedChoiceFilter(django_filters.TypedChoiceFilter):
    """Choices coerced to a type (``coerce``); Django's TypedChoiceField adds no empty choice,
    so "Tất cả" is put first here, and its empty value means no filter."""

    def __init__(self, *, choices, **kwargs):
        kwargs.setdefault("widget", Select)
        super().__init__(choices=_with_any(choices), empty_value=None, **kwargs)


def _with_any(choices):
    """The choices behind "Tất cả"; callable choices (read at each form) stay callable."""
    if callable(choices):
        return lambda: [("", ANY), *choices()]
    return [("", ANY), *choices]


class LevelFilter(TypedChoiceFilter):
    """An ordered level (IntegerChoices: education, political theory…), compared as an int."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=choices, coerce=int, **kwargs)


class NumberFilter(django_filters.NumberFilter):
    """A whole number within bounds: a number out of them (an age of 3000, 99999999999, 1e400)
    is the form's error, not a date or an integer the database cannot hold."""

    field_class = forms.IntegerField

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


def describe_filters(filterset: django_filters.FilterSet) -> list[str]:
    """The filters in force as "Label: value" lines, for the page and the exports' filter row.
    Sorting and empty filters are left out; a choice shows its label, an object its name."""
    if not filterset.form.is_valid():
        return []
    lines = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", []) or isinstance(filterset.filters.get(name), django_filters.OrderingFilter):
            continue
        field = filterset.form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        lines.append(f"{field.label}: {value}")
    return lines


def filter_errors(filterset: django_filters.FilterSet) -> str:
    """The form's errors in one line, "Label: message; …", for a message to the user."""
    parts = []
    for name, errors in filterset.errors.items():
        field = filterset.form.fields.get(name)
        parts.append(f"{field.label if field else name}: {' '.join(errors)}")
    return "; ".join(parts)
