"""Models of the roster, one module per theme; everything is importable from ``cadres.models``."""

from .access import *  # noqa: F403
from .catalogue import *  # noqa: F403
from .jobs import *  # noqa: F403
from .merges import *  # noqa: F403
from .roster import *  # noqa: F403
from .units import *  # noqa: F403
