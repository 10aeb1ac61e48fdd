"""The printable 2C CV (sơ yếu lý lịch) of a cadre, as a PDF."""

import re

from django.http import HttpResponse

from ..models import AccessAction, AccessLog
from ..pdf import cv_context, render_pdf
from ..text import fold
from .access import get_cadre_for_user


def cadre_cv_pdf(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    pdf = render_pdf("cadres/cadre_cv.html", cv_context(cadre, user=request.user), request=request)
    AccessLog.record(request.user, AccessAction.CV, cadre=cadre)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-yeu-ly-lich-{_slug(cadre.full_name)}.pdf"'
    # Personal data: keep it out of shared caches and the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "can-bo"
