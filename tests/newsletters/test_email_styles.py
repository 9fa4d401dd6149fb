"""The issue email's styles come from one stylesheet, newsletters/mail/email.css,
inlined when the email is rendered (newsletters/mail/email_styles.py)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import html as lxml_html

from newsletters.mail.email_styles import STYLESHEET_PATH, inline_styles
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Issue

ROOT = Path(__file__).resolve().parents[2]
ISSUE_TEMPLATES = sorted(
    (ROOT / "newsletters" / "jinja2" / "newsletters" / "email" / "issue").glob("*.html")
)
FONT_STACK = "Arial, Helvetica, sans-serif"
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')


def stylesheet_classes():
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET_PATH.read_text(), flags=re.S)
    return set(re.findall(r"\.([a-z][a-z0-9-]*)", css))


def template_classes():
    classes = set()
    for path in ISSUE_TEMPLATES:
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", path.read_text())
        for value in CLASS_ATTRIBUTE.findall(text):
            classes |= {name for name in value.split() if not name.endswith("-")}
        if "heading-{{ level }}" in path.read_text():
            classes |= {"heading-2", "heading-3"}
    return classes


def test_the_templates_write_no_style_by_hand():
    assert ISSUE_TEMPLATES
    for path in ISSUE_TEMPLATES:
        assert "style=" not in path.read_text(), path.name


def test_every_class_of_the_templates_has_a_rule_and_every_rule_is_used():
    assert template_classes() - stylesheet_classes() == set()
    # rich-text's own rules style what staff write, inside .rich-text.
    assert stylesheet_classes() - template_classes() == set()


def test_the_font_stack_is_written_once():
    sources = [STYLESHEET_PATH, *ISSUE_TEMPLATES, *(ROOT / "newsletters" / "mail").glob("*.py")]
    assert sum(path.read_text().count(FONT_STACK) for path in sources) == 1


def test_rules_are_inlined_and_media_queries_kept():
    styled = inline_styles(
        '<!DOCTYPE html><html lang="en"><head><title>T</title></head><body class="body">'
        '<p class="kicker">News</p><div class="rich-text"><p>Text</p></div>'
        '<p class="greeting">Hello,</p></body></html>'
    )
    document = lxml_html.fromstring(styled)
    kicker, paragraph, greeting = document.xpath("//p")
    # Classes stay where the @media rules need them (dark mode recolours
    # the kicker), and go where they do not: each byte counts for Gmail.
    assert kicker.get("class") == "kicker"
    assert greeting.get("class") is None
    assert "font-size:16px" in greeting.get("style")
    assert "text-transform:uppercase" in kicker.get("style")
    assert "color:#52606d" in kicker.get("style")
    assert "font-size:16px" in paragraph.get("style")
    assert FONT_STACK in paragraph.get("style")
    kept = "".join(document.xpath("//style/text()"))
    assert "prefers-color-scheme:dark" in kept.replace(" ", "")
    assert "max-width:620px" in kept.replace(" ", "")


@pytest.mark.django_db
def test_the_summer_2022_email_is_styled_by_the_stylesheet_only():
    call_command("load_demo")
    rendered = IssueEmail.for_issue(Issue.objects.get(slug="summer-2022")).rendered()
    document = lxml_html.fromstring("".join(rendered.html_parts).encode())
    body = document.find("body")
    assert "background-color:#eef1f4" in body.get("style")
    # Every element that shows text of its own carries its font and colour.
    text_elements = document.xpath(
        "//body//p | //body//h1 | //body//h2 | //body//h3 | //body//td[normalize-space(text())]"
    )
    assert len(text_elements) > 100
    for element in text_elements:
        style = element.get("style") or ""
        assert FONT_STACK in style and "color:" in style, lxml_html.tostring(element)[:200]
    # Rich text is styled by .rich-text's rules, never by styles of its own.
    rich_paragraphs = document.xpath("//div[contains(@class, 'rich-text')]/p")
    assert rich_paragraphs
    assert {p.get("style") for p in rich_paragraphs} == {rich_paragraphs[0].get("style")}
    assert document.xpath("//style[contains(text(), 'prefers-color-scheme')]")
    assert document.xpath("//meta[@name='color-scheme'][@content='light dark']")
