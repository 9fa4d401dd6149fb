"""Read the built-in content from its files, beside this module.

`summer_2022/issue.toml` holds the issue and its sections in reading order,
each rich text in its own file under `summer_2022/sections/`; `registers/`
holds one CSV file per register. A translatable value has its French and
Spanish versions beside it, under the same name ending in `_fr` / `_es`
(`title_fr`, `body_fr_file`, `name_es`). README.md says where the values
come from and who translated them.
"""

import csv
import re
import tomllib
from datetime import date, time
from pathlib import Path

DEMO_DIR = Path(__file__).parent
ISSUE_DIR = DEMO_DIR / "summer_2022"
REGISTERS_DIR = DEMO_DIR / "registers"

# The languages the files translate English into.
LANGUAGES = ("fr", "es")


def _in_every_language(*keys):
    """`keys`, and each of them in every translated language: "title" gives
    "title", "title_fr", "title_es"; "body_file" gives "body_fr_file"..."""
    found = set()
    for key in keys:
        stem, file = (key.removesuffix("_file"), "_file") if key.endswith("_file") else (key, "")
        found |= {key, *(f"{stem}_{language}{file}" for language in LANGUAGES)}
    return found


# The keys a [[sections]] table may have; README.md describes them.
SECTION_KEYS = _in_every_language(
    "title", "body_file", "signatory_title", "interviewee_organization", "interviewee_bio_file"
) | {
    "anchor",
    "parent",
    "kind",
    "number",
    "box_style",
    "listing",
    "signatory_name",
    "signatory_economy",
    "interviewee_name",
    "questions",
    "links",
}
QUESTION_KEYS = _in_every_language("question", "answer_file")
LINK_KEYS = _in_every_language("label") | {"url"}
# Who made a language's text ([translations] in issue.toml).
TRANSLATORS = {"team", "official"}

_BLOCK_TAG = re.compile(r"\s*(</?(?:p|ul|ol|li|table|caption|thead|tbody|tr|th|td)\b[^>]*>)\s*")


class DemoDataError(Exception):
    """A content file is missing or says something the loader cannot use."""


def rich_text(relative_path):
    """The HTML file at `relative_path` (under the issue's folder) as one clean
    string: the files wrap their lines for reading, the database keeps none of
    that white space, so runs of it become one space and none is left around
    block tags."""
    path = ISSUE_DIR / relative_path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DemoDataError(f"{ISSUE_DIR.name}/{relative_path} is missing.") from None
    return _BLOCK_TAG.sub(r"\1", " ".join(text.split()))


def _read_toml():
    path = ISSUE_DIR / "issue.toml"
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{ISSUE_DIR.name}/issue.toml: {error}") from None


def _table(document, name):
    if name not in document:
        raise DemoDataError(f"{ISSUE_DIR.name}/issue.toml has no [{name}].")
    return document[name]


def read_issue():
    """The issue's own fields ([issue] in issue.toml), ready for `Issue(**fields)`."""
    return _table(_read_toml(), "issue")


def read_translators():
    """{language: "team" or "official"}: who translated the issue's text into
    each language ([translations] in issue.toml)."""
    table = _table(_read_toml(), "translations")
    translators = {}
    for language in LANGUAGES:
        translated_by = table.get(language, {}).get("translated_by")
        if translated_by not in TRANSLATORS:
            raise DemoDataError(
                f"issue.toml, [translations.{language}]: translated_by should be "
                f"{' or '.join(sorted(TRANSLATORS))}, not {translated_by!r}."
            )
        translators[language] = translated_by
    return translators


def _with_files_read(row, allowed, where):
    """`row` with each `X_file` key replaced by `X`, the file's rich text;
    a key not in `allowed` is refused."""
    unknown = set(row) - allowed
    if unknown:
        raise DemoDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    return {
        key.removesuffix("_file"): rich_text(value) if key.endswith("_file") else value
        for key, value in row.items()
    }


