"""STUB: being written."""

from django.http import Http404


def plan_pdf(request, *args, **kwargs):
    raise Http404


def plan_docx(request, *args, **kwargs):
    raise Http404
