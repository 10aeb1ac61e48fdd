from django import template
from django.utils.html import format_html

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
