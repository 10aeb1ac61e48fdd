"""The quality statistics (DOMAIN.md §10): the page, and the same table as xlsx and PDF, for
``?unit=&date=``. Every signed-in role sees them for the units of their scope; a unit outside it
is no choice of the form. Viewers get the sensitive columns blank (``data.HIDDEN_NOTE``). The
files hold counts only, no one's personal data, so they are not written to the access log."""

import io
import logging

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from common.downloads import bytes_response, mark_download_ready

from ..statistics.data import StatisticsTable, quality_statistics
from ..statistics.documents import render_statistics_pdf, statistics_document
from ..statistics.forms import StatisticsFilterForm, StatisticsFilters
from ..statistics.xlsx import write_statistics_xlsx

logger = logging.getLogger(__name__)

PDF_FAILED = "Không tạo được tệp PDF. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị hệ thống."


@require_GET
def statistics(request):
    form = StatisticsFilterForm(request.GET, user=request.user)
    filters = form.filters()
    table = quality_statistics(request.user, filters.unit, filters.on_date)
    # The downloads carry what the table shows: the defaults in place of the values in error.
    shown = StatisticsFilters(unit=table.unit, on_date=table.on_date)
    return render(
        request,
        "reports/statistics.html",
        {"form": form, "filters": shown, "table": table, "query": shown.query()},
    )


@require_GET
def statistics_xlsx(request):
    table = _table_for_download(request)
    if not isinstance(table, StatisticsTable):
        return table
    document = statistics_document(table, request.user)
    out = io.BytesIO()
    write_statistics_xlsx(out, document)
    return _download(request, out.getvalue(), document.filenames("xlsx"))


@require_GET
def statistics_pdf(request):
    table = _table_for_download(request)
    if not isinstance(table, StatisticsTable):
        return table
    document = statistics_document(table, request.user)
    try:
        pdf = render_statistics_pdf(document, request=request)
    except DatabaseError:
        raise  # the 503 page, not a message
    except Exception:
        logger.exception("PDF of the quality statistics failed (%s)", request.GET.urlencode())
        messages.error(request, PDF_FAILED)
        return redirect(_page_url(StatisticsFilters(unit=table.unit, on_date=table.on_date)))
    return _download(request, pdf, document.filenames("pdf"))


def _table_for_download(request):
    """The table of the page's filters; a unit that is no choice of the user's does not exist
    (404), and a date in error sends the user back to the page, which says what is wrong."""
    form = StatisticsFilterForm(request.GET, user=request.user)
    filters = form.filters()
    if "unit" in form.errors:
        raise Http404
    if form.errors:
        return redirect(f"{reverse('reports:statistics')}?{request.GET.urlencode()}")
    return quality_statistics(request.user, filters.unit, filters.on_date)


def _page_url(filters: StatisticsFilters) -> str:
    return f"{reverse('reports:statistics')}?{filters.query()}"


def _download(request, content: bytes, filenames: tuple[str, str]):
    filename, ascii_name = filenames
    response = bytes_response(content, filename, ascii_name=ascii_name)
    mark_download_ready(request, response)
    return response
