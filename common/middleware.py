"""Middleware of the whole site."""

from collections.abc import Callable

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
