"""The unit tree lives in the ``units`` app, below ``accounts`` and ``cadres``; re-exported here
so that ``from cadres.models import Unit`` keeps working."""

from units.models import (
    Sector,
    Unit,
    UnitKind,
    UnitLevel,
    UnitManager,
    UnitQuerySet,
    parent_name_of,
    unit_label,
)

__all__ = [
    "Sector",
    "Unit",
    "UnitKind",
    "UnitLevel",
    "UnitManager",
    "UnitQuerySet",
    "parent_name_of",
    "unit_label",
]
