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
from common.text import thousands

from ..documents import CourseDocument, course_document, render_course_pdf, write_course_xlsx
from ..models import Course, EnrollmentStatus
from .access import get_course_for_user, learners_for

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


# A document is made while the user waits: a class of thousands (a resolution study) is not
# printed learner by learner. About 8 s for 1,000 rows in a PDF on the benchmark's machine.
MAX_PDF_ROWS = 1_000
MAX_XLSX_ROWS = 20_000


def _too_long(request, course: Course, *, certificates: bool, limit: int, what: str):
    """None, or the course page with a message when the list has more than ``limit`` rows (one
    count on the class's index)."""
    learners = learners_for(request.user, course).order_by()
    if certificates:
        learners = learners.filter(status=EnrollmentStatus.COMPLETED)
    count = learners.count()
    if count <= limit:
        return None
    advice = "Hãy tải bản Excel." if what == "bản PDF" else "Hãy liên hệ quản trị hệ thống."
    messages.error(
        request,
        f"Danh sách có {thousands(count)} học viên: {what} chỉ lập được cho tối đa {thousands(limit)} người. "
        f"{advice}",
    )
    return redirect(course)


def _pdf(request, pk: int, *, certificates: bool):
    course = get_course_for_user(request.user, pk)
    if refused := _too_long(request, course, certificates=certificates, limit=MAX_PDF_ROWS, what="bản PDF"):
        return refused
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
    if refused := _too_long(
        request, course, certificates=certificates, limit=MAX_XLSX_ROWS, what="bản Excel"
    ):
        return refused
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
