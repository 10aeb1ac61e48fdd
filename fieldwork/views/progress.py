"""The "1+2" progress page and its workbook: both format ``fieldwork.progress.progress_data``
for the same filters, so the file holds what the page shows (every row, not one page)."""

import io

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from cadres.views.access import logged_download
from common.lists import paginate_list
from common.templatetags.lists import highlight
from common.xlsx import Column, SheetWriter

from ..progress import LIST_LIMIT, CadreProgress, Progress, ProgressFilterForm, format_number, progress_data
from ..templatetags.fieldwork import days

PAGE_SIZE = 50
MAX_XLSX_ROWS = 20_000
PAGE_PARAMS = ("page", "download_token")


@require_GET
def progress(request):
    form = ProgressFilterForm(request.GET, user=request.user)
    data = progress_data(request.user, form.filters())
    page = paginate_list(request, data.ids, per_page=PAGE_SIZE)
    year, units = data.filters.year, data.totals.units
    cadre_url = reverse("cadres:cadre-detail", args=[0]).removesuffix("0/")  # one reverse, not fifty
    return render(
        request,
        "fieldwork/progress.html",
        {
            "form": form,
            "data": data,
            "page": page,
            "rows": [
                cadre_row(row, url=cadre_url, search=data.filters.q) for row in data.rows(page.object_list)
            ],
            "query_string": _query(request),
            "previous_year": _query(request, year=year - 1) if year > form.fields["year"].min_value else "",
            "next_year": _query(request, year=year + 1) if year < form.fields["year"].max_value else "",
            "filtered": bool(data.filters.unit or data.filters.level or data.filters.q or data.filters.state),
            "units": units[:LIST_LIMIT],
            "unit_url": reverse("cadres:unit-detail", args=[0]).removesuffix("0/"),
            "trip_url": reverse("fieldwork:trip-detail", args=[0]).removesuffix("0/"),
            "more_units": max(len(units) - LIST_LIMIT, 0),
            "more_unvisited": data.unvisited_count - len(data.unvisited),
            "more_overdue": data.overdue_count - len(data.overdue),
        },
    )


@require_GET
def progress_xlsx(request):
    form = ProgressFilterForm(request.GET, user=request.user)
    back = f"{reverse('fieldwork:progress')}?{_query(request)}"
    if form.errors:
        messages.error(request, f"Chưa xuất được tệp Excel: {form.error_message()}")
        return redirect(back)
    data = progress_data(request.user, form.filters(), limit=None)
    if data.count > MAX_XLSX_ROWS:
        messages.error(
            request,
            f"Danh sách có {format_number(data.count)} cán bộ: bản Excel chỉ lập được cho tối đa "
            f"{format_number(MAX_XLSX_ROWS)} người. Hãy lọc theo đơn vị hoặc cấp.",
        )
        return redirect(back)
    out = io.BytesIO()
    write_progress_xlsx(out, data)
    year = data.filters.year
    return logged_download(
        request,
        out.getvalue(),
        (f"Tiến độ 1+2 năm {year}.xlsx", f"tien-do-1-2-nam-{year}.xlsx"),
        rows=data.count,
        detail=f"Tiến độ “1+2” năm {year} (XLSX): {'; '.join(data.filters.lines())}",
    )


def cadre_row(row: CadreProgress, *, url: str, search: str) -> SafeString:
    """A row of the cadres' table (``templates/fieldwork/progress.html``), built here rather than
    in the template, as the roster's rows are (``cadres.templatetags.roster``): fifty rows of
    seven cells through the template engine were half the page's time. The cells carry their
    ``data-label`` for the phone layout, where the table becomes cards."""
    cadre = row.cadre
    where = cadre.unit.name
    if cadre.unit_parent_name:
        where = f"{where} – {cadre.unit_parent_name}"
    if cadre.position_id:
        where = f"{cadre.position.name} · {where}"
    seconded = (
        format_html('<div class="small text-body-secondary">tăng cường {}</div>', days(row.secondment_days))
        if row.secondment_days
        else ""
    )
    if row.quota is None:
        bar = mark_safe('<span class="small text-body-secondary">Không thuộc đối tượng định mức</span>')
    else:
        expected = format_html(" · cần đạt {}", days(row.expected)) if row.expected < row.quota else ""
        bar = format_html(
            '<div class="flex-grow-1"><div class="progress" role="progressbar" aria-label="Tiến độ của {}" '
            'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100" aria-valuetext="{} trên {} ngày ({}%)">'
            '<div class="progress-bar bg-{}" data-percent="{}"></div></div>'
            '<div class="small text-body-secondary text-nowrap">{}%{}</div></div>',
            cadre.full_name,
            row.percent,
            days(row.done),
            days(row.quota),
            row.percent,
            row.tone,
            row.percent,
            row.percent,
            expected,
        )
    overdue = format_html('<span class="badge text-bg-danger">{}</span>', row.overdue) if row.overdue else "0"
    return format_html(
        '<tr data-cadre="{}" data-state="{}">'
        '<td class="card-title-cell"><a href="{}{}/">{}</a>'
        '<div class="small text-body-secondary fw-normal">{}</div></td>'
        '<td data-label="Định mức" class="text-end" data-quota>{}</td>'
        '<td data-label="Đã đi" class="text-end" data-done="{}"><div>{}{}</div></td>'
        '<td data-label="Tiến độ">{}</td>'
        '<td data-label="Lượt" class="text-end" data-trips>{}</td>'
        '<td data-label="Quá hạn" class="text-end" data-overdue>{}</td>'
        '<td data-label="Tình trạng"><span class="badge text-bg-{}">{}</span></td>'
        "</tr>",
        cadre.pk,
        row.tone,
        url,
        cadre.pk,
        highlight(cadre.full_name, search),
        where,
        "—" if row.quota is None else days(row.quota),
        row.done,
        days(row.done),
        seconded,
        bar,
        row.trips,
        overdue,
        row.badge_tone,
        row.state_label,
    )


