"""The roster in and out of Excel: export of the filtered list (large ones as a task whose file
the user downloads when ready), the import template, and the import itself (upload → check with
progress → preview → commit)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.permissions import editor_required
from common.db import reads_from_replica
from common.downloads import file_response, mark_download_ready, spooled_file

from ..exports import write_import_template
from ..filters import CadreFilter, describe_filters
from ..imports import ImportFileError, check_upload, scope_units
from ..imports.jobs import (
    import_job_cancel,
    import_job_commit,
    import_job_create,
    import_job_end_if_interrupted,
)
from ..models import ExportJob, ExportStatus, ImportJob
from ..tasks import export_job_create, roster_filter, write_filtered_roster

RECENT_JOBS = 5


def _filter_errors(filterset: CadreFilter) -> str:
    parts = []
    for name, errors in filterset.errors.items():
        field = filterset.form.fields.get(name)
        parts.append(f"{field.label if field else name}: {' '.join(errors)}")
    return "; ".join(parts)


def _checked_roster_filter(request) -> CadreFilter | None:
    """The list page's filters, or ``None`` when they are invalid (with a message to show)."""
    filterset = roster_filter(request.GET, user=request.user)
    if "unit" in filterset.errors:
        # A unit outside the user's scope does not exist for them, as everywhere else.
        raise Http404
    if not filterset.is_valid():
        messages.error(
            request, f"Bộ lọc không hợp lệ, không xuất được danh sách. {_filter_errors(filterset)}"
        )
        return None
    return filterset


def _export_query(request) -> str:
    query = request.GET.copy()
    query.pop("download_token", None)
    return query.urlencode()


@require_GET
@reads_from_replica  # reads only (its access log is a write, which goes to the primary)
def cadre_export(request):
    """The list page's filters, the list page's rows: one FilterSet for both. A large list is
    written by a task instead, so that no web worker is held for it: the page says so and offers
    to start it."""
    filterset = _checked_roster_filter(request)
    if filterset is None:
        return render(request, "400.html", status=400)
    count = filterset.qs.count()
    if count >= settings.EXPORT_BACKGROUND_MIN_ROWS:
        context = {
            "count": count,
            "notes": describe_filters(filterset),
            "query": _export_query(request),
            "recent_jobs": ExportJob.objects.owned_by(request.user)[:RECENT_JOBS],
        }
        return render(request, "cadres/cadre_export_start.html", context)
    out = spooled_file()
    _, filename, display_name = write_filtered_roster(
        out, filterset, user=request.user, query=request.GET.urlencode()
    )
    response = file_response(out, display_name, ascii_name=filename)
    mark_download_ready(request, response)
    return response


@require_POST
def cadre_export_start(request):
    filterset = _checked_roster_filter(request)
    if filterset is None:
        return render(request, "400.html", status=400)
    return redirect(export_job_create(user=request.user, query=_export_query(request)))


def _get_export_job(request, token) -> ExportJob:
    """A user's own exports only: another user's answers 404."""
    return get_object_or_404(ExportJob.objects.owned_by(request.user), token=token)


@require_GET
def export_job(request, token):
    return render(request, "cadres/cadre_export_job.html", {"job": _get_export_job(request, token)})


@require_GET
def export_job_status(request, token):
    """Polled by the progress bar; once the work is over the page reloads to show the outcome."""
    job = _get_export_job(request, token)
    if not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "cadres/includes/_job_progress.html", {"job": job})


@require_GET
def export_job_download(request, token):
    job = _get_export_job(request, token)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404  # not written yet, failed, or removed after a day
    return file_response(job.file.open("rb"), job.display_name, ascii_name=job.filename)


@editor_required
@require_GET
def import_template(request):
    units = scope_units(request.user).active().with_parent_name()
    out = spooled_file()
    write_import_template(out, units=units, example_unit=request.user.unit or units.first())
    return file_response(out, "mau-nhap-can-bo.xlsx", private=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


@editor_required
@require_http_methods(["GET", "POST"])
def cadre_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(upload=form.cleaned_data["file"], user=request.user)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect(job)
    context = {
        "form": form,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "recent_jobs": ImportJob.objects.owned_by(request.user)[:RECENT_JOBS],
    }
    return render(request, "cadres/cadre_import.html", context, status=400 if form.errors else 200)


def _get_import_job(request, token) -> ImportJob:
    """Only the user who uploaded a file may see or commit it. A job whose worker died ends here,
    when its page is shown or polled."""
    job = get_object_or_404(ImportJob.objects.owned_by(request.user), token=token)
    import_job_end_if_interrupted(job)
    return job


@editor_required
@require_http_methods(["GET", "POST"])
def import_job(request, token):
    job = _get_import_job(request, token)
    if request.method == "POST":
        import_job_commit(job)
        return redirect(job)
    return render(request, "cadres/cadre_import_job.html", {"job": job, "state": job.result})


@editor_required
@require_GET
def import_job_status(request, token):
    """Polled by the progress bar; once the work is over the page reloads to show the outcome."""
    job = _get_import_job(request, token)
    if not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "cadres/includes/_job_progress.html", {"job": job})


@require_POST
@editor_required
def import_cancel(request, token):
    """The job page's cancel button: the check or save stops at its next row, saving nothing."""
    job = _get_import_job(request, token)
    import_job_cancel(job)
    return redirect(job)
