"""What keeps a search fast however many rows match: at most MAX_RESULTS
of each kind, a page reading only the RESULTS_PER_PAGE rows it shows in a
fixed number of queries, ties in a stable order, and on PostgreSQL indexes
that serve every search (bench/search_bench.py measures it)."""

import re
from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone, translation

from newsletters.models import SectionKind
from newsletters.search import (
    COUNTS,
    KINDS,
    MAX_RESULTS,
    PAGES,
    RESULTS_PER_PAGE,
    IssueUrls,
    matching_sections,
    query_terms,
    search,
)
from tests.factories import make_guide, make_issue, make_question, make_section

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search's indexes exist on PostgreSQL only"
)


@pytest.fixture
def archive():
    """60 matching sections over 10 issues, 20 matching interview questions
    and 30 matching guides, beside rows that do not match."""
    for n in range(10):
        issue = make_issue(title=f"Archive {n}")
        for m in range(6):
            make_section(issue, title=f"Harbour notes {n}.{m}", body="<p>Harbour logistics.</p>")
        interview = make_section(issue, kind=SectionKind.INTERVIEW, title=f"Voices {n}")
        for m in range(2):
            make_question(interview, question=f"Which harbour {m}?", answer="<p>The nearest.</p>")
        make_section(issue, title="Unrelated", body="<p>Nothing to see.</p>")
    for n in range(30):
        make_guide(title=f"Harbour guide {n}", summary="Shipping through a harbour.")
    make_guide(title="Exchange rates", summary="Currencies.")


def result_titles(html):
    return re.findall(r'<h2 class="result__title"><a [^>]*>(.*?)</a>', html)


@pytest.mark.parametrize(
    ("page", "shown", "queries"),
    [
        # The page cache's latest publication (part of the ETag), the three
        # kinds' counts in one query, then the page's sections, best first,
        # with their issues' titles.
        (1, 20, 3),
        # Sections 41 to 50 and questions 1 to 10: one query more.
        (3, 20, 4),
        # The last page: guides 11 to 30.
        (5, 20, 3),
    ],
)
def test_a_page_of_results_makes_one_query_per_kind_it_shows(
    client, archive, django_assert_num_queries, page, shown, queries
):
    with django_assert_num_queries(queries):
        response = client.get(reverse("newsletters:search"), {"q": "harbour", "page": page})
    html = response.content.decode()
    assert html.count('class="result"') == shown
    assert f"{MAX_RESULTS + 20 + 30} results for" in html
    assert "Unrelated" not in html
    assert "Exchange rates" not in html
    assert "<mark>harbour</mark>" in html.lower()


def test_a_search_in_french_makes_as_many_queries(client, archive, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get("/fr/search/", {"q": "harbour"})
    assert response.content.decode().count('class="result"') == RESULTS_PER_PAGE


@ON_POSTGRESQL
def test_a_search_again_builds_no_query_through_the_orm(client, archive, monkeypatch):
    """The second search for other words, in the same language, runs the SQL
    compiled for the first."""
    client.get(reverse("newsletters:search"), {"q": "harbour"})
    client.get(reverse("newsletters:search"), {"q": "harbour", "page": 3})

    def built_again(*args, **kwargs):
        raise AssertionError("a search query was built through the ORM again")

    monkeypatch.setattr(SQLCompiler, "as_sql", built_again)
    for query, page in [("voices", 1), ("harbour logistics", 1), ("shipping", 3)]:
        response = client.get(reverse("newsletters:search"), {"q": query, "page": page})
        assert response.status_code == 200


def test_the_pages_in_turn_list_every_result_once_in_order(client, archive):
    titles = []
    for n in range(1, 6):
        response = client.get(reverse("newsletters:search"), {"q": "harbour", "page": n})
        titles += result_titles(response.content.decode())
    assert len(set(titles)) == MAX_RESULTS + 20 + 30
    assert titles == [result.title for result in search("harbour")]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("slug", ["summer-2022", "Issue_7", "2022"])
def test_a_result_links_its_issue_where_reversing_it_would(language, slug):
    # One address is reversed per search, and each issue's slug written in.
    with translation.override(language):
        expected = reverse("newsletters:issue_detail", kwargs={"slug": slug})
        assert IssueUrls()[slug] == expected


def test_each_kind_of_result_is_cut_at_max_results(archive):
    results = search("harbour")
    kinds = [result.kind for result in results]
    assert kinds.count("Interview") == 20
    assert kinds.count("Guide") == 30
    assert len(results) - 50 == MAX_RESULTS


@ON_POSTGRESQL
def test_equally_ranked_matches_come_oldest_first(archive):
    """The same words in every section rank them equally: which of them make
    the first MAX_RESULTS, and their order, must not change between two
    requests (or with the plan the database picks). Elsewhere matches are
    not ranked and come in the sections' own order."""
    sections = list(matching_sections("harbour", query_terms("harbour")))
    assert [section.pk for section in sections] == sorted(section.pk for section in sections)
    results = search("harbour")[:MAX_RESULTS]
    assert [result.url for result in results] == [
        section.get_absolute_url() for section in sections
    ]


def gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c "
            "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin'"
        )
        return dict(cursor.fetchall())


