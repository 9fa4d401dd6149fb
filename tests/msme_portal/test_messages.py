"""`make messages` puts the strings of both template engines into the
translation catalogues: Django's makemessages reads the Python code and the
admin's Django templates, Babel (babel.cfg) the Jinja2 ones. See docs/architecture.md.

The committed catalogues are also checked to be complete: every message
translated in every plural form, none fuzzy (gettext skips those), and every
translation keeping its message's placeholders."""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import DictLoader, TemplateSyntaxError

from msme_portal.jinja2 import environment

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fr", "es"]
# The Plural-Forms header each catalogue must have: French uses the singular
# for 0 and 1.
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
}
# The folders the Makefile's `messages` target does not read.
IGNORED_DIRS = {"node_modules", "var", "tests", "bench"}

# A string only a Jinja2 template has, and one only a Django template (the
# admin's subscriber list) has.
JINJA2_STRING = "Preview: this is how the issue will look once published."
DJANGO_STRING = "Export all as CSV"


def babel_mapping():
    with open(ROOT / "babel.cfg") as config:
        return parse_mapping_cfg(config, filename="babel.cfg")


def not_ignored(path):
    name = Path(path).name
    return not name.startswith((".", "_")) and name not in IGNORED_DIRS


def extracted_ids(directory):
    """The msgids Babel extracts from `directory` with the project's babel.cfg."""
    method_map, options_map = babel_mapping()
    results = extract_from_dir(directory, method_map, options_map, directory_filter=not_ignored)
    return {message for _filename, _lineno, message, _comments, _context in results}


def catalogue(language):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po)


def test_the_jinja2_templates_strings_are_extracted():
    ids = extracted_ids(ROOT)
    assert JINJA2_STRING in ids
    assert "Skip to main content" in ids  # the site's shell, msme_portal/jinja2/
    # {% trans %} blocks, with their variables as new-style placeholders.
    assert "Previous %(role)s" in ids
    assert (
        "The Group has %(size)s WTO Member.",
        "The Group has %(size)s WTO Members.",
    ) in ids


def test_jinja2_text_templates_are_extracted_too(tmp_path):
    template = tmp_path / "app" / "jinja2" / "app" / "email" / "issue.txt"
    template.parent.mkdir(parents=True)
    template.write_text('{{ _("Read it online") }}\n{% trans %}Unsubscribe{% endtrans %}\n')
    assert extracted_ids(tmp_path) == {"Read it online", "Unsubscribe"}


def test_a_template_that_does_not_parse_fails_the_extraction(tmp_path):
    template = tmp_path / "app" / "jinja2" / "app" / "broken.html"
    template.parent.mkdir(parents=True)
    template.write_text("{% trans %}Unclosed")
    with pytest.raises(TemplateSyntaxError, match="unclosed translation block"):
        extracted_ids(tmp_path)


def test_extracted_ids_are_the_ones_the_jinja2_environment_looks_up(tmp_path):
    # A multi-line {% trans %} block: trimmed or not, extraction and rendering
    # must agree, or the translation is never found.
    source = "{% trans name=name %}\n  Hello {{ name }},\n  welcome.\n{% endtrans %}"
    template = tmp_path / "app" / "jinja2" / "app" / "greeting.html"
    template.parent.mkdir(parents=True)
    template.write_text(source)
    (extracted,) = extracted_ids(tmp_path)

    looked_up = []

    def gettext(message):
        looked_up.append(message)
        return message

    def ngettext(singular, plural, n):
        looked_up.append(singular)
        return singular if n == 1 else plural

    env = environment(loader=DictLoader({"greeting.html": source}))
    env.install_gettext_callables(gettext, ngettext, newstyle=env.newstyle_gettext)
    env.get_template("greeting.html").render(name="Ana")
    assert looked_up == [extracted]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_has_both_engines_strings(language):
    ids = {message.id for message in catalogue(language)}
    assert DJANGO_STRING in ids, "run `make messages`: makemessages did not run"
    assert JINJA2_STRING in ids, "run `make messages`: the Jinja2 strings are missing"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_jinja2_templates_is_in_the_committed_catalogue(language):
    # A page in French shows English wherever a string was added to a
    # template and not to the catalogue.
    in_catalogue = {message.id for message in catalogue(language)}

    assert sorted(map(str, extracted_ids(ROOT) - in_catalogue)) == []


