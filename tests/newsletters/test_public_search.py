"""Search across published sections, interview questions and guides."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from newsletters.models import SectionKind
from newsletters.search import (
    MAX_QUERY_LENGTH,
    clean_query,
    highlight,
    matching_questions,
    matching_sections,
    query_terms,
)
from newsletters.search import search as search_results
from tests.factories import make_guide, make_issue, make_question, make_section

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    "",
    "   ",
    "%%%",
    "___",
    "'; DROP TABLE x; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "x" * 10_000,
    "word " * 2_000,
    "économie 中小企业 مؤسسات",
    "nul\x00byte",
    "\x00",
    "!!! ??? ...",
    "-",
    '"unterminated',
    "a & b | c ! d : * ( )",
    "the",
    "or or or",
    "word:*",
]


def search(client, query):
    return client.get(reverse("newsletters:search"), {"q": query})


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_get_a_normal_page(client, query):
    issue = make_issue()
    make_section(issue, title="Digital trade", body="<p>Small business and digital trade.</p>")
    make_guide(title="Exchange rates")
    response = search(client, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert html.count("<h1") == 1


def test_script_in_query_comes_back_escaped(client):
    html = search(client, "<script>alert(1)</script>").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_query_is_capped_and_cleaned():
    assert len(clean_query("y" * 10_000)) == MAX_QUERY_LENGTH
    assert clean_query("a\x00b\tc\n  d") == "a b c d"


def test_finds_sections_questions_and_guides_with_marked_snippets(client):
    issue = make_issue(title="Summer 2022")
    make_section(
        issue,
        title="Research notes",
        body="<p>MSMEs account for only 36 per cent of <strong>exports</strong>.</p>",
    )
    interview = make_section(issue, kind=SectionKind.INTERVIEW, title="MSME Voices")
    make_question(
        interview, question="How do you reach customers abroad?", answer="<p>Exports.</p>"
    )
    make_guide(title="Export logistics", summary="Shipping exports to other markets.")
    make_section(issue, title="Unrelated", body="<p>Nothing to see.</p>")
    html = search(client, "exports").content.decode()
    assert "Research notes" in html
    assert "How do you reach customers abroad?" in html
    assert "Export logistics" in html
    assert "Unrelated" not in html
    assert "<mark>exports</mark>" in html
    # Markup of the body is stripped from the snippet.
    assert "<strong>" not in html.split('class="results"')[1]
    assert f'href="{issue.get_absolute_url()}#' in html


def test_snippet_escapes_text_before_marking():
    snippet = highlight("Use <b>tags</b> & tags", ["tags"])
    assert str(snippet) == "Use &lt;b&gt;<mark>tags</mark>&lt;/b&gt; &amp; <mark>tags</mark>"


def test_snippet_is_cut_around_the_first_match():
    text = "lorem " * 200 + "needle " + "ipsum " * 200
    snippet = str(highlight(text, ["needle"]))
    assert "<mark>needle</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 320


def test_every_word_must_match(client):
    issue = make_issue()
    make_section(issue, title="Green trade", body="<p>Sustainable trade for small firms.</p>")
    make_section(issue, title="Digital trade", body="<p>Online platforms.</p>")
    html = search(client, "sustainable trade").content.decode()
    assert "Green trade" in html
    assert "Digital trade" not in html


def test_empty_query_shows_only_the_form(client):
    html = search(client, "").content.decode()
    assert 'name="q"' in html
    assert "results" not in html.split("<main")[1].split('class="search-form"')[1]


def test_marks_whole_words_that_match(client):
    issue = make_issue()
    make_section(issue, title="Trade", body="<p>Small firms and their exports.</p>")
    html = search(client, "export").content.decode()
    assert "<mark>exports</mark>" in html


def test_a_repeated_search_is_served_from_cache_until_content_changes(
    client, django_assert_num_queries
):
    issue = make_issue()
    section = make_section(issue, title="Digital trade", body="<p>Paperless trade.</p>")
    first = search(client, "paperless").content.decode()
    assert "Digital trade" in first

    with django_assert_num_queries(0):
        assert search(client, "paperless").content.decode() == first

    section.title = "Paperless customs"
    section.save()
    assert "Paperless customs" in search(client, "paperless").content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text indexes exist on PostgreSQL only; other databases match words with LIKE",
)
@pytest.mark.parametrize(
    ("matching", "index"),
    [
        (matching_sections, "newsletters_section_document"),
        (matching_questions, "newsletters_question_document"),
    ],
)
def test_full_text_search_finds_matches_through_its_index(matching, index):
    issue = make_issue()
    interview = make_section(issue, kind=SectionKind.INTERVIEW, body="<p>Digital trade.</p>")
    make_question(interview, question="How do traders export?", answer="<p>Online.</p>")
    with connection.cursor() as cursor:
        # With a handful of rows, reading a whole table (or an index in
        # order, or each section's questions) is cheaper; forbid all that
        # so the plan shows whether the index can serve the query at all
        # (an index on an expression other than the one searched cannot).
        for setting in ("enable_seqscan", "enable_indexscan", "enable_nestloop"):
            cursor.execute(f"SET LOCAL {setting} = off")
    plan = matching("trade OR export", query_terms("trade OR export")).explain()
    assert f"Bitmap Index Scan on {index}" in plan, plan


def test_an_edited_section_is_found_by_its_new_words_only():
    """On PostgreSQL the database keeps each section's search document
    itself (a stored generated column): an edit must reach it."""
    issue = make_issue()
    section = make_section(issue, title="Notes", body="<p>Warehouses in the harbour.</p>")
    assert list(matching_sections("warehouses", ["warehouses"])) == [section]
    section.body = "<p>Lighthouses on the coast.</p>"
    section.save()
    assert list(matching_sections("warehouses", ["warehouses"])) == []
    assert list(matching_sections("lighthouses", ["lighthouses"])) == [section]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored search documents exist on PostgreSQL only",
)
def test_stored_search_documents_migrate_back_to_expression_indexes_and_forward():
    def document_tables():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.columns "
                "WHERE column_name = 'search_document'"
            )
            return {row[0] for row in cursor.fetchall()}

    def indexes():
        with connection.cursor() as cursor:
            # Not those of the narrow tables that migration 0030 adds.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%search%' "
                "AND tablename NOT LIKE 'newsletters_section_search_%'"
            )
            return {row[0] for row in cursor.fetchall()}

    tables = {"newsletters_section", "newsletters_question"}
    assert document_tables() == tables
    # PostgreSQL changes schemas in transactions: the test's own is rolled back.
    call_command("migrate", "newsletters", "0006", verbosity=0)
    assert document_tables() == set()
    assert indexes() == {"newsletters_section_search", "newsletters_question_search"}
    call_command("migrate", "newsletters", verbosity=0)
    assert document_tables() == tables
    assert indexes() == set()


def result_titles(html):
    return re.findall(r'<h2 class="result__title"><a [^>]*>(.*?)</a>', html)


def search_page(client, query, page):
    params = {"q": query, "page": page}
    return client.get(reverse("newsletters:search"), params).content.decode()


@pytest.fixture
def many_results():
    """25 matching sections (ranked by how often they say "harbour", not
    in the order they were written), 3 interview questions and 2 guides:
    the titles of these 30 results in the order the page lists them."""
    issue = make_issue()
    sections = []
    for n in range(25):
        times = n % 5 + 1
        body = "<p>" + "harbour " * times + "logistics.</p>"
        sections.append((times, make_section(issue, title=f"Notes {n}", body=body)))
    interview = make_section(issue, kind=SectionKind.INTERVIEW, title="Voices")
    questions = []
    for n in range(3):
        answer = "<p>" + "harbour " * (n + 1) + "nearby.</p>"
        questions.append((n + 1, make_question(interview, question=f"Where {n}?", answer=answer)))
    guides = [make_guide(title=f"Harbour guide {n}", summary="Shipping.") for n in range(2)]
    if connection.vendor == "postgresql":
        # Best first: the most mentions, then the oldest row.
        sections.sort(key=lambda pair: (-pair[0], pair[1].pk))
        questions.sort(key=lambda pair: (-pair[0], pair[1].pk))
    # Elsewhere in the sections' and questions' own order.
    return [
        *(section.title for _times, section in sections),
        *(f"Voices: {question.question}" for _times, question in questions),
        *(f"{guide.title} (MSMEs)" for guide in guides),
    ]


def test_results_are_sections_then_questions_then_guides_each_best_first(client, many_results):
    first = search_page(client, "harbour", 1)
    second = search_page(client, "harbour", 2)
    assert result_titles(first) + result_titles(second) == many_results
    assert "30 results for “harbour”. Showing 1 to 20." in first
    assert "30 results for “harbour”. Showing 21 to 30." in second
    assert '<ol class="results" start="21">' in second


def test_page_links_keep_the_query(client, many_results):
    first = search_page(client, "harbour  logistics", 1)
    assert '<nav class="pagination" aria-label="Pages of results">' in first
    assert '<a rel="next" href="?q=harbour+logistics&amp;page=2">Next page</a>' in first
    assert "Page 1 of 2" in first
    assert 'rel="prev"' not in first

    second = search_page(client, "harbour logistics", 2)
    assert '<a rel="prev" href="?q=harbour+logistics&amp;page=1">Previous page</a>' in second
    assert "Page 2 of 2" in second
    assert 'rel="next"' not in second
    assert len(result_titles(second)) == 5
    everything = [result.title for result in search_results("harbour logistics")]
    assert result_titles(first) + result_titles(second) == everything


def test_one_page_of_results_has_no_page_links(client, many_results):
    html = search_page(client, "nearby", 1)
    assert len(result_titles(html)) == 3
    assert "3 results for “nearby”." in html
    assert "Showing" not in html
    assert 'class="pagination"' not in html


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("\x00", 1),
        ("3", 2),
        ("999", 2),
        ("2" * 500, 2),
        ("9" * 5000, 1),  # more digits than Python reads as a number
    ],
)
def test_a_page_out_of_range_or_malformed_shows_the_nearest_one(client, many_results, page, shown):
    response = client.get(reverse("newsletters:search"), {"q": "harbour", "page": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Page {shown} of 2" in html
    assert result_titles(html) == many_results[(shown - 1) * 20 : shown * 20]


def test_a_page_number_without_a_query_shows_the_form_only(client, many_results):
    html = client.get(reverse("newsletters:search"), {"page": "2"}).content.decode()
    assert 'class="results"' not in html
    assert 'class="pagination"' not in html


def test_each_page_of_a_search_is_served_from_cache(
    client, many_results, django_assert_num_queries
):
    second = search_page(client, "harbour", 2)
    with django_assert_num_queries(0):
        assert search_page(client, "harbour", 2) == second
    assert search_page(client, "harbour", 1) != second


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL ranks the matches")
def test_unranked_sections_of_newer_issues_come_first_across_pages(client):
    older = make_issue(published_at=timezone.now() - timedelta(days=30))
    newer = make_issue(published_at=timezone.now() - timedelta(days=1))
    old_sections = [
        make_section(older, title=f"Old {n}", body="<p>Harbour.</p>") for n in range(15)
    ]
    new_sections = [
        make_section(newer, title=f"New {n}", body="<p>Harbour.</p>") for n in range(15)
    ]
    titles = result_titles(search_page(client, "harbour", 1))
    titles += result_titles(search_page(client, "harbour", 2))
    assert titles == [section.title for section in new_sections + old_sections]
