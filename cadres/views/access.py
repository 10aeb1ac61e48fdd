"""Access helpers: every view gets its objects through these, so scope is enforced in one
place and the related rows a page needs come in the same query."""

from django.shortcuts import get_object_or_404

from ..models import Cadre, Unit


def get_unit_for_user(user, pk: int) -> Unit:
    """The unit if the user may see it; 404 otherwise, as if it did not exist."""
    return get_object_or_404(Unit.objects.visible_to(user), pk=pk)


def get_cadre_for_user(user, pk: int) -> Cadre:
    """The cadre if inside the user's scope; 404 otherwise."""
    return get_object_or_404(Cadre.objects.visible_to(user).select_related("unit", "position"), pk=pk)
