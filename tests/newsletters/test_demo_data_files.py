"""The demo content's files: what the loader makes of them, and what it says
when one is wrong (the content itself is tested in test_demo_content.py)."""

import re
import shutil
import tomllib
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command

from msme_portal.richtext import sanitize_html
from network.models import MemberEconomy
from newsletters.demo import content
from newsletters.models import Issue, Meeting, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def registers(tmp_path, monkeypatch):
    """A copy of the register files that a test may change, read in their place."""
    copy = shutil.copytree(content.REGISTERS_DIR, tmp_path / "registers")
    monkeypatch.setattr(content, "REGISTERS_DIR", copy)
    return copy


@pytest.fixture
def issue_files(tmp_path, monkeypatch):
    """A copy of the issue's files that a test may change, read in their place."""
    copy = shutil.copytree(content.ISSUE_DIR, tmp_path / "summer_2022")
    monkeypatch.setattr(content, "ISSUE_DIR", copy)
    return copy


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_nothing_loaded():
    assert not MemberEconomy.objects.exists()
    assert not Meeting.objects.exists()
    assert not Issue.objects.exists()


def test_files_are_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("load_demo", verbosity=0)
    assert Section.objects.filter(issue__slug="summer-2022").count() == 28


def test_rewrapping_an_html_file_changes_nothing_loaded(issue_files):
    before = content.read_sections()
    path = issue_files / "sections" / "09-digital-champions-check-in.html"
    text = path.read_text(encoding="utf-8")
    # One word a line, block tags indented on lines of their own.
    rewrapped = re.sub(r"(</?(?:p|ul|li)>)", r"\n    \1\n", "\n".join(text.split()))
    path.write_text(rewrapped, encoding="utf-8")
    assert content.read_sections() == before


def test_rows_added_to_a_register_file_are_loaded(registers):
    with (registers / "meetings.csv").open("a", encoding="utf-8") as file:
        file.write(
            "meeting,2023-02-14,10:00,,12:00,Europe/Zurich,hybrid,MSME Group meeting,"
            "Réunion du Groupe MPME,Reunión del Grupo MIPYME,WTO,OMC,OMC,"
            "INF/MSME/W/30 INF/MSME/W/31,\n"
        )
    call_command("load_demo", verbosity=0)
    assert Meeting.objects.count() == 6
    meeting = Meeting.objects.get(date="2023-02-14", title_fr="Réunion du Groupe MPME")
    assert meeting.starts_at.isoformat() == "2023-02-14T10:00:00+01:00"
    assert (meeting.format, meeting.place_en, meeting.place_fr) == ("hybrid", "WTO", "OMC")
    assert meeting.document_symbols == ["INF/MSME/W/30", "INF/MSME/W/31"]


