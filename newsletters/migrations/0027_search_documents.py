"""Search indexes that serve every search, on PostgreSQL only.

Guides: the search matched them against `to_tsvector()` computed as it
searched, once per guide to match and again per match to rank (8 ms of a
cold search on the benchmark's 200 guides). The guides' table gets the
documents stored instead, kept up to date by PostgreSQL (stored generated
columns, as 0007 and 0016 did for sections and questions), with a GIN index
each: `newsletters_search_document` in English, `..._fr` and `..._es`,
each of exactly the text the search read before (the language's title, the
English title, the language's summary, the English one), so results and
their order do not change. `newsletters/search.py` owns the search, so the
columns are made here, named after this app, and stay out of the guides'
model state. PostgreSQL refuses to change the type of a column a generated
column reads: a guides migration that alters `title_*` or `summary_*` must
drop these columns first and add them back afterwards.

Every search index: a GIN index puts new rows in a pending list by default
(`fastupdate`), which each search reads in full and which is only merged by
a vacuum; autovacuum waits for more inserted rows than the whole archive
has, so the indexes of sections and questions served no search at all (the
planner read the table instead: 3 ms for a word in no section). Editors save
a section at a time, so the indexes are updated as rows are written, and
what is pending now is merged.

Reversing drops the guides' columns (their data is untouched) and turns the
pending lists back on.
"""

from django.db import migrations

CONFIGURATIONS = {"en": "english", "fr": "french", "es": "spanish"}
GUIDES = "guides_guide"
# The tables whose GIN indexes 0016 made.
STORED_TABLES = ("newsletters_section", "newsletters_question")


def column(language):
    return "newsletters_search_document" + ("" if language == "en" else f"_{language}")


def guide_index(language):
    return f"{GUIDES}_newsletters_document" + ("" if language == "en" else f"_{language}")


def guide_text(language):
    # The fields in the order newsletters/search.py's language_fields() gave
    # them to SearchVector(), so the documents are the ones it computed.
    fields = []
    for name in ("title", "summary"):
        fields += dict.fromkeys([f"{name}_{language}", f"{name}_en"])
    return " || ' ' || ".join(f"coalesce({field}, '')" for field in fields)


def search_indexes():
    names = [guide_index(language) for language in CONFIGURATIONS]
    for table in STORED_TABLES:
        names += [f"{table}_document", f"{table}_document_fr", f"{table}_document_es"]
    return names


def add_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language, configuration in CONFIGURATIONS.items():
        name = column(language)
        schema_editor.execute(
            f"ALTER TABLE {GUIDES} ADD COLUMN {name} tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('{configuration}'::regconfig, {guide_text(language)})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {guide_index(language)} ON {GUIDES} USING gin ({name})"
        )
    for index in search_indexes():
        schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def remove_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in CONFIGURATIONS:
        # Its index goes with it.
        schema_editor.execute(f"ALTER TABLE {GUIDES} DROP COLUMN {column(language)}")
    for index in search_indexes():
        if not index.startswith(GUIDES):
            schema_editor.execute(f"ALTER INDEX {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0002_guides_per_language"),
        ("newsletters", "0026_issue_documents"),
    ]

    operations = [
        migrations.RunPython(add_documents, remove_documents, elidable=False),
    ]
