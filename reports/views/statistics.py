"""STUB: being written."""

from django.http import Http404


def statistics(request, *args, **kwargs):
    raise Http404


def statistics_xlsx(request, *args, **kwargs):
    raise Http404


def statistics_pdf(request, *args, **kwargs):
    raise Http404

