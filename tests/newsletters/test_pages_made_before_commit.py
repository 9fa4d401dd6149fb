"""An edit through the admin makes the stored pages it changed again before
it commits (newsletters/issue_documents.py, make_again()), so the first
reader after the save is served the new page as current: never the stale
page, uncacheable, that a reader gets while another makes it again."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from msme_portal import before_commit
from msme_portal.admin_helpers import WorkBeforeCommit
from network.models import MemberEconomy
from newsletters import issue_documents
from newsletters.models import IssueDocument, PendingChange
from newsletters.models.issues import Listing
from tests.factories import make_economy, make_issue, make_organization, make_section
from tests.newsletters.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    """A visitor, apart from the staff member the test signs in."""
    return Client()


@pytest.fixture
def live_issue():
    issue = make_issue(
        title="Summer 2022", published_at=datetime.datetime(2022, 7, 1, tzinfo=datetime.UTC)
    )
    section = make_section(issue, title="Coordinator's message")
    return issue, section


def read(reader, issue, language="en"):
    response = reader.get(f"/{language}/issues/{issue.slug}/")
    assert response.status_code == 200
    return response


def save_section(client, section, title):
    """Save the issue's page with its only section retitled, as staff do (a
    published issue changes on its own page only)."""
    url = reverse("admin:newsletters_issue_change", args=[section.issue_id])
    data = form_data(client, url, "issue_form", _save="Save", **{"sections-0-title_en": title})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_publishers_save_leaves_the_pages_read_current_with_the_new_content(
    publisher_client, reader, empty_page_cache, live_issue
):
    issue, section = live_issue
    read(reader, issue, "en")
    read(reader, issue, "fr")

    save_section(publisher_client, section, "A message from the coordinator")

    english = issue_documents.look_up(issue.slug, "en")
    assert english.current
    assert "A message from the coordinator" in english.body
    assert issue_documents.look_up(issue.slug, "fr").current
    # Nobody read the Spanish page: the save does not make it.
    assert not IssueDocument.objects.filter(issue=issue, language="es").exists()
    empty_page_cache()
    page = read(reader, issue)
    assert "A message from the coordinator" in page.content.decode()
    assert "no-store" not in page.headers["Cache-Control"]


def test_the_same_save_outside_the_admin_leaves_the_page_to_its_first_reader(
    reader, empty_page_cache, live_issue
):
    issue, section = live_issue
    read(reader, issue)
    section.title = "A message from the coordinator"
    section.save()
    assert not issue_documents.look_up(issue.slug, "en").current
    empty_page_cache()
    assert "A message from the coordinator" in read(reader, issue).content.decode()
    assert issue_documents.look_up(issue.slug, "en").current


def test_an_approved_change_is_published_with_its_page(
    editor_client, reader, empty_page_cache, live_issue, django_user_model
):
    issue, section = live_issue
    read(reader, issue)
    save_section(editor_client, section, "Proposed by an editor")
    # Staged: the live page, and its stored copy, are as they were.
    assert issue_documents.look_up(issue.slug, "en").current
    assert "Proposed by an editor" not in read(reader, issue).content.decode()

    publisher = django_user_model.objects.create_user(
        username="approver", password="not-a-real-password-1", is_staff=True
    )
    publisher.groups.add(Group.objects.get(name="Publishers"))
    approver = Client()
    approver.force_login(publisher)
    change = PendingChange.objects.get()
    response = approver.post(
        reverse("admin:newsletters_pendingchange_decide", args=[change.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    stored = issue_documents.look_up(issue.slug, "en")
    assert stored.current and "Proposed by an editor" in stored.body


def test_a_page_that_fails_to_render_does_not_fail_the_save(
    publisher_client, reader, empty_page_cache, live_issue, monkeypatch
):
    issue, section = live_issue
    read(reader, issue)

    def failing(slug):
        raise RuntimeError("a template went wrong")

    monkeypatch.setattr(issue_documents.issue_page, "load_published_page", failing)
    save_section(publisher_client, section, "Saved all the same")
    section.refresh_from_db()
    assert section.title == "Saved all the same"
    assert not issue_documents.look_up(issue.slug, "en").current
    monkeypatch.undo()
    empty_page_cache()
    assert "Saved all the same" in read(reader, issue).content.decode()


def test_an_edit_every_page_shows_makes_the_latest_again_and_leaves_the_rest(
    publisher_client, reader, empty_page_cache, monkeypatch
):
    economy = make_economy(name="Uruguay", joined_on=datetime.date(2017, 12, 13))
    issues = [
        make_issue(
            title=f"Summer {year}", published_at=datetime.datetime(year, 7, 1, tzinfo=datetime.UTC)
        )
        for year in (2022, 2023, 2024)
    ]
    for issue in issues:
        make_section(issue, title="Members", listing=Listing.MEMBERS)
        read(reader, issue)
    monkeypatch.setattr(issue_documents, "MADE_BEFORE_COMMIT", 2)

    url = reverse("admin:network_membereconomy_change", args=[economy.pk])
    data = form_data(
        publisher_client, url, "membereconomy_form", _save="Save", name_en="Uruguay (ROU)"
    )
    assert publisher_client.post(url, data).status_code == 302

    current = {issue.title: issue_documents.look_up(issue.slug, "en").current for issue in issues}
    assert current == {"Summer 2022": False, "Summer 2023": True, "Summer 2024": True}
    assert "Uruguay (ROU)" in issue_documents.look_up(issues[2].slug, "en").body


def test_the_work_runs_once_at_the_end_with_all_it_gathered():
    calls = []
    with before_commit.scope():
        assert before_commit.gather("pages", {1}, calls.append)
        with before_commit.scope():  # joins the outer one
            before_commit.gather("pages", {2, 1}, calls.append)
        assert calls == []
    assert calls == [{1, 2}]
    assert not before_commit.gather("pages", {3}, calls.append)


def test_no_work_runs_for_an_edit_rolled_back():
    calls = []
    economy = make_economy(name="Chile")
    with pytest.raises(ValueError), before_commit.scope():
        before_commit.gather("pages", {1}, calls.append)
        MemberEconomy.objects.filter(pk=economy.pk).update(name="Changed")
        raise ValueError("the form was refused")
    assert calls == []
    economy.refresh_from_db()
    assert economy.name == "Chile"


def test_every_admin_whose_saves_drop_stored_pages_makes_them_before_commit():
    dropping = [
        model
        for model in admin.site._registry
        if any(
            receiver.__module__ == "newsletters.issue_page_drops"
            for receiver in post_save._live_receivers(model)[0]
        )
    ]
    assert {model.__name__ for model in dropping} >= {"Issue", "Section", "Guide", "MemberEconomy"}
    for model in dropping:
        assert isinstance(admin.site._registry[model], WorkBeforeCommit), model.__name__


def test_an_order_changed_in_a_list_of_the_admin_is_made_before_commit(
    publisher_client, reader, empty_page_cache, live_issue
):
    issue, _section = live_issue
    make_section(issue, title="The Trade4MSMEs Network", listing=Listing.NETWORK)
    first = make_organization(name="First in the network", display_order=1)
    second = make_organization(name="Second in the network", display_order=2)
    issue.featured_organizations.set([first, second])
    read(reader, issue)
    url = reverse("admin:network_networkorganization_changelist")
    data = form_data(publisher_client, url, "changelist-form", _save="Save")
    for prefix in ("form-0", "form-1"):
        pk = int(data[f"{prefix}-id"])
        data[f"{prefix}-display_order"] = {first.pk: "2", second.pk: "1"}[pk]

    response = publisher_client.post(url, data)

    assert response.status_code == 302
    stored = issue_documents.look_up(issue.slug, "en")
    assert stored.current
    assert stored.body.index("Second in the network") < stored.body.index("First in the network")
