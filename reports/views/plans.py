"""STUB: being written."""

from django.http import Http404


def plan_list(request, *args, **kwargs):
    raise Http404


def plan_create(request, *args, **kwargs):
    raise Http404


def plan_detail(request, *args, **kwargs):
    raise Http404


def plan_edit(request, *args, **kwargs):
    raise Http404


def steering_edit(request, *args, **kwargs):
    raise Http404


def plan_delete(request, *args, **kwargs):
    raise Http404


def plan_history(request, *args, **kwargs):
    raise Http404

