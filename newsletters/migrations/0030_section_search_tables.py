"""Each section's search document per language in a narrow table of its
own, on PostgreSQL only (newsletters/models/search_documents.py says why).

The tables hold a copy of the generated columns of 0016 and the section's
issue; PostgreSQL keeps them in step with triggers on the sections' table:
on insert, on an update that changes a document or the issue, on delete and
on truncate. Each document is kept in its row (STORAGE MAIN, as 0029 did
for the sections) and has a GIN index, updated as rows are written (as
0027 set for the others). The sections there are now are copied in.

On other databases the models exist only in Django's state: nothing reads
them there. Reversing drops the triggers and the tables, which hold nothing
that is not in the sections' rows.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

LANGUAGES = {"en": "search_document", "fr": "search_document_fr", "es": "search_document_es"}
SECTIONS = "newsletters_section"
LARGEST_TOAST_TUPLE_TARGET = 8160


def table(language):
    return f"newsletters_section_search_{language}"


def copy_statements(row, source=""):
    """The statements that write the documents of `row` (NEW, or each row
    of `source`)."""
    # No outside input: known tables and columns.
    return [
        f"INSERT INTO {table(language)} (section_id, issue_id, document) "
        f"SELECT {row}.id, {row}.issue_id, {row}.{column} {source} "
        "ON CONFLICT (section_id) DO UPDATE "
        "SET issue_id = EXCLUDED.issue_id, document = EXCLUDED.document;"
        for language, column in LANGUAGES.items()
    ]


def changed_condition():
    columns = ["issue_id", *LANGUAGES.values()]
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


def create_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    for language in LANGUAGES:
        execute(
            f"CREATE TABLE {table(language)} (section_id bigint PRIMARY KEY, "
            "issue_id bigint NOT NULL, document tsvector NOT NULL) "
            f"WITH (toast_tuple_target = {LARGEST_TOAST_TUPLE_TARGET})"
        )
        execute(f"ALTER TABLE {table(language)} ALTER COLUMN document SET STORAGE MAIN")
        execute(
            f"CREATE INDEX {table(language)}_document ON {table(language)} "
            "USING gin (document) WITH (fastupdate = off)"
        )
        execute(f"CREATE INDEX {table(language)}_issue ON {table(language)} (issue_id)")
    copies = "\n    ".join(copy_statements("NEW"))
    removals = "\n    ".join(
        f"DELETE FROM {table(language)} WHERE section_id = OLD.id;"  # noqa: S608
        for language in LANGUAGES
    )
    truncations = ", ".join(table(language) for language in LANGUAGES)
    execute(
        "CREATE FUNCTION newsletters_section_search_copy() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$\nBEGIN\n    {copies}\n    RETURN NULL;\nEND\n$$"
    )
    execute(
        "CREATE FUNCTION newsletters_section_search_remove() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$\nBEGIN\n    {removals}\n    RETURN NULL;\nEND\n$$"
    )
    execute(
        "CREATE FUNCTION newsletters_section_search_truncate() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$\nBEGIN\n    TRUNCATE {truncations};\n    RETURN NULL;\nEND\n$$"
    )
    execute(
        f"CREATE TRIGGER newsletters_section_search_insert AFTER INSERT ON {SECTIONS} "
        "FOR EACH ROW EXECUTE FUNCTION newsletters_section_search_copy()"
    )
    execute(
        f"CREATE TRIGGER newsletters_section_search_update AFTER UPDATE ON {SECTIONS} "
        f"FOR EACH ROW WHEN ({changed_condition()}) "
        "EXECUTE FUNCTION newsletters_section_search_copy()"
    )
    execute(
        f"CREATE TRIGGER newsletters_section_search_delete AFTER DELETE ON {SECTIONS} "
        "FOR EACH ROW EXECUTE FUNCTION newsletters_section_search_remove()"
    )
    execute(
        f"CREATE TRIGGER newsletters_section_search_truncate AFTER TRUNCATE ON {SECTIONS} "
        "FOR EACH STATEMENT EXECUTE FUNCTION newsletters_section_search_truncate()"
    )
    for statement in copy_statements("section", f"FROM {SECTIONS} AS section"):
        execute(statement)


def drop_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for trigger in ("insert", "update", "delete", "truncate"):
        schema_editor.execute(f"DROP TRIGGER newsletters_section_search_{trigger} ON {SECTIONS}")
    for function in ("copy", "remove", "truncate"):
        schema_editor.execute(f"DROP FUNCTION newsletters_section_search_{function}()")
    for language in LANGUAGES:
        schema_editor.execute(f"DROP TABLE {table(language)}")


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0029_search_documents_inline"),
    ]

    operations = [
        migrations.RunPython(create_tables, drop_tables, elidable=False),
        migrations.CreateModel(
            name="SectionSearchDocumentEn",
            fields=[
                (
                    "section",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="newsletters.section",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "newsletters_section_search_en",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SectionSearchDocumentEs",
            fields=[
                (
                    "section",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="newsletters.section",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "newsletters_section_search_es",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SectionSearchDocumentFr",
            fields=[
                (
                    "section",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="newsletters.section",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "newsletters_section_search_fr",
                "managed": False,
            },
        ),
    ]
