"""Demo data for the cadre roster, used by ``seed_demo``.

Cadre number i is generated from its own random stream (seed, i), so the data do not
depend on how many cadres are asked for: ``--cadres 3000`` after ``--cadres 1500`` adds
cadres 1500…2999 and leaves the first 1,500 alone. The CCCD of cadre i ends with a
permutation of i, so the numbers are unique and say which cadres already exist.
"""

import argparse
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from common.bulk import copy_to_history, insert_new
from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE

from ..models import Appointment, Cadre, Commendation, Discipline, Position, Unit
from ..standards import StandardBook
from ..timeline import set_timeline
from .generator import CadreGenerator, DemoCadre, tail

__all__ = [
    "DEMO_COMMUNE_CODE",
    "MAX_CADRES",
    "PROVINCE_CODE",
    "SeedResult",
    "add_arguments",
    "seed",
    "seed_cadres",
]

BATCH_SIZE = 5000
MAX_CADRES = 1_000_000  # the six-digit CCCD serial keeps up to a million apart
HISTORY_LIMIT = 20_000  # up to this many cadres, audit history rows are written too


def demo_anchor(seed: int) -> datetime.date:
    """The day ages are counted from: when this seed's first demo cadre was made, so a
    re-run a year later recreates the same birthdays and CCCD numbers (and adds nothing)."""
    created = (
        Cadre.objects.filter(national_id__endswith=tail(seed, 0))
        .order_by("pk")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(created) if created else timezone.localdate()


def add_arguments(parser) -> None:
    parser.add_argument(
        "--cadres",
        type=_cadre_count,
        default=1500,
        help=f"Số cán bộ mẫu (tối đa {MAX_CADRES:,}); chạy lại chỉ thêm phần còn thiếu.",
    )


def _cadre_count(text: str) -> int:
    count = int(text)
    if not 0 <= count <= MAX_CADRES:
        raise argparse.ArgumentTypeError(f"--cadres phải từ 0 đến {MAX_CADRES}.")
    return count


def seed(*, seed: int, cadres: int, log: Callable[[str], None], **options) -> None:
    """``seed_demo``'s part for this app: the demo roster."""
    result = seed_cadres(count=cadres, seed=seed, log=log)
    log(f"Cán bộ: thêm {result.created}, đã có {result.existing} ({result.seconds:.1f} s).")


@dataclass
class SeedResult:
    created: int = 0
    existing: int = 0
    seconds: float = 0.0


def seed_cadres(
    *, count: int, seed: int, log: Callable[[str], None] = lambda line: None, batch_size: int = BATCH_SIZE
) -> SeedResult:
    """Make sure demo cadres 0…count-1 exist. Streams in batches, one transaction each, so
    a million cadres never sit in memory and an interrupted run resumes where it stopped."""
    if not 0 <= count <= MAX_CADRES:
        raise ValueError(f"count must be between 0 and {MAX_CADRES}")
    started = time.monotonic()
    result = SeedResult()
    if count == 0:
        return result
    generator = CadreGenerator(seed=seed, anchor=demo_anchor(seed))
    if Cadre.objects.filter(national_id=generator.national_id(count - 1)).exists():
        result.existing = count  # the last one is made last: everything before it is there
        result.seconds = time.monotonic() - started
        return result
    with_history = count <= HISTORY_LIMIT
    book = StandardBook()
    created_on = timezone.localdate()
    for first in range(0, count, batch_size):
        batch = [generator.build(index) for index in range(first, min(count, first + batch_size))]
        for item in batch:  # bulk_create skips save(), which sets them
            book.refresh_derived(item.cadre)
            set_timeline(item.cadre, item.appointments, created_on)
        with transaction.atomic():
            result.created += _save_batch(batch, with_history=with_history)
        result.existing = min(count, first + batch_size) - result.created
        log(
            f"Cán bộ: {min(count, first + batch_size):,}/{count:,}"
            f" ({time.monotonic() - started:.1f} s)".replace(",", ".")
        )
    if result.created:
        _analyze()
    result.seconds = time.monotonic() - started
    return result


def _analyze() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load. Autovacuum would do it
    eventually; until then the planner takes the tables for nearly empty and picks plans
    that make the roster pages many times slower (9.5 s instead of 0.5 s at a million)."""
    if connection.vendor != "postgresql":
        return
    # The unit table too: without its statistics the planner misjudges the scope subquery
    # and scans the trigram index for common words (0.8 s instead of 0.1 s at 100,000).
    tables = [
        model._meta.db_table for model in (Unit, Position, Cadre, Appointment, Commendation, Discipline)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def _save_batch(batch: list[DemoCadre], *, with_history: bool) -> int:
    ids = [item.cadre.national_id for item in batch]
    existing = set(Cadre.objects.filter(national_id__in=ids).values_list("national_id", flat=True))
    batch = [item for item in batch if item.cadre.national_id not in existing]
    if not batch:
        return 0
    cadres = [item.cadre for item in batch]
    insert_new(cadres)
    related = {Appointment: [], Commendation: [], Discipline: []}
    for item, cadre in zip(batch, cadres, strict=True):
        for model, rows in (
            (Appointment, item.appointments),
            (Commendation, item.commendations),
            (Discipline, item.disciplines),
        ):
            for row in rows:
                row.cadre_id = cadre.pk
            related[model].extend(rows)
    for rows in related.values():
        insert_new(rows)
    if with_history:
        for model, rows in ((Cadre, cadres), *related.items()):
            copy_to_history(model, [row.pk for row in rows], reason="Dữ liệu mẫu")
    return len(cadres)
