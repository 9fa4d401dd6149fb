"""Stored full-text documents for the search, on PostgreSQL only.

The indexes of 0005 are on expressions: they find the matching rows, but
ranking the matches still computed `to_tsvector()` once per matching row,
and PostgreSQL's planner, which underrates that function, often read the
whole table instead, computing it for every row (about 0.4 ms for a
section, so a second for a common word in a large archive). Here each
table gets a `search_document` column that PostgreSQL keeps up to date
itself (a stored generated column), with a GIN index on it: a search
matches and ranks stored documents and computes nothing per row.

The documents hold the same text as before, so results do not change:
`newsletters/search.py` reads these columns for sections and questions.
The columns stay out of the models' state: Django never writes them, and
other databases never see them. A later migration that changes the type of
a field used here must drop the column first and add it back afterwards
(PostgreSQL refuses to alter a column a generated column depends on).
Reversing this migration drops the columns and restores 0005's indexes.
"""

from importlib import import_module

from django.db import migrations

DOCUMENTS = {
    "newsletters_section": (
        "coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(interviewee_name, '')"
    ),
    "newsletters_question": "coalesce(question, '') || ' ' || coalesce(answer, '')",
}


def expression_indexes():
    return import_module("newsletters.migrations.0005_search_indexes").search_indexes()


def add_stored_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, text in DOCUMENTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {text})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_document ON {table} USING gin (search_document)"
        )
    for model_name, index in expression_indexes().items():
        schema_editor.remove_index(apps.get_model("newsletters", model_name), index)


def remove_stored_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in expression_indexes().items():
        schema_editor.add_index(apps.get_model("newsletters", model_name), index)
    for table in DOCUMENTS:
        # The column's index goes with it.
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0006_subscriber_consent_added_by_staff"),
    ]

    operations = [
        migrations.RunPython(add_stored_documents, remove_stored_documents, elidable=False),
    ]
