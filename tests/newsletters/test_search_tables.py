"""The narrow tables of the sections' search documents (migration 0030),
on PostgreSQL: the search ranks sections there, so they must hold exactly
what the sections hold, whatever staff do to a section and however its rows
go away. Each test ends by checking every row against the sections."""

from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from newsletters.models import PendingChange, Section
from newsletters.search import KINDS, PAGES
from tests.factories import make_issue, make_section
from tests.newsletters.helpers import form_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the search's tables exist on PostgreSQL only"
    ),
]

DOCUMENTS = {"en": "search_document", "fr": "search_document_fr", "es": "search_document_es"}


def search_table(language):
    return f"newsletters_section_search_{language}"


def out_of_step():
    """For each language, the sections whose row in its table is missing,
    left over or different from the section's own document and issue."""
    differences = {}
    with connection.cursor() as cursor:
        for language, column in DOCUMENTS.items():
            cursor.execute(
                f"SELECT coalesce(s.id, t.section_id) FROM newsletters_section s "
                f"FULL JOIN {search_table(language)} t ON t.section_id = s.id "
                "WHERE s.id IS NULL OR t.section_id IS NULL "
                f"OR t.issue_id <> s.issue_id OR t.document <> s.{column}"
            )
            if rows := sorted(row[0] for row in cursor.fetchall()):
                differences[language] = rows
    return differences


def rows_in(language):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search_table(language)}")
        return cursor.fetchone()[0]


def signed_in(django_user_model, group):
    user = django_user_model.objects.create_user(
        username=group.lower(), password="not-a-real-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    return browser


def save_issue(browser, issue, language="en", **changes):
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    if language != "en":
        url += f"?language={language}"
    data = form_data(browser, url, "issue_form", _save="Save", **changes)
    return browser.post(url, data, follow=True)


def visitor_finds(words, language="en"):
    """The results page of a visitor's search for `words`, in `language`."""
    response = Client().get(f"/{language}/search/", {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def test_the_tables_follow_every_change_to_a_section():
    issue, other_issue = make_issue(), make_issue()
    section = make_section(issue, title="Harbours", body="<p>Warehouses.</p>")
    assert rows_in("en") == rows_in("fr") == rows_in("es") == 1
    assert out_of_step() == {}

    section.body_en = "<p>Lighthouses.</p>"
    section.save()
    section.body_fr = "<p>Phares.</p>"
    section.save()
    section.issue = other_issue
    section.save()
    Section.objects.filter(pk=section.pk).update(title_es="Puertos")
    assert out_of_step() == {}

    section.delete()
    make_section(issue)
    issue.delete()  # and its sections with it
    assert rows_in("en") == rows_in("fr") == rows_in("es") == 0
    assert out_of_step() == {}


def test_truncating_the_sections_empties_the_tables():
    # As a test database is emptied between tests that commit.
    make_section(make_issue())
    with connection.cursor() as cursor:
        # The foreign keys' checks, deferred to the commit, run now: a table
        # with checks pending cannot be truncated.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE newsletters_section CASCADE")
    assert rows_in("en") == rows_in("fr") == rows_in("es") == 0


def test_a_publisher_s_edit_and_translation_are_found_at_once(django_user_model):
    publisher = signed_in(django_user_model, "Publishers")
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Ports", anchor="ports", body="<p>Warehouses in the harbour.</p>")
    assert "Ports" in visitor_finds("warehouses")  # and the page cache holds it

    save_issue(publisher, issue, **{"sections-0-body_en": "<p>Lighthouses on the coast.</p>"})
    assert "Ports" not in visitor_finds("warehouses")
    assert "Ports" in visitor_finds("lighthouses")

    save_issue(publisher, issue, "fr", **{"sections-0-body_fr": "<p>Les phares de la côte.</p>"})
    assert "Ports" in visitor_finds("phares", "fr")
    assert out_of_step() == {}


def test_an_editor_s_proposal_is_found_only_once_approved(django_user_model):
    editor = signed_in(django_user_model, "Editors")
    publisher = signed_in(django_user_model, "Publishers")
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Ports", anchor="ports", body="<p>Warehouses.</p>")

    save_issue(editor, issue, **{"sections-0-body_en": "<p>Lighthouses.</p>"})
    assert "Ports" not in visitor_finds("lighthouses")

    change = PendingChange.objects.get(issue=issue)
    url = reverse("admin:newsletters_pendingchange_decide", args=[change.pk])
    publisher.post(url, {"decision": "approve"})
    assert "Ports" in visitor_finds("lighthouses")
    assert out_of_step() == {}


def test_an_unpublished_issue_s_sections_are_not_found_until_published_again():
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Ports", body="<p>Warehouses.</p>")
    assert issue.unpublish()
    assert "Ports" not in visitor_finds("warehouses")
    issue.publish()
    assert "Ports" in visitor_finds("warehouses")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sections_are_ranked_in_the_narrow_table(language):
    section_pages = PAGES[KINDS[0]]
    sql, _slots, _converters = section_pages.compile(
        language, (make_issue().published_at, "trade", 0, 20), connection
    )
    ranked_keys = sql.split(" IN (", 1)[1]
    assert f'FROM "{search_table(language)}"' in ranked_keys
    assert 'FROM "newsletters_section"' not in ranked_keys


def test_the_tables_migrate_back_and_forward():
    issue = make_issue()
    make_section(issue, body="<p>Warehouses.</p>")
    make_section(issue, body="<p>Lighthouses.</p>")
    migration = import_module("newsletters.migrations.0030_section_search_tables").Migration
    call_command("migrate", "newsletters", dict(migration.dependencies)["newsletters"], verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [search_table("en")])
        assert cursor.fetchone() == (None,)
    make_section(issue, body="<p>Written while the tables were gone.</p>")

    call_command("migrate", "newsletters", verbosity=0)
    assert rows_in("en") == 3
    assert out_of_step() == {}


def test_a_dump_leaves_the_tables_out_and_loading_it_fills_them_again(tmp_path):
    issue = make_issue()
    make_section(issue, body="<p>Warehouses.</p>")
    make_section(issue, body="<p>Lighthouses.</p>")
    dump = tmp_path / "newsletters.json"
    call_command("dumpdata", "newsletters", output=str(dump), verbosity=0)
    assert "sectionsearchdocument" not in dump.read_text()

    Section.objects.all().delete()
    assert rows_in("en") == 0
    call_command("loaddata", str(dump), verbosity=0)
    assert rows_in("en") == 2
    assert out_of_step() == {}
