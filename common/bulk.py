"""Writing new records by the thousand: imports and demo data.

``bulk_create`` compiles every value through the query compiler, and on SQLite sends at most
999 values per statement (20 rows of a wide table); django-simple-history's
``bulk_history_create`` then builds a historical instance per row in Python and compiles every
value once more. For a 10,000-row import that was two thirds of the time spent saving. Here:

- ``insert_new`` converts each value with its field's own ``get_db_prep_save`` (as
  ``bulk_create`` does, less the compiler's layers) and sends the rows in one ``COPY`` on
  PostgreSQL (their keys taken from the sequence first), a few hundred per
  ``INSERT … RETURNING`` on SQLite;
- ``copy_to_history`` copies rows already in their table into its history table, one
  ``INSERT … SELECT`` per batch, with the same result as ``bulk_history_create``.

Neither calls ``save()`` or sends signals: the caller does what ``save()`` would
(``Cadre.prepare_for_save``…), as for ``bulk_create``.
"""

import datetime
import decimal
import io
from collections.abc import Sequence

from django.conf import settings
from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

BATCH = 500  # rows, or ids, per statement
SQLITE_DEFAULT_VARIABLES = 999  # SQLite's limit on parameters before 3.32, when it can't be read


def insert_new(objs: Sequence[Model]) -> None:
    """INSERT new records of one model, with an automatic primary key, and set their keys."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [field for field in opts.concrete_fields if field is not opts.pk and not field.generated]
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError(f"insert_new takes new {opts.label} records only, not {obj!r}.")
        obj._prepare_related_fields_for_save(operation_name="insert_new")  # FK ids of saved parents
    rows = [
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objs
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and (lines := _copy_lines(rows)) is not None:
            keys = _copy(cursor, connection, opts, fields, lines)
        else:
            keys = _insert_values(cursor, connection, opts, fields, rows)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias


def _insert_values(cursor, connection, opts, fields, rows) -> list:
    """Multi-row INSERT … VALUES … RETURNING, a few hundred rows per statement."""
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    per_statement = min(BATCH, max(1, _max_parameters(connection) // len(fields)))
    keys = []
    for start in range(0, len(rows), per_statement):
        batch = rows[start : start + per_statement]
        marks = ", ".join([row_marks] * len(batch))
        cursor.execute(f"{head}{marks} RETURNING {quote(opts.pk.column)}", [v for row in batch for v in row])
        keys += [key for (key,) in cursor.fetchall()]
    return keys


def _copy(cursor, connection, opts, fields, lines: list[str]) -> list:
    """PostgreSQL: the keys taken from the table's sequence first, then every row in one COPY
    (half the time of INSERT … VALUES, which the server must parse value by value)."""
    quote = connection.ops.quote_name
    table, pk = quote(opts.db_table), opts.pk.column
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(lines)]
    )
    keys = [key for (key,) in cursor.fetchall()]
    data = io.StringIO("".join(f"{key}\t{line}\n" for key, line in zip(keys, lines, strict=True)))
    columns = ", ".join(quote(column) for column in [pk, *(field.column for field in fields)])
    with connection.wrap_database_errors:  # IntegrityError… as Django's own, as for execute()
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", data)
    return keys


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_lines(rows: list[list]) -> list[str] | None:
    """Rows in COPY's text format, or None if a value is of a kind it is not written for
    (JSON, arrays…: those go as INSERT … VALUES)."""
    lines = []
    for row in rows:
        texts = []
        for value in row:
            if value is None:
                texts.append("\\N")
            elif isinstance(value, str):
                texts.append(value.translate(COPY_ESCAPES))
            elif isinstance(value, bool):
                texts.append("t" if value else "f")
            elif isinstance(value, int | float | decimal.Decimal):
                texts.append(str(value))
            elif isinstance(value, datetime.date | datetime.time):  # datetimes too, with their zone
                texts.append(value.isoformat())
            else:
                return None
        lines.append("\t".join(texts))
    return lines


def _max_parameters(connection) -> int:
    if connection.vendor != "sqlite":
        return 65535  # PostgreSQL's protocol limit, though psycopg sends the values inline
    connection.ensure_connection()
    try:
        import sqlite3

        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python without Connection.getlimit
        return SQLITE_DEFAULT_VARIABLES


def copy_to_history(model, pks: Sequence[int], *, user=None, reason: str = "", created: bool = True) -> None:
    """Record the current state of ``model``'s rows ``pks`` in its history, as created
    (``+``) or changed (``~``) now by ``user``."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    connection = connections[router.db_for_write(history)]
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    targets = [history._meta.get_field(field.name).column for field in tracked]
    targets += ["history_date", "history_user_id", "history_change_reason", "history_type"]
    sources = [quote(field.column) for field in tracked] + ["%s"] * 4
    pk_column = quote(model._meta.pk.column)
    head = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in targets)}) "
        f"SELECT {', '.join(sources)} FROM {quote(model._meta.db_table)} WHERE {pk_column} IN "
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fixed = [now, getattr(user, "pk", None), reason, "+" if created else "~"]
    ordered = sorted(pks)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), BATCH):
            chunk = ordered[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{head}({marks}) ORDER BY {pk_column}", [*fixed, *chunk])
