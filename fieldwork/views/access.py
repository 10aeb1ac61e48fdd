"""Scope for the field-work pages. A trip is seen and run (by editors) inside the subtree of the unit that
organises it (``FieldTrip.objects.visible_to``); a secondment is seen by the cadre's unit and by
the host unit, and run by the cadre's side. Anything else does not exist for the user (404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import editor_required  # noqa: F401 (the views' guard)

from ..models import FieldTrip, Secondment

MAX_ID = 2**31


def _checked(pk) -> int:
    if not isinstance(pk, int) or not 0 < pk < MAX_ID:
        raise Http404
    return pk


def get_trip_for_user(user, pk: int) -> FieldTrip:
    return get_object_or_404(
        FieldTrip.objects.visible_to(user).select_related("organiser", "host", "created_by", "reported_by"),
        pk=_checked(pk),
    )


def get_secondment_for_user(user, pk: int) -> Secondment:
    return get_object_or_404(
        Secondment.objects.visible_to(user).select_related("cadre__unit", "host", "position", "appointment"),
        pk=_checked(pk),
    )


def get_managed_secondment(user, pk: int) -> Secondment:
    """A secondment of the user's own cadres; one they only host answers 404 on its edit pages."""
    return get_object_or_404(
        Secondment.objects.sent_by(user).select_related("cadre__unit", "host", "position", "appointment"),
        pk=_checked(pk),
    )


def sends(user, secondment: Secondment) -> bool:
    return Secondment.objects.sent_by(user).filter(pk=secondment.pk).exists()
