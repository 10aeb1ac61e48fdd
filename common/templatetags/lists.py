"""Template tags of list pages: the filter form's fields, links that keep the current filters,
sortable column headers, search matches highlighted, and the pagination bar
(``common/includes/_pagination.html``)."""

import functools

from django import forms, template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..text import fold

register = template.Library()


@register.filter
def list_field(field: forms.BoundField) -> SafeString:
    """A filter form's field as crispy's Bootstrap 5 pack lays it out (label, control, errors,
    help), built here: crispy's templates took a third of the roster list's time. List pages
    render their filters with it: ``{{ form.unit|list_field }}``."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        control_class = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        control_class = "form-select"
    else:
        control_class = "form-control"
    classes = [widget.attrs.get("class", ""), type(widget).__name__.lower(), control_class]
    attrs = {}
    errors = field.errors
    if errors:
        classes.append("is-invalid")
        attrs.update({"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_error"})
    attrs["class"] = " ".join(name for name in classes if name)
    control = field.as_widget(attrs=attrs)
    label = (
        format_html('<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label)
        if field.label
        else ""
    )
    feedback = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join("", "<p><strong>{}</strong></p>", ((error,) for error in errors)),
        )
        if errors
        else ""
    )
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>', field.auto_id, label, control, feedback, help_text
    )


@register.simple_tag(takes_context=True)
def url_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def page_url(context, changes: dict) -> str:
    """The current query string with a page link's parameters (``ListPage.links``) applied."""
    return url_with(context, **changes)


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, param: str = "sort") -> SafeString:
    """A column header that sorts by ``key``, and reverses on a second click. The other filters
    stay; the page goes back to the first."""
    current = context["request"].GET.get(param, "")
    if current == key:
        target, icon, state = f"-{key}", "bi-sort-up", "ascending"
    elif current == f"-{key}":
        target, icon, state = key, "bi-sort-down", "descending"
    else:
        target, icon, state = key, "", "none"
    url = url_with(context, **{param: target, "page": None, "after": None, "before": None, "last": None})
    icon_html = format_html(' <i class="bi {}" aria-hidden="true"></i>', icon) if icon else ""
    return format_html('<a href="{}" aria-sort="{}">{}{}</a>', url, state, label, icon_html)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character folded to one character, so positions in the folded text match the text
    (remembered: a page of names holds a few dozen distinct letters)."""
    folded = fold(char) if not char.isspace() else " "
    return folded if len(folded) == 1 else char.lower()


@register.filter
def highlight(text: str, query: str | None) -> str:
    """``text`` (escaped) with the parts that match the search's words, accent-insensitively,
    in ``<mark>``: "nguyen" marks "Nguyễn"."""
    words = [word for word in fold(query or "").split(" ") if word]
    if not text or not words:
        return text
    text = str(text)
    folded = "".join(_fold_char(char) for char in text)
    marked = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start != -1:
            marked[start : start + len(word)] = [True] * len(word)
            start = folded.find(word, start + 1)
    parts, start = [], 0
    for end in range(1, len(text) + 1):
        if end == len(text) or marked[end] != marked[start]:
            piece = escape(text[start:end])
            parts.append(format_html("<mark>{}</mark>", piece) if marked[start] else piece)
            start = end
    return mark_safe("".join(parts))
