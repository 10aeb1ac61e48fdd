"""Access helpers: every view gets its objects through these, so scope is enforced in one
place and the related rows a page needs come in the same query."""

from django.shortcuts import get_object_or_404

from common.downloads import bytes_response, mark_download_ready

from ..models import AccessAction, AccessLog, Cadre, Unit


def get_unit_for_user(user, pk: int) -> Unit:
    """The unit if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(Unit.objects.visible_to(user), pk=pk)


def get_cadre_for_user(user, pk: int) -> Cadre:
    """The cadre if inside the user's scope; 404 otherwise."""
    return get_object_or_404(Cadre.objects.visible_to(user).select_related("unit", "position"), pk=pk)


def logged_download(request, content: bytes, filenames: tuple[str, str], *, rows: int, detail: str):
    """A document of records as a download (the planning and training lists), its export
    written to the access log first, with the rows it holds: the personal data law (DOMAIN.md
    §3). ``filenames`` is (the Vietnamese name, its ASCII fallback)."""
    AccessLog.record(request.user, AccessAction.EXPORT, rows=rows, detail=detail)
    filename, ascii_name = filenames
    response = bytes_response(content, filename, ascii_name=ascii_name)
    mark_download_ready(request, response)
    return response
