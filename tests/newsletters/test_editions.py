"""An issue's French and Spanish editions: each section's translation is
missing, up to date or outdated, and a French page shows an untranslated
section in English, marked as such, never a mix."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from newsletters import editions, issue_page
from newsletters.models import SectionKind
from tests.factories import make_issue, make_question, make_section

pytestmark = pytest.mark.django_db


def french_article(issue):
    with translation.override("fr"):
        page = issue_page.build_page(issue)
        return render_to_string(
            "newsletters/issue_article.html", page.template_context(), using="jinja2"
        )


def test_a_section_is_missing_until_translated_then_up_to_date():
    section = make_section(make_issue(), title="Message", body="<p>Dear colleagues.</p>")
    assert editions.status(section, "fr") == editions.MISSING

    section.title_fr, section.body_fr = "Message", "<p>Chers collègues.</p>"
    section.save()
    section.refresh_from_db()

    assert editions.status(section, "fr") == editions.UP_TO_DATE
    assert editions.status(section, "es") == editions.MISSING


def test_editing_the_english_text_of_a_translated_section_makes_it_outdated():
    section = make_section(make_issue(), title="Message", body="<p>Dear colleagues.</p>")
    section.title_fr, section.body_fr = "Message", "<p>Chers collègues.</p>"
    section.save()

    section.body_en = "<p>Dear colleagues and friends.</p>"
    section.save()
    section.refresh_from_db()
    assert editions.status(section, "fr") == editions.OUTDATED

    # Translating the change brings it up to date again.
    section.body_fr = "<p>Chers collègues et amis.</p>"
    section.save()
    section.refresh_from_db()
    assert editions.status(section, "fr") == editions.UP_TO_DATE


def test_an_interviews_questions_are_part_of_its_translation():
    interview = make_section(
        make_issue(), kind=SectionKind.INTERVIEW, title="Voices", body="", interviewee_name="A."
    )
    question = make_question(interview, question="Why?", answer="<p>Because.</p>")
    interview.title_fr = "Voix"
    interview.save()
    interview.refresh_from_db()
    assert editions.status(interview, "fr") == editions.MISSING

    question.question_fr, question.answer_fr = "Pourquoi ?", "<p>Parce que.</p>"
    question.save()
    interview.refresh_from_db()
    assert editions.status(interview, "fr") == editions.UP_TO_DATE

    question.answer_en = "<p>Because it matters.</p>"
    question.save()
    interview.refresh_from_db()
    assert editions.status(interview, "fr") == editions.OUTDATED


def test_an_editions_completeness_counts_its_up_to_date_sections():
    issue = make_issue()
    translated = make_section(issue, title="One", body="<p>One.</p>")
    translated.title_fr, translated.body_fr = "Un", "<p>Un.</p>"
    translated.save()
    make_section(issue, title="Two", body="<p>Two.</p>")

    french, spanish = editions.editions(issue)

    assert (french.language, french.up_to_date, french.total) == ("fr", 1, 2)
    assert not french.is_complete
    with translation.override("en"):
        assert french.summary() == "French: 1 of 2 sections"
    assert (spanish.language, spanish.up_to_date) == ("es", 0)


def test_a_french_page_shows_an_untranslated_section_in_english_marked_as_such():
    issue = make_issue(title="Summer 2022")
    issue.title_fr = "Été 2022"
    issue.save()
    translated = make_section(issue, title="Message", anchor="message", body="<p>Dear all.</p>")
    translated.title_fr, translated.body_fr = "Message du coordinateur", "<p>Chers tous.</p>"
    translated.save()
    # Half translated: shown wholly in English, not a French title on English text.
    untranslated = make_section(issue, title="Network", anchor="network", body="<p>News.</p>")
    untranslated.title_fr = "Réseau"
    untranslated.save()

    html = french_article(issue)

    assert "Été 2022" in html
    assert 'class="masthead__title">Été 2022' in html  # no lang="en": it is French
    translated_part = html.split('id="message"')[1].split("</section>")[0]
    assert "Chers tous." in translated_part and 'lang="en"' not in translated_part
    assert "translation-note" not in translated_part
    network = html.split('<section id="network"')[1].split("</section>")[0]
    opening_tag = network.split(">")[0]
    assert 'lang="en"' in opening_tag
    assert "News." in network and "Réseau" not in network
    assert 'class="translation-note" lang="fr"' in network
    # The contents say it too.
    assert '<a href="#network" lang="en">Network</a>' in html


def test_an_english_page_never_carries_the_note():
    issue = make_issue()
    make_section(issue, title="Network", body="<p>News.</p>")
    with translation.override("en"):
        page = issue_page.build_page(issue)
        html = render_to_string(
            "newsletters/issue_article.html", page.template_context(), using="jinja2"
        )
    assert "translation-note" not in html and 'lang="en"' not in html


def test_the_fallback_changes_nothing_stored():
    issue = make_issue()
    section = make_section(issue, title="Network", body="<p>News.</p>")
    section.title_fr = "Réseau"
    section.save()
    french_article(issue)
    section.refresh_from_db()
    assert section.title_fr == "Réseau"
    assert not section.body_fr


def test_the_french_issue_page_marks_its_untranslated_section_and_only_that_one(client):
    issue = make_issue(title="Summer 2022", slug="summer-2022")
    translated = make_section(issue, title="Message", anchor="message", body="<p>Dear all.</p>")
    translated.title_fr, translated.body_fr = "Message", "<p>Chers tous.</p>"
    translated.save()
    make_section(issue, title="Network", anchor="network", body="<p>News.</p>")

    response = client.get("/fr/issues/summer-2022/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    message_tag = html.split('<section id="message"')[1].split(">")[0]
    network_tag = html.split('<section id="network"')[1].split(">")[0]
    assert 'lang="en"' not in message_tag and 'lang="en"' in network_tag
    assert html.count('class="translation-note"') == 1
    assert "Pas encore disponible en français" in html  # the note, in French
