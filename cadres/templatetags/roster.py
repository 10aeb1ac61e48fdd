"""Template tags of the roster: its table's rows (``roster_row``). The list tags (url_with,
sort_header, highlight) are common's (``{% load lists %}``); they are registered here too for
templates that still load ``roster``."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from common.templatetags import lists

register = template.Library()
register.tags.update(lists.register.tags)
register.filters.update(lists.register.filters)

url_with, sort_header, highlight = lists.url_with, lists.sort_header, lists.highlight


@register.simple_tag
def roster_row(cadre, search: str, sensitive: bool) -> SafeString:
    """One row of the roster's table (``cadre_list``, which sets ``number``, ``url``, ``labels``,
    ``age_today`` and ``warnings``). Built here rather than in the template: fifty rows of a
    dozen cells through the template engine were a third of the page's time. The markup is the
    table's (``templates/cadres/cadre_list.html``); the cells carry their ``data-label`` for the
    phone layout, where the table becomes cards."""
    labels = cadre.labels
    status = (
        ""
        if cadre.is_active
        else format_html(' <span class="badge text-bg-secondary">{}</span>', labels.get("status", ""))
    )
    unit = cadre.unit
    parent = ""
    if unit.parent_name:
        parent = format_html(' <span class="text-body-secondary">– {}</span>', unit.parent_name)
    party = ""
    if sensitive:
        mark = '<i class="bi bi-check-lg" aria-label="Đảng viên"></i>' if cadre.is_party_member else ""
        party = mark_safe(f'<td class="d-none d-xl-table-cell">{mark}</td>')
    warnings = format_html_join(
        "",
        '<span class="badge {} me-1" title="{}">{}</span>',
        ((warning.badge_class, warning.detail, warning.label) for warning in cadre.warnings),
    )
    return format_html(
        "<tr>"
        '<td class="text-end text-body-secondary card-hide">{}</td>'
        '<td class="card-title-cell name-cell"><a href="{}">{}</a>{}</td>'
        '<td class="d-none d-md-table-cell text-nowrap">{}</td>'
        '<td class="text-end" data-label="Tuổi">{}</td>'
        '<td class="d-none d-md-table-cell">{}</td>'
        '<td data-label="Đơn vị"><span>{}{}</span></td>'
        '<td data-label="Chức vụ">{}</td>'
        '<td class="d-none d-lg-table-cell">{}</td>'
        '<td class="d-none d-lg-table-cell">{}</td>'
        "{}"
        '<td data-label="Cảnh báo"{}>{}</td>'
        "</tr>",
        cadre.number,
        cadre.url,
        lists.highlight(cadre.full_name, search),
        status,
        cadre.birth_date.strftime("%d/%m/%Y"),
        cadre.age_today,
        labels.get("gender", ""),
        unit.name,
        parent,
        cadre.position.name if cadre.position_id else "—",
        labels.get("education", ""),
        labels.get("political_theory", ""),
        party,
        "" if cadre.warnings else mark_safe(' class="card-hide"'),
        warnings,
    )