@ON_POSTGRESQL
def test_guides_are_matched_through_their_stored_documents():
    make_guide(title="Harbour logistics", summary="Shipping.")
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_nestloop"):
            cursor.execute(f"SET LOCAL {setting} = off")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM guides_guide WHERE newsletters_search_document "
            "@@ websearch_to_tsquery('english', 'harbour')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on guides_guide_newsletters_document" in plan, plan
    assert [result.title for result in search("harbour")] == ["Harbour logistics (MSMEs)"]


@ON_POSTGRESQL
def test_every_search_index_is_updated_as_rows_are_written():
    """With GIN's pending list, rows written since the last vacuum are read
    by every search in full, and the planner skips the index."""
    indexes = gin_indexes()
    # Sections, questions and guides in three languages, and the sections'
    # narrow tables (migration 0030).
    assert len(indexes) == 12
    assert all(options == ["fastupdate=off"] for options in indexes.values()), indexes


@ON_POSTGRESQL
def test_the_search_documents_of_guides_migrate_back_and_forward():
    dependencies = import_module("newsletters.migrations.0027_search_documents").Migration
    previous = dict(dependencies.dependencies)["newsletters"]
    # PostgreSQL changes schemas in transactions: the test's own is rolled
    # back. (Rows written first would leave it constraint checks pending,
    # which PostgreSQL refuses under an ALTER TABLE.)
    call_command("migrate", "newsletters", previous, verbosity=0)
    indexes = gin_indexes()
    assert not any(name.startswith("guides_guide") for name in indexes)
    assert all(options is None for options in indexes.values())
    call_command("migrate", "newsletters", verbosity=0)
    assert len(gin_indexes()) == 12
    guide = make_guide(title="Harbour logistics", summary="Shipping.")
    assert [result.url for result in search("harbour")] == [guide.url]


def article_text(seed):
    """About 2 KB of an article, 60 distinct words each written twice among
    words PostgreSQL leaves out of a document, as the archive's sections
    are: a document of about 1 KB."""
    words = [
        f"the {word}{seed}x{n} of" for n in range(20) for word in ("trade", "harbour", "export")
    ]
    return "<p>" + " and ".join(words * 2) + ".</p>"


def toast_chunks(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = %s", [table]
        )
        (toast_table,) = cursor.fetchone()
        # The table's own TOAST relation, named by PostgreSQL.
        cursor.execute(f"SELECT count(*) FROM {toast_table}")
        return cursor.fetchone()[0]


def document_storage():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname, a.attstorage, c.reloptions FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid WHERE a.attname LIKE %s "
            "AND c.relname IN ('newsletters_section', 'newsletters_question', 'guides_guide')",
            ["%search_document%"],
        )
        return {
            (table, column): (storage, tuple(options or ()))
            for table, column, storage, options in cursor
        }


@ON_POSTGRESQL
def test_a_section_s_search_documents_stay_in_its_row():
    """Out in the TOAST table, each matching section's document was read
    from there to match it and again to rank it."""
    issue = make_issue()
    before = toast_chunks("newsletters_section")
    section = make_section(
        issue,
        body_en=article_text("e"),
        body_fr=article_text("f"),
        body_es=article_text("s"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(s.*), pg_column_size(s.search_document) "
            "FROM newsletters_section s WHERE id = %s",
            [section.pk],
        )
        row_size, document_size = cursor.fetchone()
    # Larger than PostgreSQL's default toast_tuple_target (2032 bytes), so
    # by default part of it would have been moved out.
    assert row_size > 2032 + 3 * document_size // 2
    assert toast_chunks("newsletters_section") == before
    assert [result.url for result in search("harbourex7")] == [section.get_absolute_url()]


@ON_POSTGRESQL
def test_keeping_the_documents_in_their_rows_migrates_back_and_forward():
    storage = document_storage()
    assert len(storage) == 9
    assert set(storage.values()) == {("m", ("toast_tuple_target=8160",))}
    migration = import_module("newsletters.migrations.0029_search_documents_inline").Migration
    call_command("migrate", "newsletters", dict(migration.dependencies)["newsletters"], verbosity=0)
    assert set(document_storage().values()) == {("x", ())}
    call_command("migrate", "newsletters", verbosity=0)
    assert document_storage() == storage


def generic_plan(compiled, arguments):
    """The plan PostgreSQL keeps for `compiled`'s prepared statement, the one
    every search runs once a connection has prepared it."""
    sql, parameters, _converters = compiled.built("en", arguments, connection)
    numbered = iter(range(1, len(parameters) + 1))
    statement = re.sub(r"%s", lambda _match: f"${next(numbered)}", sql)
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE kept_plan AS {statement}")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        placeholders = ", ".join(["%s"] * len(parameters))
        cursor.execute(f"EXPLAIN EXECUTE kept_plan({placeholders})", parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE kept_plan")
    return plan


@ON_POSTGRESQL
@pytest.mark.parametrize(
    ("compiled", "arguments"),
    [(PAGES[kind], ("trade", 0, 20)) for kind in KINDS] + [(COUNTS, ("trade",))],
    ids=[kind.model.__name__ for kind in KINDS] + ["counts"],
)
def test_the_kept_plans_parse_the_query_once_not_for_each_row(archive, compiled, arguments):
    plan = generic_plan(compiled, (timezone.now(), *arguments))
    assert "InitPlan" in plan, plan
    assert "websearch_to_tsquery" not in plan, plan
