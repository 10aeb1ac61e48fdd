"""Middleware of the whole site."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBase


class PrivateCacheMiddleware:
    """Every page a signed-in user sees carries personal data: keep it out of shared caches and
    the browser's disk cache (``Cache-Control: private, no-store``), unless the view chose its
    own caching. Downloads (common/downloads.py) set the same header themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Cache-Control" not in response and _is_signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response


def _is_signed_in(request: HttpRequest) -> bool:
    # The error pages of an unreachable database set their own header, so this lookup (which
    # may read the session) does not run for them.
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class RefuseNulMiddleware:
    """A NUL character in the query string is no one's input: PostgreSQL refuses it in any
    string, so a filter or search passing it on would fail with a 500. Such a request is
    answered 400 (the app's Vietnamese page) before any view sees it. Forms' fields refuse NUL
    in posted data themselves (Django's ``ProhibitNullCharactersValidator``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL in the query string")
        return self.get_response(request)
