"""The issue page's rows read as values: the text each language shows, the
English fallback of an incomplete translation, and rows equal to their
model instances."""

import pytest

from newsletters import editions, issue_rows
from tests.factories import make_issue, make_link, make_question, make_section

pytestmark = pytest.mark.django_db


def test_a_row_equals_the_model_instance_of_its_row_and_no_other():
    issue = make_issue()
    section, other = make_section(issue), make_section(issue)
    rows = issue_rows.section_content(issue, "en").sections
    assert rows == [section, other]
    assert section == rows[0] and rows[0] != other
    assert {rows[0]} == {section}


def test_a_translated_section_reads_its_french_and_falls_back_field_by_field():
    issue = make_issue()
    section = make_section(issue, title="Network", body="<p>News.</p>", image_caption="")
    section.title_fr, section.body_fr = "Réseau", "<p>Nouvelles.</p>"
    section.save()
    content = issue_rows.section_content(issue, "fr")
    [row] = content.sections
    assert (row.title, row.body, row.image_caption) == ("Réseau", "<p>Nouvelles.</p>", "")
    assert content.in_english[section.pk] is False


@pytest.mark.parametrize("translate_question", [True, False])
def test_a_section_is_shown_in_english_exactly_when_its_translation_is_missing(
    translate_question,
):
    issue = make_issue()
    section = make_section(issue, title="Voices", body="<p>Interview.</p>")
    question = make_question(section, question="Why?", answer="<p>Because.</p>")
    link = make_link(section, label="More")
    section.title_fr, section.body_fr = "Voix", "<p>Entretien.</p>"
    section.save()
    link.label_fr = "Plus"
    link.save()
    if translate_question:
        question.question_fr, question.answer_fr = "Pourquoi ?", "<p>Parce que.</p>"
        question.save()
    content = issue_rows.section_content(issue, "fr")
    missing = editions.status(section, "fr") == editions.MISSING
    assert content.in_english[section.pk] is missing is (not translate_question)
    [row] = content.sections
    [question_row] = content.questions[section.pk]
    [link_row] = content.links[section.pk]
    shown = (row.title, question_row.question, link_row.label)
    assert shown == (
        ("Voix", "Pourquoi ?", "Plus") if translate_question else ("Voices", "Why?", "More")
    )


def test_the_section_rows_read_every_translated_field():
    """The texts are read by name: a field translated later
    (newsletters/translation.py) must be read too, or its page would show
    the English for it in every language."""
    from modeltranslation.translator import translator

    from newsletters.models import Section

    registered = translator.get_options_for_model(Section).fields
    assert set(issue_rows.SECTION_TEXTS) == set(registered)
