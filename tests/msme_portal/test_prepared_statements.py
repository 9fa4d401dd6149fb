"""Prepared statements for the SQL the portal runs on every request
(msme_portal/postgresql/base.py, msme_portal/compiled_queries.py): each
statement prepared once per connection and run again with new parameters,
counted as Django counts queries, and none when the setting turns them off."""

import pytest
from django.db import ProgrammingError, connection
from django.test.utils import CaptureQueriesContext

from newsletters import issue_documents
from newsletters.search import SearchResults
from tests.factories import make_issue, make_section

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)

# Its own session sees only what is committed: the tables, not a test's rows.
FIND_TABLE = "SELECT relname FROM pg_class WHERE relname = %s"


def prepared_statements(wrapper, containing):
    """(statement, times planned) of what `wrapper`'s session has prepared."""
    with wrapper.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [f"%{containing}%"],
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_statement_is_prepared_once_and_run_again_with_new_parameters(own_connection):
    found = []
    for table in ("newsletters_issue", "guides_guide", "no_such_table"):
        with own_connection.prepared_cursor() as cursor:
            cursor.execute(FIND_TABLE, [table])
            found.append(cursor.fetchall())

    assert found == [[("newsletters_issue",)], [("guides_guide",)], []]
    assert prepared_statements(own_connection, "FROM pg_class WHERE relname") == [
        ("SELECT relname FROM pg_class WHERE relname = $1", 3)
    ]


@pytest.mark.django_db
def test_with_prepared_statements_off_nothing_is_prepared(own_connection, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    for table in ("newsletters_issue", "guides_guide"):
        with own_connection.prepared_cursor() as cursor:
            cursor.execute(FIND_TABLE, [table])
            assert cursor.fetchall() == [(table,)]

    assert prepared_statements(own_connection, "FROM pg_class WHERE relname") == []


@pytest.mark.django_db
def test_a_failing_prepared_statement_raises_django_s_error(own_connection):
    with pytest.raises(ProgrammingError), own_connection.prepared_cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM pg_class WHERE relname = %s", ["x"])
    with own_connection.prepared_cursor() as cursor:
        cursor.execute(FIND_TABLE, ["guides_guide"])
        assert cursor.fetchall() == [("guides_guide",)]


@pytest.mark.django_db
def test_the_issue_page_and_the_search_run_prepared_and_are_counted():
    issue = make_issue(slug="summer-2022", title="Trade for small firms")
    make_section(issue, title="Trade finance", body="<p>Trade finance.</p>")

    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            assert issue_documents.look_up("summer-2022", "en").issue_id == issue.pk
            results = SearchResults("trade")
            titles = [result.title for result in results[: results.count()]]
            assert len(titles) == 1 and titles[0].endswith("Trade finance")

    # Each run counted, and logged with its parameters written in: the
    # look-up, the counts and the page of sections.
    assert len(queries) == 6
    assert "'summer-2022'" in queries[0]["sql"] and "'trade'" in queries[1]["sql"]
    [(_look_up, planned)] = prepared_statements(connection, "newsletters_issuedocument document")
    assert planned >= 2
    # The counts and the ranked page of sections, each prepared once.
    searches = prepared_statements(connection, "websearch_to_tsquery")
    kinds = [
        "counts" if sql.startswith("SELECT (SELECT COUNT(*)") else "page" for sql, _ in searches
    ]
    assert sorted(kinds) == ["counts", "page"]
    assert all(planned >= 2 for _sql, planned in searches), searches
