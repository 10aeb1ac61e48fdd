"""The evaluation's documents, for every signed-in role that sees them: a cadre's form as PDF,
and a rating unit's summary list for a period as PDF and as Excel, both from
``documents.unit_document``. Exports of personal data are logged."""

import io
import logging

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from cadres.models import Unit
from cadres.views.access import logged_download
from common.text import thousands

from .documents import (
    evaluation_document,
    render_evaluation_pdf,
    render_unit_pdf,
    unit_document,
    write_unit_xlsx,
)
from .forms import EvaluationFilterForm
from .models import Evaluation
from .summary import SummaryFilters
from .views import get_evaluation_for_user, summary_url

logger = logging.getLogger(__name__)

PDF_FAILED = "Không tạo được tệp PDF. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị hệ thống."
# A list is made while the user waits, about 8 ms a row in a PDF: a unit's own evaluations are a
# few dozen; past these the user is sent back with a message instead of a long wait.
MAX_PDF_ROWS = 500
MAX_XLSX_ROWS = 20_000


@require_GET
def evaluation_pdf(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    document = evaluation_document(evaluation)
    try:
        pdf = render_evaluation_pdf(document, request=request)
    except DatabaseError:
        raise  # the 503 page, not a message
    except Exception:
        # A WeasyPrint or template failure: the evaluation with a message, never a broken download.
        logger.exception("PDF form of evaluation %s failed", evaluation.pk)
        messages.error(request, PDF_FAILED)
        return redirect(evaluation)
    return logged_download(
        request, pdf, document.filenames("pdf"), rows=1, detail=f"Phiếu đánh giá: {evaluation} (PDF)"
    )


@require_GET
def evaluations_pdf(request):
    unit, year, period = chosen_period(request)
    if refused := _too_long(request, unit, year, period, limit=MAX_PDF_ROWS, what="bản PDF"):
        return refused
    document = unit_document(request.user, unit, year, period)
    try:
        pdf = render_unit_pdf(document, request=request)
    except DatabaseError:
        raise
    except Exception:
        logger.exception("PDF list of the evaluations of unit %s failed", unit.pk)
        messages.error(request, PDF_FAILED)
        return redirect(summary_url(SummaryFilters(year=year, period=period, unit=unit)))
    return _download(request, document, unit, pdf, "pdf")


@require_GET
def evaluations_xlsx(request):
    unit, year, period = chosen_period(request)
    if refused := _too_long(request, unit, year, period, limit=MAX_XLSX_ROWS, what="bản Excel"):
        return refused
    document = unit_document(request.user, unit, year, period)
    out = io.BytesIO()
    write_unit_xlsx(out, document)
    return _download(request, document, unit, out.getvalue(), "xlsx")


def chosen_period(request) -> tuple[Unit, int, str]:
    """The rating unit, year and period of ``?unit=&year=&period=``, read by the summary page's
    form: by default the user's own unit, this year, the whole year; a year or period in error
    falls back to its default. A unit outside the user's scope does not exist (404). Someone
    bound to no unit (an administrator of the whole organisation) gets the top of the tree."""
    form = EvaluationFilterForm(request.GET, user=request.user)
    filters = form.filters()
    if "unit" in form.errors:
        raise Http404
    unit = filters.unit or Unit.objects.visible_to(request.user).filter(depth=1).first()
    if unit is None:
        raise Http404
    return unit, filters.year, filters.period


def _too_long(request, unit: Unit, year: int, period: str, *, limit: int, what: str):
    """None, or the summary with a message when the unit's list has more than ``limit`` rows."""
    count = Evaluation.objects.visible_to(request.user).filter(unit=unit, year=year, period=period).count()
    if count <= limit:
        return None
    advice = "Hãy tải bản Excel." if what == "bản PDF" else "Hãy liên hệ quản trị hệ thống."
    messages.error(
        request,
        f"{unit.name} có {thousands(count)} phiếu đánh giá: {what} chỉ lập được cho tối đa "
        f"{thousands(limit)} phiếu. {advice}",
    )
    return redirect(summary_url(SummaryFilters(year=year, period=period, unit=unit)))


def _download(request, document, unit: Unit, content: bytes, extension: str):
    return logged_download(
        request,
        content,
        document.filenames(extension),
        rows=document.row_count,
        detail=f"Kết quả đánh giá, xếp loại {document.subtitle}: {unit} ({extension.upper()})",
    )
