"""STUB: being written."""

from django.http import Http404


def lower_plans(request, *args, **kwargs):
    raise Http404


def plan_submit(request, *args, **kwargs):
    raise Http404


def plan_review(request, *args, **kwargs):
    raise Http404

