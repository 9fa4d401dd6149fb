"""Old addresses keep working: an issue's former slugs redirect to it, and
a section's former anchors stay ids in the issue page, so the links in
emails already sent still arrive."""

import sqlite3
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from newsletters.models import FormerIssueSlug, Section
from tests.factories import make_box, make_draft_issue, make_issue, make_section
from tests.processes import manage, production_env, sqlite_url

pytestmark = pytest.mark.django_db


def address(slug):
    return reverse("newsletters:issue_detail", kwargs={"slug": slug})


def rename(issue, slug):
    issue.slug = slug
    issue.save()


def move(section, anchor):
    section.anchor = anchor
    section.save()


class PageIds(HTMLParser):
    """Every id in a page, each with the id of the <section> it sits in."""

    def __init__(self, html):
        super().__init__()
        self.open_sections, self.found = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.found.append((attrs["id"], self.open_sections[-1] if self.open_sections else None))
        if tag == "section":
            self.open_sections.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "section":
            self.open_sections.pop()

    def counts(self):
        return Counter(each for each, _ in self.found)

    def sections_holding(self, element_id):
        return [section for each, section in self.found if each == element_id]


def page_ids(client, issue):
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    ids = PageIds(response.content.decode())
    assert max(ids.counts().values()) == 1, ids.counts().most_common(3)
    return ids


# Former slugs


def test_a_former_slug_redirects_permanently_to_the_new_address(client):
    issue = make_issue(slug="summer-2022")
    rename(issue, "summer-2022-edition")

    response = client.get(address("summer-2022"))

    assert response.status_code == 301
    assert response.headers["Location"] == address("summer-2022-edition")
    # A proxy may keep it as briefly as a 404; a browser not for good.
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_redirect_drops_the_query_string(client):
    issue = make_issue(slug="spring-2023")
    rename(issue, "spring-2023-edition")

    response = client.get(address("spring-2023"), {"utm_source": "newsletter"})

    assert response.status_code == 301
    assert response.headers["Location"] == address("spring-2023-edition")


def test_staff_get_the_redirect_privately(editor_client):
    issue = make_issue(slug="autumn-2022")
    rename(issue, "autumn-2022-edition")

    response = editor_client.get(address("autumn-2022"))

    assert response.status_code == 301
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_chain_of_slugs_goes_straight_to_the_current_one(client):
    issue = make_issue(slug="first")
    rename(issue, "second")
    rename(issue, "third")

    for old in ["first", "second"]:
        response = client.get(address(old))
        assert response.status_code == 301
        assert response.headers["Location"] == address("third")


def test_going_back_to_a_former_slug_makes_it_real_again(client):
    issue = make_issue(slug="winter")
    rename(issue, "winter-2022")
    rename(issue, "winter")

    assert client.get(address("winter")).status_code == 200
    assert client.get(address("winter-2022")).headers["Location"] == address("winter")
    assert list(FormerIssueSlug.objects.values_list("slug", flat=True)) == ["winter-2022"]


def test_a_former_slug_another_issue_takes_is_that_issues(client):
    moved = make_issue(slug="msme-day", title="Moved issue")
    rename(moved, "msme-day-2022")
    make_issue(slug="msme-day", title="The issue that took the slug")

    response = client.get(address("msme-day"))

    assert response.status_code == 200
    assert response.context["issue"].title == "The issue that took the slug"
    assert not FormerIssueSlug.objects.filter(slug="msme-day").exists()


def test_a_former_slug_a_draft_takes_redirects_no_more(client):
    moved = make_issue(slug="special")
    rename(moved, "special-2022")
    make_draft_issue(slug="special")

    assert client.get(address("special")).status_code == 404


def test_a_drafts_former_slug_is_as_unknown_as_any_address(client):
    draft = make_draft_issue(slug="secret-plans")
    rename(draft, "secret-plans-2")
    unknown = client.get(address("never-existed"))

    response = client.get(address("secret-plans"))

    assert response.status_code == unknown.status_code == 404
    assert "Location" not in response.headers
    assert response.headers["Cache-Control"] == unknown.headers["Cache-Control"]
    assert b"secret-plans-2" not in response.content


def test_an_unpublished_issues_former_slug_stops_redirecting(client):
    issue = make_issue(slug="withdrawn")
    rename(issue, "withdrawn-2")
    assert client.get(address("withdrawn")).status_code == 301

    issue.unpublish()

    assert client.get(address("withdrawn")).status_code == 404


