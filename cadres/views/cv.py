"""The printable 2C CV (sơ yếu lý lịch) of a cadre, as a PDF."""

import logging
import re

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import redirect

from common.downloads import bytes_response
from common.pdf import render_pdf
from common.text import fold

from .. import registry
from ..models import AccessAction, AccessLog
from ..pdf import cv_context
from .access import get_cadre_for_user

logger = logging.getLogger(__name__)

PDF_FAILED = (
    "Không tạo được tệp PDF sơ yếu lý lịch. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị hệ thống."
)


def cadre_cv_pdf(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    context = cv_context(cadre, user=request.user)
    # Then the rows other apps add (the training app's courses…), through cadres.registry.
    context["training_rows"] = [
        *context["training_rows"],
        *registry.cv_rows("training", cadre=cadre, user=request.user),
    ]
    try:
        pdf = render_pdf("cadres/cadre_cv.html", context, request=request)
    except DatabaseError:
        raise  # the 503 page, not a message
    except Exception:
        # A WeasyPrint or template failure: the user gets their profile back with a message, never
        # a broken download; the log keeps the traceback.
        logger.exception("CV PDF of cadre %s failed", cadre.pk)
        messages.error(request, PDF_FAILED)
        return redirect("cadres:cadre-detail", pk=cadre.pk)
    AccessLog.record(request.user, AccessAction.CV, cadre=cadre)
    # Personal data: the response stays out of shared caches and the browser's disk cache.
    return bytes_response(pdf, f"so-yeu-ly-lich-{_slug(cadre.full_name)}.pdf", inline=True)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "can-bo"
