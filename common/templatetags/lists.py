"""Template tags of list pages: links that keep the current filters, sortable column headers,
search matches highlighted, and the pagination bar (``common/includes/_pagination.html``)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..text import fold

register = template.Library()


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


def _fold_char(char: str) -> str:
    """One character folded to one character, so positions in the folded text match the text."""
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
