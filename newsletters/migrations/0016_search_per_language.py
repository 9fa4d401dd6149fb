"""Search documents per language, on PostgreSQL only.

0007's stored documents were made of the sections' and questions' text
columns, which hold English text. With texts per language (0014), each table
keeps three documents, each with its language's text search configuration:
`search_document` in English, from the English columns, and
`search_document_fr` and `search_document_es`, each from its language's text
or, where a text is not translated, the English one, as the pages show it.
Reversing this restores 0007's documents.
"""

from django.db import migrations

CONFIGURATIONS = {"en": "english", "fr": "french", "es": "spanish"}
TEXTS = {
    "newsletters_section": (["title", "body"], ["interviewee_name"]),
    "newsletters_question": (["question", "answer"], []),
}
OLD_DOCUMENTS = {
    "newsletters_section": (
        "coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(interviewee_name, '')"
    ),
    "newsletters_question": "coalesce(question, '') || ' ' || coalesce(answer, '')",
}


def column(language):
    return "search_document" if language == "en" else f"search_document_{language}"


def text_in(language, table):
    translated, plain = TEXTS[table]
    parts = [
        f"coalesce(nullif({name}_{language}, ''), {name}_en, '')"
        if language != "en"
        else f"coalesce({name}_en, '')"
        for name in translated
    ] + [f"coalesce({name}, '')" for name in plain]
    return " || ' ' || ".join(parts)


def add_document(schema_editor, table, name, configuration, text):
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN {name} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{configuration}'::regconfig, {text})) STORED"
    )
    index = f"{table}_document" + ("" if name == "search_document" else name[-3:])
    schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({name})")


def documents_per_language(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TEXTS:
        # Its index goes with it.
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")
        for language, configuration in CONFIGURATIONS.items():
            add_document(
                schema_editor, table, column(language), configuration, text_in(language, table)
            )


def english_documents_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, text in OLD_DOCUMENTS.items():
        for language in CONFIGURATIONS:
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column(language)}")
        add_document(schema_editor, table, "search_document", "english", text)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0015_send_languages"),
    ]

    operations = [
        migrations.RunPython(documents_per_language, english_documents_only, elidable=False),
    ]
