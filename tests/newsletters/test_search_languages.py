"""Search in each language: a French search reads the French text, and the
English text of what is not translated yet, as the French page shows it."""

import pytest
from django.db import connection
from django.utils import translation

from newsletters.search import matching_questions, matching_sections, query_terms
from tests.factories import make_issue, make_question, make_section

pytestmark = pytest.mark.django_db


def found(query, language, matching=matching_sections):
    with translation.override(language):
        return list(matching(query, query_terms(query)))


@pytest.fixture
def sections():
    issue = make_issue()
    translated = make_section(issue, title="Exports", body="<p>Small firms export more.</p>")
    translated.title_fr = "Exportations"
    translated.body_fr = "<p>Les petites entreprises exportent davantage.</p>"
    translated.save()
    untranslated = make_section(issue, title="Harbours", body="<p>Warehouses in the harbour.</p>")
    return translated, untranslated


def test_a_french_search_finds_the_french_text(sections):
    translated, _untranslated = sections
    assert found("entreprises", "fr") == [translated]
    assert found("entreprises", "en") == []


def test_a_french_search_finds_what_is_not_translated_by_its_english_text(sections):
    _translated, untranslated = sections
    assert found("warehouses", "fr") == [untranslated]


def test_a_spanish_search_of_an_interview_reads_its_spanish_answers():
    interview = make_section(make_issue(), kind="interview", interviewee_name="A. Person")
    question = make_question(interview, question="Why trade?", answer="<p>To grow.</p>")
    question.question_es, question.answer_es = "¿Por qué comerciar?", "<p>Para crecer.</p>"
    question.save()
    assert found("crecer", "es", matching_questions) == [question]
    assert found("crecer", "fr", matching_questions) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="text search configurations are PostgreSQL's"
)
def test_french_words_are_matched_with_french_stemming(sections):
    translated, _untranslated = sections
    # "exportation" and "Exportations" share a French stem; no English one.
    assert found("exportation", "fr") == [translated]
