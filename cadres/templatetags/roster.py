from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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
def sort_header(context, key: str, label: str) -> str:
    """A column header that sorts by ``key``, and reverses on a second click."""
    current = context["request"].GET.get("sort", "")
    if current == key:
        target, icon, state = f"-{key}", "bi-sort-up", "ascending"
    elif current == f"-{key}":
        target, icon, state = key, "bi-sort-down", "descending"
    else:
        target, icon, state = key, "", "none"
    url = url_with(context, sort=target, page=None)
    icon_html = format_html(' <i class="bi {}" aria-hidden="true"></i>', icon) if icon else ""
    return format_html('<a href="{}" aria-sort="{}">{}{}</a>', url, state, label, icon_html)


def _fold_char(char: str) -> str:
    folded = fold(char) if not char.isspace() else " "
    return folded if len(folded) == 1 else char.lower()


@register.filter
def highlight(text: str, query: str | None) -> str:
    """``text`` with the parts that match the search's words (accent-insensitively) in <mark>."""
    words = [word for word in fold(query or "").split(" ") if word]
    if not text or not words:
        return text
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
