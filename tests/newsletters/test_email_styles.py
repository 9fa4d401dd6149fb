"""The emails' inline styles come from one place, newsletters/mail/styles.py."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from newsletters.mail import styles
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Issue

ROOT = Path(__file__).resolve().parents[2]
EMAIL_TEMPLATES = sorted((ROOT / "newsletters" / "jinja2" / "newsletters" / "email").rglob("*"))
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


def named_styles():
    """Every style the module names, and its section headings of levels 2 to 6."""
    values = {
        value for name, value in vars(styles).items() if name.isupper() and isinstance(value, str)
    }
    values |= set(styles.RICH_TEXT_STYLES.values())
    values |= {styles.section_heading(level) for level in range(2, 7)}
    return values


def test_the_templates_write_no_style_by_hand():
    templates = [path for path in EMAIL_TEMPLATES if path.suffix == ".html"]
    assert templates
    for path in templates:
        for style in STYLE_ATTRIBUTE.findall(path.read_text()):
            assert re.fullmatch(r"\{\{ styles\.\w+(\([\w.]*\))? \}\}", style), (path.name, style)


def test_the_font_stack_is_written_once():
    sources = [
        ROOT / "newsletters" / "mail" / "styles.py",
        ROOT / "newsletters" / "mail" / "rich_text.py",
    ]
    sources += [path for path in EMAIL_TEMPLATES if path.is_file()]
    assert sum(path.read_text().count(styles.FONT_STACK) for path in sources) == 1


@pytest.mark.django_db
def test_every_style_of_the_summer_2022_email_is_a_named_one():
    call_command("load_demo")
    rendered = IssueEmail.for_issue(Issue.objects.get(slug="summer-2022")).rendered()
    used = set(STYLE_ATTRIBUTE.findall("".join(rendered.html_parts)))
    assert styles.BODY in used
    assert styles.HIGHLIGHT_BOX in used or styles.BOX in used
    assert used <= named_styles(), used - named_styles()
