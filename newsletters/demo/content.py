"""Read the built-in content from its files, beside this module.

`summer_2022/issue.toml` holds the issue and its sections in reading order,
each rich text in its own file under `summer_2022/sections/`; `registers/`
holds one CSV file per register. README.md says where the values come from.
"""

import csv
import re
import tomllib
from datetime import date
from pathlib import Path

DEMO_DIR = Path(__file__).parent
ISSUE_DIR = DEMO_DIR / "summer_2022"
REGISTERS_DIR = DEMO_DIR / "registers"

# The keys a [[sections]] table may have; README.md describes them.
SECTION_KEYS = {
    "anchor",
    "parent",
    "kind",
    "number",
    "title",
    "box_style",
    "listing",
    "body_file",
    "signatory_title",
    "signatory_name",
    "signatory_economy",
    "interviewee_name",
    "interviewee_organization",
    "interviewee_bio_file",
    "questions",
    "links",
}

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


def read_sections():
    """Every section in reading order, its rich text read from its files.

    A section's `parent` is the anchor of a section listed before it; its
    `questions` are (question, answer) pairs and its `links` (label, url) pairs.
    """
    sections = []
    for row in _table(_read_toml(), "sections"):
        anchor = row.get("anchor", f"number {len(sections) + 1}")
        unknown = set(row) - SECTION_KEYS
        if unknown:
            raise DemoDataError(
                f"issue.toml, section {anchor!r}: unknown keys {', '.join(sorted(unknown))}."
            )
        missing = {"anchor", "title"} - set(row)
        if missing:
            raise DemoDataError(
                f"issue.toml, section {anchor!r}: no {' or '.join(sorted(missing))}."
            )
        section = {key: value for key, value in row.items() if not key.endswith("_file")}
        if "body_file" in row:
            section["body"] = rich_text(row["body_file"])
        if "interviewee_bio_file" in row:
            section["interviewee_bio"] = rich_text(row["interviewee_bio_file"])
        section["questions"] = [
            (question["question"], rich_text(question["answer_file"]))
            for question in row.get("questions", [])
        ]
        section["links"] = [(link["label"], link["url"]) for link in row.get("links", [])]
        sections.append(section)
    return sections


# How a register column is read from its text: as it is (TEXT), or
# converted, an empty cell being None: (convert, what the text must be).
TEXT = None
DATE = (date.fromisoformat, "a date (YYYY-MM-DD)")
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


def read_economies():
    """Member economies: name, sort_name, joined_on and, for the European
    Union only, eu_member_states (the States it counts as)."""
    return _read_register(
        "economies.csv", name=TEXT, sort_name=TEXT, joined_on=DATE, eu_member_states=NUMBER
    )


def read_officers():
    """Coordinators and chairs: name, role, economy (its name), term_start, term_end."""
    return _read_register(
        "officers.csv", name=TEXT, role=TEXT, economy=TEXT, term_start=DATE, term_end=DATE
    )


def read_organizations():
    """Network organizations in the printed order: name, acronym, kind, website, joined_on."""
    return _read_register(
        "organizations.csv", name=TEXT, acronym=TEXT, kind=TEXT, website=TEXT, joined_on=DATE
    )


def read_topics():
    """Guide topics: name, slug."""
    return _read_register("topics.csv", name=TEXT, slug=TEXT)


def read_guides():
    """Guides: title, audience, topic (its slug), url, added_on."""
    return _read_register(
        "guides.csv", title=TEXT, audience=TEXT, topic=TEXT, url=TEXT, added_on=DATE
    )


def read_meetings():
    """Group meetings and events: kind, date, title, recording_url."""
    return _read_register("meetings.csv", kind=TEXT, date=DATE, title=TEXT, recording_url=TEXT)
