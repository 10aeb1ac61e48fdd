from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


cadre_list = cadre_create = cadre_detail = cadre_edit = cadre_archive = _pending
appointment_create = appointment_close = record_create = _pending
