"""STUB: being written."""

from django.http import Http404


def report_edit(request, *args, **kwargs):
    raise Http404


def report_pdf(request, *args, **kwargs):
    raise Http404


def report_docx(request, *args, **kwargs):
    raise Http404

