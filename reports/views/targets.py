"""STUB: being written."""

from django.http import Http404


def target_list(request, *args, **kwargs):
    raise Http404


def target_create(request, *args, **kwargs):
    raise Http404


def target_cadres(request, *args, **kwargs):
    raise Http404


def target_edit(request, *args, **kwargs):
    raise Http404


def target_delete(request, *args, **kwargs):
    raise Http404

