"""The one rule of scope: a user sees their own unit and every unit below it.

Every model that belongs to a unit gets ``visible_to(user)`` from ``ScopedQuerySet``, naming
the way from the model to its unit (``unit_field``); the rule is applied as one join on the
unit's materialized path. Changing who sees what happens here and nowhere else.
"""

from django.db import models
from django.db.models import Q

# ``scope_prefix`` answers: no scope at all, everything, or the path prefix of the user's unit.
EVERYTHING = ""


def scope_prefix(user) -> str | None:
    """The path prefix of what ``user`` may see: ``EVERYTHING`` (""), or ``None`` for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.sees_everything:
        return EVERYTHING
    if user.unit_id is None:
        return None
    return user.unit.path


def path_prefixes(path: str, steplen: int) -> list[str]:
    """The paths of a unit's ancestors and its own, top down: "00010002" → ["0001", "00010002"]."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


class ScopedQuerySet(models.QuerySet):
    """``unit_field`` is the lookup from the model to its unit: "unit", "cadre__unit", "target";
    "" for the unit itself."""

    unit_field: str = "unit"

    def visible_to(self, user) -> "ScopedQuerySet":
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        return self.filter(self.scope_condition(prefix))

    def scope_condition(self, prefix: str) -> Q:
        lookup = f"{self.unit_field}__path__startswith" if self.unit_field else "path__startswith"
        return Q(**{lookup: prefix})
