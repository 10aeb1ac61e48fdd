"""A course's class list and certificate list as PDF and as Excel, for every signed-in role
that sees the course: all four files from ``training.documents.course_document``. Exports of
personal data are logged."""

import io
import logging

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from cadres.views.access import logged_download

from ..documents import CourseDocument, course_document, render_course_pdf, write_course_xlsx
from ..models import Course
from .access import get_course_for_user

logger = logging.getLogger(__name__)

PDF_FAILED = (
    "Không tạo được tệp PDF danh sách học viên. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị "
    "hệ thống."
)


@require_GET
def class_list_pdf(request, pk: int):
    return _pdf(request, pk, certificates=False)


@require_GET
def class_list_xlsx(request, pk: int):
    return _xlsx(request, pk, certificates=False)


@require_GET
def certificates_pdf(request, pk: int):
    return _pdf(request, pk, certificates=True)


@require_GET
def certificates_xlsx(request, pk: int):
    return _xlsx(request, pk, certificates=True)


def _pdf(request, pk: int, *, certificates: bool):
    course = get_course_for_user(request.user, pk)
    document = course_document(course, request.user, certificates=certificates)
    try:
        pdf = render_course_pdf(document, request=request)
    except DatabaseError:
        raise  # the 503 page, not a message
    except Exception:
        # A WeasyPrint or template failure: the course with a message, never a broken download.
        logger.exception("PDF list of course %s failed", course.pk)
        messages.error(request, PDF_FAILED)
        return redirect(course)
    return _download(request, course, document, pdf, "pdf")


def _xlsx(request, pk: int, *, certificates: bool):
    course = get_course_for_user(request.user, pk)
    document = course_document(course, request.user, certificates=certificates)
    out = io.BytesIO()
    write_course_xlsx(out, document)
    return _download(request, course, document, out.getvalue(), "xlsx")


def _download(request, course: Course, document: CourseDocument, content: bytes, extension: str):
    return logged_download(
        request,
        content,
        document.filenames(extension),
        rows=document.row_count,
        detail=f"{document.title.capitalize()}: {course} ({extension.upper()})",
    )
