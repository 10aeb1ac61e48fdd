"""Figures too costly to compute within a request, kept as snapshots and refreshed in the
background: stale-while-revalidate, with the database as the store.

A kind of snapshot (``SnapshotKind``) names how to compute a value from a key's argument and
the token of the data it depends on (``common.versions``). ``fetch(kind, argument)``:

- reads the stored snapshot (one query); if its version is the data's, that is the answer;
- if the data changed since, it answers with the stored value, marked ``stale``, and queues one
  task (``refresh_snapshot``, on the Tasks framework's worker) to compute the new one; a task
  already queued for that version is not queued again (``wanted_version``), unless it has not
  finished within ``RETRY_AFTER``;
- with no snapshot yet (a user's first visit), it computes the value within the request, or,
  for a caller that knows the work is large (``inline=False``), queues it and answers with no
  value (``None``, ``stale``), as it would for a change.

So a visit after a change costs what a visit before it does; the figures it shows are those of
the previous version, for the few seconds the worker takes, and say when they were computed.
With the immediate task backend (tests, no worker) the task runs at once and ``fetch``
answers with its result. The values are pickled: a kind changes ``format`` in its version
when what it stores changes shape, and a value that no longer loads is computed again."""

import datetime
import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import Snapshot

logger = logging.getLogger(__name__)

RETRY_AFTER = datetime.timedelta(minutes=2)


@dataclass(frozen=True)
class SnapshotKind:
    name: str
    compute: Callable[[str], Any]  # the value for a key's argument
    version: Callable[[str], str]  # the token of the data the value depends on


@dataclass(frozen=True)
class Fetched:
    value: Any
    computed_at: datetime.datetime
    stale: bool  # computed from older data; the new value is being computed


KINDS: dict[str, SnapshotKind] = {}


def register(kind: SnapshotKind) -> SnapshotKind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"Snapshot kind {kind.name!r} is registered twice.")
    KINDS[kind.name] = kind
    return kind


def fetch(
    name: str, argument: str, *, inline: bool = True, fresh: bool = False, version: str | None = None
) -> Fetched:
    """The snapshot of ``argument``. ``fresh``: never the previous version's value, computed
    within the request if need be (a document). ``version``: the data's token when the caller
    has it already (the kind's ``version(argument)`` otherwise; the task asks the kind)."""
    kind = KINDS[name]
    version = _digest(kind.version(argument) if version is None else version)
    row = Snapshot.objects.filter(key=_key(name, argument)).first()
    return _answer(kind, argument, version, row, inline=inline, fresh=fresh)


def fetch_many(name: str, arguments: list[str], *, version: str, fresh: bool = False) -> dict[str, Fetched]:
    """``fetch`` of several arguments sharing the data's token ``version``: their stored
    snapshots read in one query."""
    kind = KINDS[name]
    digest = _digest(version)
    rows = {row.key: row for row in Snapshot.objects.filter(key__in=[_key(name, a) for a in arguments])}
    return {
        argument: _answer(kind, argument, digest, rows.get(_key(name, argument)), inline=True, fresh=fresh)
        for argument in arguments
    }


def _answer(
    kind: SnapshotKind, argument: str, version: str, row: Snapshot | None, *, inline: bool, fresh: bool
) -> Fetched:
    """What ``fetch`` answers from the stored ``row`` (None: none yet) for the data's ``version``."""
    key = _key(kind.name, argument)
    value = _load(row)
    if value is _MISSING or (inline and row.version == ""):  # none yet, or only its placeholder
        if inline:
            return _compute(kind, key, argument, version)
        row, value = _placeholder(key), None
    if row.version == version:
        return Fetched(value, row.computed_at, stale=False)
    if fresh:
        return _compute(kind, key, argument, version)
    if _claim(row, version):
        refresh_snapshot.enqueue(kind.name, argument)
        row = Snapshot.objects.filter(pk=row.pk).first()  # the immediate backend refreshed it
        if row is not None and row.version == version and (new := _load(row)) is not _MISSING:
            return Fetched(new, row.computed_at, stale=False)
    return Fetched(value, row.computed_at if row else timezone.now(), stale=True)


@task()
def refresh_snapshot(name: str, argument: str) -> None:
    """Compute the snapshot of ``argument`` again, unless it already holds the data's version."""
    kind = KINDS.get(name)
    if kind is None:
        return
    key = _key(name, argument)
    version = _digest(kind.version(argument))
    if Snapshot.objects.filter(key=key, version=version).exists():
        return
    _compute(kind, key, argument, version)


def forget(name: str, argument_prefix: str = "") -> int:
    """Delete the snapshots of a kind (those whose argument starts with ``argument_prefix``)."""
    deleted, _ = Snapshot.objects.filter(key__startswith=_key(name, argument_prefix)).delete()
    return deleted


def _compute(kind: SnapshotKind, key: str, argument: str, version: str) -> Fetched:
    """Compute the value and store it under ``version`` (the data's version read before the
    computation began: a change made meanwhile makes the next visit refresh it again)."""
    started = time.perf_counter()
    value = kind.compute(argument)
    values = {
        "version": version,
        "computed_at": timezone.now(),
        "seconds": round(time.perf_counter() - started, 3),
        "value": pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
        "wanted_version": "",
        "wanted_at": None,
    }
    _store(key, values)
    return Fetched(value, values["computed_at"], stale=False)


def _store(key: str, values: dict) -> Snapshot:
    """Write the row of ``key``, whether or not another request has just made it."""
    try:
        with transaction.atomic():
            row, _ = Snapshot.objects.update_or_create(key=key, defaults=values)
    except IntegrityError:  # another request made it first: ours is as new
        Snapshot.objects.filter(key=key).update(**values)
        row = Snapshot.objects.get(key=key)
    return row


def _placeholder(key: str) -> Snapshot:
    """The row of a snapshot not computed yet: no value, no version (so it is refreshed)."""
    return _store(key, {"version": "", "computed_at": timezone.now(), "value": pickle.dumps(None)})


def _claim(row: Snapshot, version: str) -> bool:
    """Whether this request queues the refresh to ``version``: the first to ask for it, or the
    first after a queued refresh did not finish in time."""
    now = timezone.now()
    waiting = ~Q(wanted_version=version) | Q(wanted_at__isnull=True) | Q(wanted_at__lt=now - RETRY_AFTER)
    return bool(
        Snapshot.objects.filter(pk=row.pk).filter(waiting).update(wanted_version=version, wanted_at=now)
    )


_MISSING = object()


def _load(row: Snapshot | None) -> Any:
    if row is None:
        return _MISSING
    try:
        return pickle.loads(bytes(row.value))
    except Exception:  # written by older code: computed again
        logger.warning("Snapshot %s no longer loads; computing it again", row.key, exc_info=True)
        return _MISSING


def _key(name: str, argument: str) -> str:
    return f"{name}:{argument}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