def test_a_meeting_row_the_model_refuses_names_its_line(registers):
    with (registers / "meetings.csv").open("a", encoding="utf-8") as file:
        file.write("meeting,2023-02-14,10:00,,09:00,Europe/Zurich,,MSME Group meeting,,,,,,,\n")
    with pytest.raises(CommandError, match=r"meetings\.csv, line 7: The end must come after"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_bad_meeting_time_names_its_file_and_line(registers):
    with (registers / "meetings.csv").open("a", encoding="utf-8") as file:
        file.write("meeting,2023-02-14,25:00,,,Europe/Zurich,,MSME Group meeting,,,,,,,\n")
    with pytest.raises(CommandError, match="line 7: start_time '25:00' is not a time"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_bad_date_names_its_file_and_line_and_loads_nothing(registers):
    edit(
        registers / "economies.csv",
        "Albania,Albania,Albanie,Albanie,Albania,Albania,,",
        "Albania,Albania,Albanie,Albanie,Albania,Albania,2021-13-01,",
    )
    with pytest.raises(CommandError) as raised:
        call_command("load_demo", verbosity=0)
    assert str(raised.value) == (
        "The demo content cannot be loaded: registers/economies.csv, line 3: "
        "joined_on '2021-13-01' is not a date (YYYY-MM-DD)."
    )
    assert_nothing_loaded()


def test_a_guide_of_an_unknown_topic_is_refused(registers):
    edit(registers / "guides.csv", "msmes,exchange-rates,", "msmes,exchange-rate,")
    with pytest.raises(
        CommandError,
        match=re.escape(
            "guides.csv, line 3: topic 'exchange-rate' is not in registers/topics.csv."
        ),
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_misspelt_section_key_is_refused(issue_files):
    edit(issue_files / "issue.toml", 'listing = "network"', 'listings = "network"')
    with pytest.raises(CommandError, match="section 'trade4msmes-network': unknown keys listings"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_misspelt_issue_field_is_refused(issue_files):
    edit(issue_files / "issue.toml", 'season = "summer"', 'seasn = "summer"')
    with pytest.raises(CommandError, match=r"issue.toml, \[issue\]: .*'seasn'"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_parent_listed_after_its_child_is_refused(issue_files):
    edit(
        issue_files / "issue.toml",
        'parent = "message-from-the-coordinator"',
        'parent = "msme-voices"',
    )
    with pytest.raises(
        CommandError,
        match="section 'upcoming-meetings': its parent 'msme-voices' must be a section "
        "listed before it",
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_value_the_model_refuses_names_its_section(issue_files):
    edit(issue_files / "issue.toml", 'kind = "coordinator_message"', 'kind = "editorial"')
    with pytest.raises(CommandError, match=r"section 'message-from-the-coordinator': .*editorial"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_missing_html_file_is_named(issue_files):
    (issue_files / "sections" / "21-interview-gill-thomas-answer-3.html").unlink()
    with pytest.raises(
        CommandError,
        match=re.escape("summer_2022/sections/21-interview-gill-thomas-answer-3.html is missing"),
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_broken_toml_is_reported_as_such(issue_files):
    edit(issue_files / "issue.toml", 'title = "Summer 2022"', 'title = "Summer 2022')
    with pytest.raises(CommandError, match=r"summer_2022/issue\.toml: .*line 7"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_register_with_other_columns_is_refused(registers):
    edit(registers / "topics.csv", "name,name_fr,name_es,slug", "name,name_fr,slug")
    with pytest.raises(
        CommandError,
        match=re.escape(
            "registers/topics.csv: the header row should be name,name_fr,name_es,slug, "
            "not name,name_fr,slug."
        ),
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_row_with_a_cell_missing_is_refused(registers):
    edit(registers / "officers.csv", "Chile,2017-06-01,2018-01-31", "Chile,2017-06-01")
    with pytest.raises(
        CommandError, match=re.escape("registers/officers.csv, line 3: not 5 cells.")
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_register_value_the_model_refuses_names_its_line(registers):
    edit(registers / "organizations.csv", "OIT,international_organization", "OIT,agency")
    with pytest.raises(
        CommandError,
        match=r"registers/organizations\.csv, line 5: .*'agency' is not a valid choice",
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


# The French and Spanish files


class _Tokens(HTMLParser):
    """Rich text as a list of tags, attributes and text, entities decoded and
    the rel attribute (which the sanitizer adds to links) left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, sorted((k, v) for k, v in attrs if k != "rel")))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if self.tokens and self.tokens[-1][0] == "data":
            self.tokens[-1] = ("data", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("data", data))


def tokens(rich_text):
    parser = _Tokens()
    parser.feed(rich_text)
    parser.close()
    return parser.tokens


HTML_FILES = sorted(path.name for path in (content.ISSUE_DIR / "sections").glob("*.html"))
TRANSLATED_FILES = [name for name in HTML_FILES if name.endswith((".fr.html", ".es.html"))]


def test_each_translated_text_has_its_english_and_its_other_language():
    assert len(TRANSLATED_FILES) == 22
    for name in TRANSLATED_FILES:
        stem = name.removesuffix(".fr.html").removesuffix(".es.html")
        assert {f"{stem}.html", f"{stem}.fr.html", f"{stem}.es.html"} <= set(HTML_FILES)


@pytest.mark.parametrize("name", HTML_FILES)
def test_every_html_file_passes_the_sanitizer_unchanged(name):
    text = content.rich_text(f"sections/{name}")
    assert text.startswith(("<p>", "<ul>"))
    assert tokens(sanitize_html(text)) == tokens(text)


def test_every_translated_file_is_loaded_as_its_sections_translation():
    named = {
        value: (row["anchor"], key)
        for row in tomllib.loads((content.ISSUE_DIR / "issue.toml").read_text(encoding="utf-8"))[
            "sections"
        ]
        for key, value in row.items()
        if key.endswith(("_fr_file", "_es_file"))
    }
    assert sorted(path.removeprefix("sections/") for path in named) == TRANSLATED_FILES
    for path, (anchor, key) in named.items():
        language = key.removesuffix("_file")[-2:]
        assert path.endswith(f".{language}.html"), (anchor, key, path)


def test_the_translations_are_marked_as_the_teams():
    assert content.read_translators() == {"fr": "team", "es": "team"}


def test_a_translation_without_its_translator_is_refused(issue_files):
    edit(issue_files / "issue.toml", 'translated_by = "team"', 'translated_by = "deepl"')
    with pytest.raises(
        CommandError,
        match=re.escape(
            "issue.toml, [translations.fr]: translated_by should be official or team, not 'deepl'."
        ),
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_translation_into_a_language_the_site_lacks_is_refused(issue_files):
    edit(issue_files / "issue.toml", 'title_fr = "Réseau Trade4MSMEs"', 'title_de = "Netzwerk"')
    with pytest.raises(CommandError, match="section 'trade4msmes-network': unknown keys title_de"):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_misspelt_link_key_is_refused(issue_files):
    edit(issue_files / "issue.toml", 'label_fr = "Appel', 'lable_fr = "Appel')
    with pytest.raises(
        CommandError,
        match="section 'small-business-champions-2022', a link: unknown keys lable_fr",
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()


def test_a_missing_translated_file_is_named(issue_files):
    (issue_files / "sections" / "26-coordinator-quote.es.html").unlink()
    with pytest.raises(
        CommandError,
        match=re.escape("summer_2022/sections/26-coordinator-quote.es.html is missing"),
    ):
        call_command("load_demo", verbosity=0)
    assert_nothing_loaded()
