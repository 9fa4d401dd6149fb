"""Keep the search documents in their rows, on PostgreSQL only.

A row of sections holds the title and body in four columns and the three
search documents (0016): about 5 KB, so PostgreSQL moved the documents, about
1 KB each and not worth compressing, out to the table's TOAST table. A search
for a word in nearly every section read each matching row's document from
there twice, once to match it and once to rank it: six buffers a row. On
the benchmark archive (1,016 of 1,028 sections match "trade") ranking them
took 3.5 to 4.1 ms, and 1.8 ms with the documents in the rows.

The documents' storage becomes MAIN (kept in the row, moved out only when
nothing else makes the row fit) and the tables' toast_tuple_target the
largest PostgreSQL allows (8160 bytes: a row is compressed and moved out in
part only when it is larger). Rows are then written again, so that the
documents, computed again by PostgreSQL as generated columns are on every
update, land in them; nothing the secretariat wrote changes. The rows they
replace are left for autovacuum, once. The same for
interview questions and guides, searched the same way.

A later migration that drops and adds these columns must set their storage
again. Reversing sets the defaults back; rows already written stay as they
are until they change.
"""

from django.db import migrations

# The table and the first language's document column; _fr and _es follow.
DOCUMENTS = {
    "newsletters_section": "search_document",
    "newsletters_question": "search_document",
    "guides_guide": "newsletters_search_document",
}
LANGUAGE_SUFFIXES = ("", "_fr", "_es")
LARGEST_TOAST_TUPLE_TARGET = 8160


def columns(table):
    return [DOCUMENTS[table] + suffix for suffix in LANGUAGE_SUFFIXES]


def keep_in_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in DOCUMENTS:
        storage = ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in columns(table))
        schema_editor.execute(f"ALTER TABLE {table} {storage}")
        schema_editor.execute(
            f"ALTER TABLE {table} SET (toast_tuple_target = {LARGEST_TOAST_TUPLE_TARGET})"
        )
        # Every row written again: its generated documents with it.
        schema_editor.execute(f"UPDATE {table} SET id = id")


def move_out_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in DOCUMENTS:
        storage = ", ".join(
            f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in columns(table)
        )
        schema_editor.execute(f"ALTER TABLE {table} {storage}")
        schema_editor.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0028_issue_document_expiry"),
    ]

    operations = [
        migrations.RunPython(keep_in_rows, move_out_again, elidable=False),
    ]
