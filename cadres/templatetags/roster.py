"""Template tags of the roster. The list tags (url_with, sort_header, highlight) are common's
(``{% load lists %}``); they are registered here too for templates that still load ``roster``."""

from django import template

from common.templatetags import lists

register = template.Library()
register.tags.update(lists.register.tags)
register.filters.update(lists.register.filters)

url_with, sort_header, highlight = lists.url_with, lists.sort_header, lists.highlight
