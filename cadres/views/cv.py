"""The printable 2C CV (sơ yếu lý lịch) of a cadre, as a PDF."""

import re

from common.downloads import bytes_response
from common.pdf import render_pdf
from common.text import fold

from .. import registry
from ..models import AccessAction, AccessLog
from ..pdf import cv_context
from .access import get_cadre_for_user


def cadre_cv_pdf(request, pk: int):
    cadre = get_cadre_for_user(request.user, pk)
    context = cv_context(cadre, user=request.user)
    # Then the rows other apps add (the training app's courses…), through cadres.registry.
    context["training_rows"] = [
        *context["training_rows"],
        *registry.cv_rows("training", cadre=cadre, user=request.user),
    ]
    pdf = render_pdf("cadres/cadre_cv.html", context, request=request)
    AccessLog.record(request.user, AccessAction.CV, cadre=cadre)
    # Personal data: the response stays out of shared caches and the browser's disk cache.
    return bytes_response(pdf, f"so-yeu-ly-lich-{_slug(cadre.full_name)}.pdf", inline=True)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "can-bo"
