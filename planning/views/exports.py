"""The plan as PDF and as Excel, for every signed-in role within scope (viewers included): both
files from ``planning.exports.plan_document``. Exports of personal data are logged."""

import io
import logging

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from cadres.views.access import logged_download

from ..exports import PlanDocument, plan_document, render_plan_pdf, write_plan_xlsx
from ..models import SuccessionPlan
from .access import get_plan_for_user

logger = logging.getLogger(__name__)

PDF_FAILED = (
    "Không tạo được tệp PDF quy hoạch. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị hệ thống."
)


@require_GET
def plan_export_pdf(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    document = plan_document(plan, request.user)
    try:
        pdf = render_plan_pdf(document, request=request)
    except DatabaseError:
        raise  # the 503 page, not a message
    except Exception:
        # A WeasyPrint or template failure: the board with a message, never a broken download.
        logger.exception("PDF of succession plan %s failed", plan.pk)
        messages.error(request, PDF_FAILED)
        return redirect(plan)
    return _download(request, plan, document, pdf, "pdf")


@require_GET
def plan_export_xlsx(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    document = plan_document(plan, request.user)
    out = io.BytesIO()
    write_plan_xlsx(out, document)
    return _download(request, plan, document, out.getvalue(), "xlsx")


def _download(request, plan: SuccessionPlan, document: PlanDocument, content: bytes, extension: str):
    return logged_download(
        request,
        content,
        document.filenames(extension),
        rows=document.row_count,
        detail=f"{plan} ({extension.upper()})",
    )