def _query(request, **changes) -> str:
    """The query string of the filters, without paging, with ``changes``."""
    params = request.GET.copy()
    for name in PAGE_PARAMS:
        params.pop(name, None)
    for name, value in changes.items():
        params[name] = value
    return params.urlencode()


# --- The workbook -------------------------------------------------------------------------------

CADRE_COLUMNS = [
    Column("STT", 6),
    Column("Họ và tên", 26),
    Column("Chức vụ", 22),
    Column("Đơn vị", 30),
    Column("Cấp", 12),
    Column("Định mức (ngày)", 11),
    Column("Ngày đi cơ sở", 11),
    Column("Ngày tăng cường cơ sở", 12),
    Column("Tổng số ngày", 11),
    Column("Cần đạt đến nay (ngày)", 12),
    Column("Tỷ lệ định mức (%)", 11),
    Column("Số lượt", 9),
    Column("Báo cáo quá hạn", 10),
    Column("Tình trạng", 18),
]
TOTAL_COLUMNS = [
    Column("Tổng hợp theo", 12),
    Column("Cấp / đơn vị", 36),
    Column("Cán bộ đi cơ sở", 11),
    Column("Số lượt", 9),
    Column("Ngày đi cơ sở", 11),
    Column("Đợt theo chuyên đề", 11),
    Column("Cán bộ tăng cường cơ sở", 12),
    Column("Ngày tăng cường cơ sở", 12),
    Column("Tổng số ngày", 11),
]
UNVISITED_COLUMNS = [
    Column("STT", 6),
    Column("Đơn vị", 40),
    Column("Trực thuộc", 30),
    Column("Mã đơn vị", 14),
]


def write_progress_xlsx(out, data: Progress) -> int:
    """The workbook of ``data``: the cadres (every row), the totals by level and by unit, and the
    base units not visited. Returns the number of cadre rows."""
    year = data.filters.year
    filters, as_of = data.filters, f"Tính đến ngày {data.clock.as_of:%d/%m/%Y}"
    workbook = Workbook(write_only=True)
    cadres = SheetWriter(
        workbook,
        "Tiến độ",
        CADRE_COLUMNS,
        title=f"TIẾN ĐỘ THỰC HIỆN CHẾ ĐỘ “1+2” NĂM {year}",
        filters=[*filters.lines(), as_of],
        frozen_columns=2,
    )
    for number, row in enumerate(data.all_rows(), start=1):
        cadre = row.cadre
        cadres.append(
            [
                number,
                cadre.full_name,
                cadre.position.name if cadre.position else "",
                cadre.unit.name,
                cadre.unit.get_level_display(),
                row.quota,
                row.trip_days,
                row.secondment_days,
                row.done,
                row.expected,
                row.percent,
                row.trips,
                row.overdue,
                row.state_label,
            ]
        )
    count = cadres.close()
    totals = SheetWriter(
        workbook,
        "Tổng hợp",
        TOTAL_COLUMNS,
        title=data.summary,
        filters=[*filters.lines(names=("unit", "level")), as_of],
        frozen_columns=2,
    )
    lines = [
        ("Toàn bộ", data.totals.total),
        *(("Cấp", line) for line in data.totals.levels),
        *(("Đơn vị", line) for line in data.totals.units),
    ]
    for kind, line in lines:
        totals.append(
            [
                kind,
                line.label,
                line.cadres,
                line.trips,
                line.trip_days,
                line.topic_trips,
                line.seconded,
                line.secondment_days,
                line.total_days,
            ]
        )
    totals.close()
    unvisited = SheetWriter(
        workbook,
        "Đơn vị chưa đến",
        UNVISITED_COLUMNS,
        title=f"CƠ SỞ CHƯA CÓ CÁN BỘ ĐẾN NĂM {year}",
        filters=[*filters.lines(names=("unit",)), as_of],
    )
    for number, unit in enumerate(data.unvisited, start=1):
        unvisited.append([number, unit.name, unit.parent_name, unit.code])
    unvisited.close()
    workbook.save(out)
    return count
