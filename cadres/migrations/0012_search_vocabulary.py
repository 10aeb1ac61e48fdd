"""On PostgreSQL, the search's words matched through an index of whole words.

The trigram index answers "nguyen" from the posting lists of "ngu", "guy", "uye" and "yen", which
half the country's cadres share (20–30 ms at a million). Here the search column's words get a GIN
index of their own, and ``cadre_search_word`` keeps every distinct word (bar numbers: CCCD and
phone), a few thousand, kept by triggers on every write path (saves, bulk imports, the demo's
bulk inserts, set-based updates). A searched word is first matched against that vocabulary
("uyen" → nguyen, tuyen, uyen…), then the cadres holding one of those words are read from the word
index: the same rows as the substring match, a third of its time (``CadreQuerySet.search``).
Words are never removed from the vocabulary: a word no cadre has any more matches nothing.
SQLite keeps the substring match on its plain index."""

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS cadre_search_word (word varchar(400) PRIMARY KEY);

CREATE INDEX IF NOT EXISTS cadre_search_words ON cadres_cadre USING gin (string_to_array(search_text, ' '));

-- A word that is only digits (a CCCD, a phone number) stays out: there is one per cadre, and a
-- searched number is matched on the search column itself. Words are inserted in order, so two
-- imports adding the same new words wait for each other instead of deadlocking.
CREATE OR REPLACE FUNCTION cadre_search_words_of_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cadre_search_word (word)
    SELECT DISTINCT word FROM new_rows, unnest(string_to_array(new_rows.search_text, ' ')) AS word
    WHERE word <> '' AND word !~ '^[0-9+]+$'
    ORDER BY word
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cadre_search_words_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cadre_search_word (word)
    SELECT DISTINCT word FROM unnest(string_to_array(NEW.search_text, ' ')) AS word
    WHERE word <> '' AND word !~ '^[0-9+]+$'
    ORDER BY word
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS cadre_search_words_inserted ON cadres_cadre;
CREATE TRIGGER cadre_search_words_inserted AFTER INSERT ON cadres_cadre
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cadre_search_words_of_rows();

DROP TRIGGER IF EXISTS cadre_search_words_updated ON cadres_cadre;
CREATE TRIGGER cadre_search_words_updated AFTER UPDATE OF search_text ON cadres_cadre
    FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
    EXECUTE FUNCTION cadre_search_words_of_row();

INSERT INTO cadre_search_word (word)
SELECT DISTINCT word FROM cadres_cadre, unnest(string_to_array(search_text, ' ')) AS word
WHERE word <> '' AND word !~ '^[0-9+]+$'
ON CONFLICT DO NOTHING;
"""

DROP = """
DROP TRIGGER IF EXISTS cadre_search_words_inserted ON cadres_cadre;
DROP TRIGGER IF EXISTS cadre_search_words_updated ON cadres_cadre;
DROP FUNCTION IF EXISTS cadre_search_words_of_rows();
DROP FUNCTION IF EXISTS cadre_search_words_of_row();
DROP INDEX IF EXISTS cadre_search_words;
DROP TABLE IF EXISTS cadre_search_word;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cadres", "0011_roster_indexes")]

    operations = [migrations.RunPython(create, drop)]