def test_a_slug_saved_with_update_fields_is_recorded_too(client):
    issue = make_issue(slug="by-fields")
    issue.slug = "by-fields-2"
    issue.save(update_fields=["slug"])

    assert client.get(address("by-fields")).headers["Location"] == address("by-fields-2")


def test_saves_that_leave_the_slug_alone_read_nothing_more(django_assert_num_queries):
    issue = make_issue()
    # Besides the update, the three of the stored pages it makes stale
    # (newsletters/issue_documents.py): those that link to it, the issues
    # beside it, their generations.
    with django_assert_num_queries(1 + 3):
        issue.save(update_fields=["title", "updated_at"])
    # The stored slug, the stored cover (msme_portal/thumbnails.py), the update.
    with django_assert_num_queries(3 + 3):
        issue.save()
    assert not FormerIssueSlug.objects.exists()


def test_an_approved_staged_change_records_the_former_addresses(client):
    """The staging of a change to a live issue saves it, serializes the
    result and rolls back; the approval saves the deserialized rows."""
    issue = make_issue(slug="live-issue")
    section = make_section(issue, anchor="live-section")
    with transaction.atomic():
        rename(issue, "approved-issue")
        move(section, "approved-section")
        proposed = serializers.serialize("json", [issue, section])
        transaction.set_rollback(True)
    assert not FormerIssueSlug.objects.exists()
    assert client.get(address("live-issue")).status_code == 200

    for row in serializers.deserialize("json", proposed):
        row.object.save()

    assert client.get(address("live-issue")).headers["Location"] == address("approved-issue")
    section.refresh_from_db()
    assert section.former_anchors == ["live-section"]
    assert page_ids(client, issue).sections_holding("live-section") == ["approved-section"]


# With the page cache


