# Placeholder while this module is being written; see cadres/urls.py for the views it exports.
from django.http import Http404


def _pending(request, *args, **kwargs):
    raise Http404


cadre_export = cadre_import = import_template = import_job = import_job_status = _pending
