"""The roster in and out of Excel: export of the filtered list, the import template, and the
import itself (upload → check with progress → preview → commit)."""

import re
import tempfile
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from accounts.permissions import editor_required

from ..exports import XLSX_CONTENT_TYPE, roster_filenames, write_import_template, write_roster
from ..filters import CadreFilter, describe_filters
from ..imports import ImportFileError, ImportJob, check_upload, scope_units
from ..models import AccessAction, AccessLog, Cadre

DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9]{8,40}")


def _spool():
    # FileResponse closes the file once it is sent; a with-block would close it too early.
    return tempfile.TemporaryFile()


def _xlsx_response(out, filename: str, *, display_name: str = "") -> FileResponse:
    """A download named ``filename`` (ASCII), or ``display_name`` by browsers that read the
    UTF-8 ``filename*`` (RFC 6266), which is all current ones."""
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    if display_name:
        response["Content-Disposition"] += f"; filename*=UTF-8''{quote(display_name)}"
    return response


def _filter_errors(filterset: CadreFilter) -> str:
    parts = []
    for name, errors in filterset.errors.items():
        field = filterset.form.fields.get(name)
        parts.append(f"{field.label if field else name}: {' '.join(errors)}")
    return "; ".join(parts)


@require_GET
def cadre_export(request):
    """The list page's filters, the list page's rows: one FilterSet for both."""
    filterset = CadreFilter(request.GET, queryset=Cadre.objects.visible_to(request.user), request=request)
    if "unit" in filterset.errors:
        # A unit outside the user's scope does not exist for them, as everywhere else.
        raise Http404
    if not filterset.is_valid():
        messages.error(
            request, f"Bộ lọc không hợp lệ, không xuất được danh sách. {_filter_errors(filterset)}"
        )
        return render(request, "400.html", status=400)
    today = timezone.localdate()
    out = _spool()
    count = write_roster(
        out,
        filterset.qs.select_related("unit", "position").iterator(chunk_size=2000),
        include_sensitive=request.user.can_see_sensitive,
        title=f"DANH SÁCH CÁN BỘ ĐOÀN (xuất ngày {today:%d/%m/%Y})",
        notes=describe_filters(filterset),
    )
    # Personal data law: exports of records are logged (DOMAIN.md §3).
    AccessLog.record(request.user, AccessAction.EXPORT, rows=count, detail=request.GET.urlencode())
    unit = filterset.form.cleaned_data.get("unit") or request.user.unit
    filename, display_name = roster_filenames(unit, today)
    response = _xlsx_response(out, filename, display_name=display_name)
    _mark_download_ready(request, response)
    return response


def _mark_download_ready(request, response) -> None:
    """Echo the page's download token in a cookie: the page's script watches for it to end
    its "preparing the file" indicator, since a download never loads a new page."""
    token = request.GET.get("download_token", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        response.set_cookie("download_token", token, max_age=120, samesite="Lax", secure=request.is_secure())


@editor_required
@require_GET
def import_template(request):
    units = scope_units(request.user).active().with_parent_name()
    out = _spool()
    write_import_template(out, units=units, example_unit=request.user.unit or units.first())
    return _xlsx_response(out, "mau-nhap-can-bo.xlsx")


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
            job = ImportJob.create(upload=form.cleaned_data["file"], user=request.user)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            job.start_check(request.user)
            return redirect(job)
    context = {"form": form, "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
    return render(request, "cadres/cadre_import.html", context, status=400 if form.errors else 200)


def _get_job(request, token: str) -> ImportJob:
    """Only the user who uploaded a file may see or commit it."""
    job = ImportJob.get(token, request.user)
    if job is None:
        raise Http404
    return job


@editor_required
@require_http_methods(["GET", "POST"])
def import_job(request, token: str):
    job = _get_job(request, token)
    if request.method == "POST":
        job.start_commit(request.user)
        return redirect(job)
    context = {"job": job, "state": job.state}
    return render(request, "cadres/cadre_import_job.html", context)


@editor_required
@require_GET
def import_job_status(request, token: str):
    """Polled by the progress bar; once the work is over the page reloads to show the outcome."""
    job = _get_job(request, token)
    if not job.is_running:
        return HttpResponseClientRefresh()
    return render(request, "cadres/includes/_import_progress.html", {"job": job})