def plural_forms(string):
    """A message's translations as a tuple: one, or one per plural form.

    Babel gives a plural message's forms as a tuple from a .po file and as a
    list from a .mo file."""
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def message_key(message):
    """A message's id, hashable: a plural message's is (singular, plural)."""
    return tuple(message.id) if isinstance(message.id, tuple | list) else message.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_catalogue(language):
    def translations(messages):
        return {
            message_key(message): plural_forms(message.string)
            for message in messages
            if message.id and any(plural_forms(message.string)) and not message.fuzzy
        }

    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = read_mo(mo)
    assert translations(compiled) == translations(catalogue(language)), "run `make compilemessages`"


def untranslated(messages):
    """The ids of the messages gettext would show in English: fuzzy ones, and
    ones with an empty translation or an empty plural form."""
    return [
        message.id
        for message in messages
        if message.id and (message.fuzzy or not all(plural_forms(message.string)))
    ]


# `%(name)s`-style placeholders (any conversion), and positional `%s` / `%d`.
NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
POSITIONAL_PLACEHOLDER = re.compile(r"%[#0 +-]*\d*(?:\.\d+)?([sd])")


def placeholders(text):
    """The names of a text's named placeholders, and how many `%s` and `%d` it has."""
    text = text.replace("%%", "")
    names = set(NAMED_PLACEHOLDER.findall(text))
    positional = Counter(POSITIONAL_PLACEHOLDER.findall(NAMED_PLACEHOLDER.sub("", text)))
    return names, positional


def placeholder_mismatches(messages):
    """(source, translation) pairs whose placeholders differ. A plural message's
    first form is compared with its singular, the others with its plural."""
    mismatches = []
    for message in messages:
        if not message.id:
            continue
        sources = plural_forms(message.id)
        for index, translation in enumerate(plural_forms(message.string)):
            source = sources[min(index, len(sources) - 1)]
            if translation and placeholders(translation) != placeholders(source):
                mismatches.append((source, translation))
    return mismatches


def test_the_checks_find_untranslated_messages_and_lost_placeholders():
    catalog = Catalog(locale="fr")
    catalog.add("Translated %(name)s", "Traduit %(name)s")
    catalog.add("Fuzzy", "Approximatif", flags=["fuzzy"])
    catalog.add("Empty", "")
    catalog.add(("%(count)d issue", "%(count)d issues"), ("%(count)d numéro", ""))
    catalog.add("Dear %(name)s,", "Bonjour %(nom)s,")
    catalog.add("Sent to %s at %d", "Envoyé à %s")
    catalog.add(("One issue", "%(count)d issues"), ("Un numéro", "%(count)d numéros"))

    assert untranslated(catalog) == ["Fuzzy", "Empty", ("%(count)d issue", "%(count)d issues")]
    assert placeholder_mismatches(catalog) == [
        ("Dear %(name)s,", "Bonjour %(nom)s,"),
        ("Sent to %s at %d", "Envoyé à %s"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_header_names_its_language_and_plural_forms(language):
    translations = catalogue(language)
    headers = dict(translations.mime_headers)
    assert headers["Language"] == language
    assert headers["Plural-Forms"] == PLURAL_FORMS[language]
    assert "charset=utf-8" in headers["Content-Type"].lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_catalogue_is_translated(language):
    missing = untranslated(catalogue(language))
    assert not missing, f"{len(missing)} messages untranslated or fuzzy in {language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_translations_keep_the_placeholders(language):
    mismatches = placeholder_mismatches(catalogue(language))
    assert not mismatches, f"placeholders differ in {language}: {mismatches}"