def read_sections():
    """Every section in reading order, its rich text read from its files.

    A section's `parent` is the anchor of a section listed before it; its
    `questions` (each with `question` and `answer`) and `links` (`label`,
    `url`) are dicts, with their translations beside them (`label_fr`...).
    """
    sections = []
    for row in _table(_read_toml(), "sections"):
        anchor = row.get("anchor", f"number {len(sections) + 1}")
        where = f"issue.toml, section {anchor!r}"
        section = _with_files_read(
            {key: value for key, value in row.items() if key not in {"questions", "links"}},
            SECTION_KEYS,
            where,
        )
        missing = {"anchor", "title"} - set(row)
        if missing:
            raise DemoDataError(f"{where}: no {' or '.join(sorted(missing))}.")
        section["questions"] = [
            _with_files_read(question, QUESTION_KEYS, f"{where}, a question")
            for question in row.get("questions", [])
        ]
        section["links"] = [
            _with_files_read(link, LINK_KEYS, f"{where}, a link") for link in row.get("links", [])
        ]
        sections.append(section)
    return sections


# How a register column is read from its text: as it is (TEXT), or
# converted, an empty cell being None: (convert, what the text must be).
TEXT = None
DATE = (date.fromisoformat, "a date (YYYY-MM-DD)")
TIME = (time.fromisoformat, "a time (HH:MM)")
NUMBER = (int, "a whole number")


def _read_register(file_name, **columns):
    """The rows of registers/`file_name` as dicts, each with the `columns`
    named (TEXT, DATE or NUMBER), in that order in the file's header row."""
    where = f"registers/{file_name}"
    try:
        with (REGISTERS_DIR / file_name).open(newline="", encoding="utf-8") as file:
            reader = csv.DictReader(file)
            rows = list(reader)
    except FileNotFoundError:
        raise DemoDataError(f"{where} is missing.") from None
    if reader.fieldnames != list(columns):
        raise DemoDataError(
            f"{where}: the header row should be {','.join(columns)}, "
            f"not {','.join(reader.fieldnames or [])}."
        )
    for line, row in enumerate(rows, 2):
        if None in row or None in row.values():
            raise DemoDataError(f"{where}, line {line}: not {len(columns)} cells.")
        for column, kind in columns.items():
            if kind is TEXT:
                continue
            convert, expected = kind
            value = row[column]
            try:
                row[column] = convert(value) if value else None
            except ValueError:
                raise DemoDataError(
                    f"{where}, line {line}: {column} {value!r} is not {expected}."
                ) from None
    return rows


def _translated(*columns):
    """`columns` as TEXT columns in English, then in French, then in Spanish
    ("name,sort_name,name_fr,sort_name_fr,name_es,sort_name_es")."""
    suffixes = ["", *(f"_{language}" for language in LANGUAGES)]
    return {f"{column}{suffix}": TEXT for suffix in suffixes for column in columns}


def read_economies():
    """Member economies: name and sort_name (each in English, French and
    Spanish), joined_on and, for the European Union only, eu_member_states
    (the States it counts as)."""
    return _read_register(
        "economies.csv",
        **_translated("name", "sort_name"),
        joined_on=DATE,
        eu_member_states=NUMBER,
    )


def read_officers():
    """Coordinators and chairs: name, role, economy (its name), term_start, term_end."""
    return _read_register(
        "officers.csv", name=TEXT, role=TEXT, economy=TEXT, term_start=DATE, term_end=DATE
    )


def read_organizations():
    """Network organizations in the printed order: name and acronym (each in
    English, French and Spanish), kind, website, joined_on."""
    return _read_register(
        "organizations.csv",
        **_translated("name", "acronym"),
        kind=TEXT,
        website=TEXT,
        joined_on=DATE,
    )


def read_topics():
    """Guide topics: name (in English, French and Spanish), slug."""
    return _read_register("topics.csv", **_translated("name"), slug=TEXT)


def read_guides():
    """Guides: title, audience, topic (its slug), url, added_on."""
    return _read_register(
        "guides.csv", title=TEXT, audience=TEXT, topic=TEXT, url=TEXT, added_on=DATE
    )


def read_meetings():
    """Group meetings and events: kind, date, start_time, end_date, end_time
    (empty while not announced), time_zone, format, title and place (in
    English, French and Spanish), documents (symbols separated by spaces),
    recording_url."""
    return _read_register(
        "meetings.csv",
        kind=TEXT,
        date=DATE,
        start_time=TIME,
        end_date=DATE,
        end_time=TIME,
        time_zone=TEXT,
        format=TEXT,
        **_translated("title"),
        **_translated("place"),
        documents=TEXT,
        recording_url=TEXT,
    )
