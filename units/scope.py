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


# treebeard's path alphabet, in the order both SQLite's binary and PostgreSQL's collations sort it.
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def subtree_condition(path_lookup: str, prefix: str) -> Q:
    """Rows whose ``path_lookup`` starts with ``prefix``, as a range (``>= prefix AND < next``)
    rather than ``LIKE 'prefix%'``: a range walks a B-tree index in order on every database and
    collation, where LIKE needs a C collation or pattern operators on PostgreSQL and is
    case-insensitive (unindexable) on SQLite. Paths hold only ``PATH_ALPHABET``, where every
    collation agrees with the byte order."""
    condition = Q(**{f"{path_lookup}__gte": prefix})
    upper = _next_prefix(prefix)
    if upper is not None:
        condition &= Q(**{f"{path_lookup}__lt": upper})
    return condition


def _next_prefix(prefix: str) -> str | None:
    """The smallest path after every path that starts with ``prefix`` ("0001" → "0002",
    "00Z" → "010"), or None when there is none ("ZZZ")."""
    head = prefix.rstrip(PATH_ALPHABET[-1])
    if not head:
        return None
    return head[:-1] + PATH_ALPHABET[PATH_ALPHABET.index(head[-1]) + 1]


def path_prefixes(path: str, steplen: int) -> list[str]:
    """The paths of a unit's ancestors and its own, top down: "00010002" → ["0001", "00010002"]."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


class ScopedQuerySet(models.QuerySet):
    """``unit_field`` is the lookup from the model to its unit: "unit", "cadre__unit", "target";
    "" for the unit itself. ``path_field`` is the lookup of that unit's path, by default through
    the unit; a model that keeps a copy of it (``Cadre.unit_path``) names its own column."""

    unit_field: str = "unit"
    path_field: str | None = None

    def visible_to(self, user) -> "ScopedQuerySet":
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == EVERYTHING:
            return self.all()
        return self.filter(self.scope_condition(prefix))

    def scope_condition(self, prefix: str) -> Q:
        lookup = self.path_field or (f"{self.unit_field}__path" if self.unit_field else "path")
        return subtree_condition(lookup, prefix)
