"""One token for "has any recorded data changed?": what figures drawn from every app (the
dashboard's, ``common.snapshots``) are kept against.

Every edit through the app, admin, an import or the demo leaves a history record
(django-simple-history; ``common.bulk.copy_to_history`` for rows written by the thousand), and
every set-based update or deletion that leaves none bumps a generation (``common.lists``). So
the newest history record of each audited table — one index probe each, all in one query — the
generation every bump moves, and the day (ages, deadlines and quotas move with it) change
whenever any figure may have."""

from django.apps import apps
from django.db import connections, router
from simple_history.models import HistoricalChanges

from .dates import today
from .lists import ANY_GENERATION, generation


def history_models() -> list:
    """Every history table's model (django-simple-history's ``Historical…``), in a fixed order."""
    found = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]
    return sorted(found, key=lambda model: model._meta.db_table)


def recorded_version(using: str | None = None) -> str:
    """The token: the newest history record of every audited table (one query), the generation
    of set-based writes and the day."""
    models = history_models()
    if using is None:
        using = router.db_for_read(models[0]) if models else "default"
    connection = connections[using]
    quote = connection.ops.quote_name
    newest = ", ".join(
        f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})" for model in models
    )
    versions: tuple = ()
    if newest:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {newest}")
            versions = cursor.fetchone()
    return f"{','.join(str(value or 0) for value in versions)}:{generation(ANY_GENERATION)}:{today()}"
