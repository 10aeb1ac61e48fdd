"""Where a cadre counts on a date, and the four columns that spare the statistics of a past date
from asking for most cadres.

The rule (the quality statistics of a past date, ``reports.statistics.data``): on a date, a cadre
counts in the unit of the post they held then — among the posts started by that date, one still
running on the date before one that had ended, the main post before a concurrent one, the latest
started first (then the latest recorded); with no post started by then, in the unit on the
profile. A cadre is on the roster from their first post's start or from their record's creation,
whichever is earlier.

``Cadre.on_roster_since`` keeps that first day; ``Cadre.unit_since`` the day from which the rule
gives the cadre's present unit on every later date (empty: on every date, as for a cadre whose
posts were all in their unit); ``Cadre.earlier_unit`` the unit the rule gives just before that,
on every date from ``Cadre.earlier_since``. The statistics count everyone from these columns on a
date on or after ``earlier_since``, and look up the post held then only for the others: a few in
a thousand, instead of every cadre of a million.

Kept in step here: after a post is saved or deleted, after a cadre's unit changes
(``cadres.derived``), after bulk inserts (``refresh_timelines``), and by ``refresh_roster``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple

from django.db import connections, router
from django.utils import timezone

from .models import Appointment, AppointmentKind, Cadre

NEVER = datetime.date.max  # ``unit_since`` of a cadre who no longer counts in their present unit
ONE_DAY = datetime.timedelta(days=1)


class Timeline(NamedTuple):
    on_roster_since: datetime.date
    unit_since: datetime.date | None = None
    earlier_unit_id: int | None = None
    earlier_since: datetime.date | None = None


@dataclass(frozen=True)
class Post:
    order: int  # the order posts were recorded in (their primary key)
    unit_id: int
    concurrent: bool
    started_on: datetime.date
    ended_on: datetime.date | None


def counted_unit(posts: Sequence[Post], day: datetime.date, profile_unit_id: int) -> int:
    """The unit a cadre with ``posts`` counts in on ``day`` (the module's rule)."""
    started = [post for post in posts if post.started_on <= day]
    if not started:
        return profile_unit_id
    held = min(
        started,
        key=lambda post: (
            0 if post.ended_on is None or post.ended_on >= day else 1,
            1 if post.concurrent else 0,
            -post.started_on.toordinal(),
            -post.order,
        ),
    )
    return held.unit_id


def timeline(unit_id: int, created_on: datetime.date, posts: Sequence[Post]) -> Timeline:
    """The columns of a cadre of ``unit_id`` whose record was created on ``created_on``. The
    rule's answer changes only on the day a post starts or the day after one ends, so it is
    asked on those days alone, latest first: the stretch in the present unit, then the one
    before it."""
    on_roster = min([created_on, *(post.started_on for post in posts)])
    changes = sorted(
        {post.started_on for post in posts}
        | {post.ended_on + ONE_DAY for post in posts if post.ended_on is not None and post.ended_on < NEVER}
    )
    since = earlier = earlier_since = None
    for later, day in zip([None, *reversed(changes)], reversed(changes), strict=False):
        found = counted_unit(posts, day, unit_id)
        if since is None:
            if found != unit_id:
                since, earlier, earlier_since = later or NEVER, found, day
        elif found == earlier:
            earlier_since = day
        else:
            break
    # Before the first post the profile's unit counts: the present one, never the earlier.
    return Timeline(on_roster, since, earlier, earlier_since)


def posts_of(rows: Iterable[dict]) -> list[Post]:
    return [
        Post(
            order=row["pk"],
            unit_id=row["unit_id"],
            concurrent=row["kind"] == AppointmentKind.CONCURRENT,
            started_on=row["started_on"],
            ended_on=row["ended_on"],
        )
        for row in rows
    ]


def set_timeline(cadre: Cadre, appointments: Sequence[Appointment], created_on: datetime.date) -> None:
    """Set the columns of a cadre about to be inserted with its posts (demo data): the posts
    are recorded in the order given."""
    posts = posts_of(
        {
            "pk": index,
            "unit_id": post.unit_id,
            "kind": post.kind,
            "started_on": post.started_on,
            "ended_on": post.ended_on,
        }
        for index, post in enumerate(appointments)
    )
    found = timeline(cadre.unit_id, created_on, posts)
    cadre.on_roster_since, cadre.unit_since = found.on_roster_since, found.unit_since
    cadre.earlier_unit_id, cadre.earlier_since = found.earlier_unit_id, found.earlier_since


def refresh_timelines(
    cadre_ids: Iterable[int] | None = None,
    *,
    batch_size: int = 5000,
    models: tuple[type, type] = (Cadre, Appointment),
    using: str | None = None,
) -> int:
    """Recompute the four columns of the given cadres (every cadre by default), reading the
    cadres and their posts in batches of primary keys; only rows whose values differ are
    written. Returns how many were. ``models`` and ``using``: a migration's own."""
    cadre_model = models[0]
    using = using or router.db_for_write(cadre_model)
    cadres = cadre_model._base_manager.using(using).order_by("pk").values(*_CADRE_COLUMNS)
    return sum(_refresh_rows(rows, models, using) for rows in _batches(cadres, cadre_ids, batch_size))


def _batches(cadres, cadre_ids: Iterable[int] | None, size: int) -> Iterator[list[dict]]:
    """The rows of ``cadre_ids`` (every cadre: None), ``size`` at a time, by primary key."""
    if cadre_ids is not None:
        wanted = sorted(set(cadre_ids))
        for start in range(0, len(wanted), size):
            yield list(cadres.filter(pk__in=wanted[start : start + size]))
        return
    last = 0
    while rows := list(cadres.filter(pk__gt=last)[:size]):
        yield rows
        last = rows[-1]["pk"]


_CADRE_COLUMNS = ("pk", "unit_id", "created_at", *Timeline._fields)


def _refresh_rows(rows: list[dict], models: tuple[type, type], using: str) -> int:
    cadre_model, appointment_model = models
    appointments = (
        appointment_model._base_manager.using(using)
        .filter(cadre_id__in=[row["pk"] for row in rows])
        .order_by("cadre_id", "pk")
        .values("cadre_id", "pk", "unit_id", "kind", "started_on", "ended_on")
    )
    by_cadre = groupby(appointments, key=lambda row: row["cadre_id"])
    posts = {cadre_id: posts_of(group) for cadre_id, group in by_cadre}
    changed = []
    for row in rows:
        created_on = timezone.localdate(row["created_at"]) if row["created_at"] else timezone.localdate()
        values = timeline(row["unit_id"], created_on, posts.get(row["pk"], []))
        if values != tuple(row[name] for name in Timeline._fields):
            changed.append((*values, row["pk"]))
    if changed:
        _write(changed, connections[using], connections[using].ops.quote_name(cadre_model._meta.db_table))
    return len(changed)


def _write(changed: list[tuple], connection, table: str) -> None:
    """One UPDATE per batch on PostgreSQL (a statement per row took 8 minutes for a million
    cadres); SQLite runs a statement per row as fast."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor,
                f"UPDATE {table} AS cadre SET on_roster_since = v.since::date, unit_since = v.here::date,"
                " earlier_unit_id = v.earlier::integer, earlier_since = v.earlier_since::date"
                " FROM (VALUES %s) AS v(since, here, earlier, earlier_since, id) WHERE cadre.id = v.id",
                changed,
                page_size=len(changed),
            )
        else:
            statement = (
                f"UPDATE {table} SET on_roster_since = %s, unit_since = %s, earlier_unit_id = %s,"
                " earlier_since = %s WHERE id = %s"
            )
            cursor.executemany(statement, changed)
