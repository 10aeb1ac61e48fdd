"""The yearly plan as its official documents (DOMAIN.md §9): the PDF to print and sign, and the
same document as a Word file, because offices finish and sign in Word.

A plan is read within the subtree of its unit (``AnnualPlan.objects.visible_to``) and, for the
units directly below, through the one window they have on their upper unit's plan while it asks
for their own (``requested_of``); anything else does not exist for the user (404)."""

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from common.downloads import bytes_response, mark_download_ready

from ..documents import OfficialDocument, plan_document, render_docx, render_pdf
from ..models import AnnualPlan
from .plans import get_plan_for_user

logger = logging.getLogger(__name__)

PDF_FAILED = "Không tạo được tệp PDF. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị hệ thống."


@require_GET
def plan_pdf(request, pk: int):
    plan = get_plan_for_user(request.user, pk, read_upper=True)
    return pdf_download(request, plan, plan_document(plan))


@require_GET
def plan_docx(request, pk: int):
    plan = get_plan_for_user(request.user, pk, read_upper=True)
    document = plan_document(plan)
    return download(request, document, render_docx(document), "docx")


def pdf_download(request, plan: AnnualPlan, document: OfficialDocument):
    """The document as a PDF download; a rendering failure is the plan's page with a message,
    never a broken download."""
    try:
        content = render_pdf(document, request=request)
    except DatabaseError:
        raise  # the 503 page, not a message
    except Exception:
        logger.exception("PDF of %s of plan %s failed", document.kind, plan.pk)
        messages.error(request, PDF_FAILED)
        return redirect(plan)
    return download(request, document, content, "pdf")


def download(request, document: OfficialDocument, content: bytes, extension: str):
    filename, ascii_name = document.filenames(extension)
    response = bytes_response(content, filename, ascii_name=ascii_name)
    mark_download_ready(request, response)
    return response
