"""WTO document symbols written in an issue's text link to their Documents
Online pages on the issue page, in the admin's preview and in both parts of
the email, in the language of each; the stored text stays as staff wrote it."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Issue, Question, Section
from tests.factories import make_confirmed_subscriber

pytestmark = pytest.mark.django_db

LANGUAGE_WORDS = {"en": "ENGLISH", "fr": "FRENCH", "es": "SPANISH"}
PAGE = "/{language}/issues/summer-2022/"


def address(symbol, language):
    return (
        "https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx"
        f"?Query=(@Symbol=%20{symbol})&Language={LANGUAGE_WORDS[language]}"
        "&Context=FomerScriptedSearch&languageUIChanged=true"
    )


def page_link(symbol, language):
    href = (address(symbol, language) + "#").replace("&", "&amp;")
    return f'<a class="document-symbol" href="{href}">{symbol}</a>'


@pytest.fixture
def issue():
    call_command("load_demo")
    return Issue.objects.get(slug="summer-2022")


def coordinators_message(issue):
    return Section.objects.get(issue=issue, anchor="message-from-the-coordinator")


def first_answer(issue):
    return Question.objects.filter(section__issue=issue).order_by("section__order", "pk")[0]


@pytest.fixture
def symbols_written(issue):
    """The coordinator's message as staff might write it, with the Package's
    symbol as plain text instead of the printed issue's link, in each
    language, and an interview answer citing a paper. Returns the stored
    texts."""
    message = coordinators_message(issue)
    for language in LANGUAGE_WORDS:
        field = f"body_{language}"
        text, unlinked = re.subn(
            r"<a [^>]*>(INF/MSME/4/Rev\.2)</a>", r"\1", getattr(message, field)
        )
        assert unlinked == 1
        setattr(message, field, text)
    message.save()
    answer = first_answer(issue)
    answer.answer_en += "<p>The Group’s work plan is in INF/MSME/W/30.</p>"
    answer.save()
    message.refresh_from_db()
    answer.refresh_from_db()
    return {
        **{language: getattr(message, f"body_{language}") for language in LANGUAGE_WORDS},
        "answer": answer.answer_en,
    }


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_demo_issue_gains_no_link_its_symbols_being_linked_already(client, issue, language):
    html = client.get(PAGE.format(language=language)).content.decode()

    assert 'class="document-symbol"' not in html
    assert getattr(coordinators_message(issue), f"body_{language}") in html
    assert (
        'href="https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/INF/MSME/4R2.pdf'
        '&amp;Open=True" rel="noopener">INF/MSME/4/Rev.2</a>'
    ) in html


def test_the_demo_issue_shows_every_text_byte_for_byte(client, issue):
    html = client.get(PAGE.format(language="en")).content.decode()

    texts = [section.body_en for section in Section.objects.filter(issue=issue)]
    texts += [section.interviewee_bio_en for section in Section.objects.filter(issue=issue)]
    texts += [item.answer_en for item in Question.objects.filter(section__issue=issue)]
    assert len([text for text in texts if text]) > 30
    assert all(text in html for text in texts)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_symbol_written_in_the_text_links_to_its_page_in_the_pages_language(
    client, issue, symbols_written, language
):
    response = client.get(PAGE.format(language=language))

    assert response.status_code == 200
    html = response.content.decode()
    message = html.split('<section id="message-from-the-coordinator"')[1].split("</section>")[0]
    assert message.count('class="document-symbol"') == 1
    assert f"({page_link('INF/MSME/4/Rev.2', language)})" in message
    # The stored text is still what staff wrote.
    stored = coordinators_message(issue)
    assert getattr(stored, f"body_{language}") == symbols_written[language]
    assert "document-symbol" not in getattr(stored, f"body_{language}")


def test_a_symbol_in_an_interview_answer_is_linked(client, issue, symbols_written):
    html = client.get(PAGE.format(language="en")).content.decode()

    assert f"work plan is in {page_link('INF/MSME/W/30', 'en')}.</p></dd>" in html
    assert first_answer(issue).answer_en == symbols_written["answer"]


def test_the_admins_preview_links_the_symbols(editor_client, issue, symbols_written):
    response = editor_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))

    assert response.status_code == 200
    assert page_link("INF/MSME/4/Rev.2", "en") in response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_both_parts_of_the_email_carry_the_link_in_the_emails_language(
    settings, issue, symbols_written, language
):
    settings.SITE_URL = "https://newsletter.example.org"  # an https site, as deployed
    reader = make_confirmed_subscriber(language=language)

    message = IssueEmail.for_issue(issue).message_for(reader)

    html, _mimetype = message.alternatives[0]
    href = address("INF/MSME/4/Rev.2", language).replace("&", "&amp;")
    # Styled as every link of the email's text (its class, for the web, is
    # not needed once the stylesheet is inlined).
    assert re.search(
        rf'\(<a href="{re.escape(href)}" style="color:#00558c;[^"]*">INF/MSME/4/Rev\.2</a>\)',
        html,
    )
    text = " ".join(message.body.split())  # as folded for mail clients
    assert f"(INF/MSME/4/Rev.2 <{address('INF/MSME/4/Rev.2', language)}>)" in text


def test_linking_costs_the_issue_page_no_query(client, empty_page_cache, issue):
    def queries_for_the_page():
        empty_page_cache()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE.format(language="en")).status_code == 200
        return len(queries)

    as_printed = queries_for_the_page()
    message = coordinators_message(issue)
    message.body_en += "<p>See WT/L/1130.</p>"
    message.save()

    assert queries_for_the_page() == as_printed
    assert page_link("WT/L/1130", "en") in client.get(PAGE.format(language="en")).content.decode()
