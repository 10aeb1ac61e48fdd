# Placeholder while this module is being written; see cadres/urls.py for the views it exports.
from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


unit_merge_view = _pending
