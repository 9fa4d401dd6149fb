"""GIN indexes for the full-text search, on PostgreSQL only.

Each index is built on exactly the expression `newsletters/search.py`
matches against (`SearchVector(..., config="english")` over the same
fields, in the same order), so PostgreSQL finds the matching rows in the
index instead of computing `to_tsvector()` for every row of the table. Other
databases search without full-text functions: there this migration does
nothing. The indexes stay out of the models' state, so no other database
ever tries to build them (SQLite rebuilds a table with all its indexes).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def search_indexes():
    return {
        "section": GinIndex(
            SearchVector("title", "body", "interviewee_name", config="english"),
            name="newsletters_section_search",
        ),
        "question": GinIndex(
            SearchVector("question", "answer", config="english"),
            name="newsletters_question_search",
        ),
    }


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in search_indexes().items():
        schema_editor.add_index(apps.get_model("newsletters", model_name), index)


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in search_indexes().items():
        schema_editor.remove_index(apps.get_model("newsletters", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0004_sending"),
    ]

    operations = [
        migrations.RunPython(add_search_indexes, remove_search_indexes, elidable=False),
    ]
