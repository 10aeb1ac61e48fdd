"""On PostgreSQL, a trigram index makes the accent-folded substring search fast at scale.
SQLite keeps the plain index on search_text."""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cadre_search_trgm ON cadres_cadre USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cadre_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("cadres", "0003_seed_positions_and_standards")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
