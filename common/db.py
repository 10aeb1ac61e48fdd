"""Reads from the read replica, only where the code says so.

A replica (``DATABASES["replica"]``, configured by ``DATABASE_REPLICA_URL``) lags behind the
primary: a page that saves a form and then shows it must read the primary, or it shows the old
values. So nothing reads from the replica by default. Reporting code that reads a lot and can
live with data a second old opts in, for a block (``with read_replica():``) or a whole view
(``@reads_from_replica``); ``config/routers.py`` then sends its reads there. Writes always go to
the primary, inside such a block too, and without a replica alias the flag changes nothing.

The flag is a context variable: it holds for the thread (or asyncio task) that set it, so one
request of a threaded web worker never switches another's reads.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from inspect import iscoroutinefunction

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_reads() -> bool:
    """Whether the running code is marked as read-only reporting."""
    return _replica_reads.get()


@contextmanager
def read_replica() -> Iterator[None]:
    """Reads within the block go to the replica when one is configured. Mark only code that
    reads what it reports, never code that reads what it has just written."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view whose reads go to the replica, as in ``read_replica()``: a GET that reports."""
    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def _async_view(*args, **kwargs):
            with read_replica():
                return await view(*args, **kwargs)

        return _async_view

    @functools.wraps(view)
    def _view(*args, **kwargs):
        with read_replica():
            return view(*args, **kwargs)

    return _view