def test_a_warm_page_cache_answers_the_old_address_with_the_redirect(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_ENABLED = True
    issue = make_issue(slug="cached")
    first = client.get(address("cached"))
    assert first.status_code == 200
    assert client.get(address("cached-2")).status_code == 404
    with django_assert_num_queries(0):  # stored, and served from the cache
        assert client.get(address("cached")).status_code == 200

    rename(issue, "cached-2")

    moved = client.get(address("cached"))
    assert moved.status_code == 301
    assert moved.headers["Location"] == address("cached-2")
    revalidated = client.get(address("cached"), headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 301
    assert client.get(address("cached-2")).status_code == 200
    # The redirect was not stored: withdrawn, the issue is gone from both.
    issue.unpublish()
    assert client.get(address("cached")).status_code == 404
    assert client.get(address("cached-2")).status_code == 404


# Former anchors


def test_a_former_anchor_stays_an_empty_element_at_the_start_of_its_section(client):
    issue = make_issue()
    article = make_section(issue, anchor="presentations")
    talk = make_section(issue, parent=article, anchor="talk-one")
    box = make_box(article, anchor="call-for-papers")
    move(talk, "talk-on-trade-finance")
    move(box, "call-for-proposals")

    response = client.get(issue.get_absolute_url())

    html = response.content.decode()
    ids = PageIds(html)
    assert ids.sections_holding("talk-one") == ["talk-on-trade-finance"]
    assert ids.sections_holding("call-for-papers") == ["call-for-proposals"]
    # No text, no role, no tabindex: nothing to focus or announce.
    assert (
        'aria-labelledby="talk-on-trade-finance-title">'
        '<span id="talk-one" class="former-anchor"></span>'
    ) in html


def test_former_anchors_chain_and_a_section_never_keeps_its_live_anchor(client):
    issue = make_issue()
    section = make_section(issue, anchor="one")
    move(section, "two")
    move(section, "three")
    move(section, "two")

    section.refresh_from_db()
    assert section.former_anchors == ["one", "three"]
    ids = page_ids(client, issue)
    assert ids.sections_holding("one") == ["two"]
    assert ids.sections_holding("three") == ["two"]


def test_a_former_anchor_another_section_takes_is_that_sections(client):
    issue = make_issue()
    renamed = make_section(issue, anchor="welcome")
    move(renamed, "welcome-message")
    taker = make_section(issue, anchor="welcome")

    ids = page_ids(client, issue)

    assert ids.counts()["welcome"] == 1
    assert ids.sections_holding("welcome") == [None]  # the taker's own <section>
    assert taker.get_absolute_url().endswith("#welcome")

    # Once the taker moves on, it is the anchor's latest holder.
    move(taker, "welcome-again")
    renamed.refresh_from_db()
    assert renamed.former_anchors == []
    assert page_ids(client, issue).sections_holding("welcome") == ["welcome-again"]


def test_a_former_anchor_equal_to_a_headings_id_is_left_out(client):
    issue = make_issue()
    make_section(issue, anchor="voices")
    other = make_section(issue, anchor="voices-title")
    move(other, "interviews")

    ids = page_ids(client, issue)

    assert ids.sections_holding("voices-title") == ["voices"]  # the heading only


def test_ids_stay_unique_whatever_the_stored_lists_say(client):
    """Rows written past save() (a raw update, an old staged state) may list
    one anchor for two sections: the page shows it once."""
    issue = make_issue()
    first, second = make_section(issue, order=1), make_section(issue, order=2)
    Section.objects.filter(pk__in=[first.pk, second.pk]).update(
        former_anchors=["shared", "shared", first.anchor]
    )

    ids = page_ids(client, issue)

    assert ids.sections_holding("shared") == [first.anchor]
    assert ids.sections_holding(first.anchor) == [None]


def test_an_anchor_saved_with_update_fields_is_recorded(django_assert_num_queries):
    section = make_section(make_issue(), anchor="before")
    section.anchor = "after"
    section.save(update_fields=["anchor"])
    section.refresh_from_db()
    assert section.former_anchors == ["before"]

    # The update, and the issue's stored pages made stale: their generation
    # raised (newsletters/issue_documents.py).
    with django_assert_num_queries(1 + 1):
        section.title = "Retitled"
        section.save(update_fields=["title"])


# Query counts


def test_the_issue_page_costs_no_query_more(client, empty_page_cache, django_assert_num_queries):
    issue = make_issue()
    for n in range(12):
        section = make_section(issue, anchor=f"old-{n}")
        make_box(section, anchor=f"old-box-{n}")
    for section in Section.objects.filter(issue=issue):
        move(section, f"new-{section.anchor}")
    empty_page_cache()

    # The stored page looked up; the issue with its neighbours, the
    # sections, questions and links, and its PDF edition; the page stored.
    with django_assert_num_queries(1 + 5 + 1):
        response = client.get(issue.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('class="former-anchor"') == 24


def test_a_former_slug_costs_one_query_more_than_a_404(
    client, empty_page_cache, django_assert_num_queries
):
    issue = make_issue(slug="counted")
    rename(issue, "counted-2")
    empty_page_cache()

    with django_assert_num_queries(2):
        assert client.get(address("counted")).status_code == 301


# The migration


def test_the_migration_goes_back_and_forth_keeping_every_issue_and_section(tmp_path):
    path = tmp_path / "db.sqlite3"
    env = production_env(sqlite_url(path))
    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)
    rename_in_shell = (
        "from newsletters.models import Issue\n"
        "issue = Issue.objects.get(slug='summer-2022')\n"
        "issue.slug = 'summer-2022-renamed'\n"
        "issue.save()\n"
        "section = issue.sections.order_by('pk').first()\n"
        "section.anchor = section.anchor + '-renamed'\n"
        "section.save()\n"
    )
    manage("shell", "-v", "0", "-c", rename_in_shell, env=env)

    def state():
        with sqlite3.connect(path) as database:
            tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
            columns = {row[1] for row in database.execute("PRAGMA table_info(newsletters_section)")}
            sections = database.execute("SELECT count(*) FROM newsletters_section").fetchone()[0]
            slugs = [row[0] for row in database.execute("SELECT slug FROM newsletters_issue")]
        database.close()
        return "newsletters_formerissueslug" in tables, "former_anchors" in columns, sections, slugs

    migrated = state()
    assert migrated[:2] == (True, True)
    manage("migrate", "newsletters", "0011", env=env)
    assert state() == (False, False, migrated[2], ["summer-2022-renamed"])
    manage("migrate", "--noinput", env=env)
    assert state() == migrated


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL changes schemas in transactions"
)
def test_the_migration_goes_back_and_forth_on_postgresql():
    def former_addresses():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.columns "
                "WHERE column_name = 'former_anchors'"
            )
            columns = {row[0] for row in cursor.fetchall()}
        tables = connection.introspection.table_names()
        return columns, "newsletters_formerissueslug" in tables

    section = make_section(make_issue())
    with connection.cursor() as cursor:
        # Check the new rows' foreign keys now: PostgreSQL alters no table
        # with checks still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert former_addresses() == ({"newsletters_section"}, True)
    call_command("migrate", "newsletters", "0011", verbosity=0)
    assert former_addresses() == (set(), False)
    call_command("migrate", "newsletters", verbosity=0)
    assert former_addresses() == ({"newsletters_section"}, True)
    section.refresh_from_db()
    assert section.former_anchors == []
