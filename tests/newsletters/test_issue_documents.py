"""Published issue pages stored whole (newsletters/issue_documents.py):
served in few queries with the page cache empty, and made again only when
something they show changes."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from msme_portal.http_cache import release
from network.models import GroupOfficer, MemberEconomy, OfficerRole
from newsletters import issue_documents, issue_page_drops
from newsletters.models import Issue, IssueDocument, Meeting
from newsletters.models.issues import Listing
from tests.factories import (
    make_box,
    make_economy,
    make_guide,
    make_issue,
    make_organization,
    make_question,
    make_section,
)

pytestmark = pytest.mark.django_db


def published_on(day, **fields):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return make_issue(published_at=moment, **fields)


@pytest.fixture
def archive():
    """Three issues a year apart: 2022 lists a guide and the network, 2023
    the members, 2024 the meetings."""
    guide = make_guide(title="Going digital")
    organization = make_organization(name="The Alliance")
    economy = make_economy(name="Uruguay", joined_on=datetime.date(2017, 12, 13))
    issues = {
        2022: published_on(datetime.date(2022, 7, 1), title="Summer 2022"),
        2023: published_on(datetime.date(2023, 7, 1), title="Summer 2023"),
        2024: published_on(datetime.date(2024, 7, 1), title="Summer 2024"),
    }
    guides = make_section(issues[2022], title="New guides", listing=Listing.NEW_GUIDES)
    issues[2022].featured_guides.add(guide)
    make_box(guides, title="Network", listing=Listing.NETWORK)
    issues[2022].featured_organizations.add(organization)
    make_section(issues[2023], title="Members", listing=Listing.MEMBERS)
    make_section(issues[2024], title="Meetings", listing=Listing.UPCOMING_MEETINGS)
    return {"issues": issues, "guide": guide, "organization": organization, "economy": economy}


@pytest.fixture
def renders(monkeypatch):
    """The titles of the issues whose pages are stored from now on."""
    stored = []
    real = issue_documents.store

    def counting(page, *args):
        stored.append(page.issue.title)
        return real(page, *args)

    monkeypatch.setattr(issue_documents, "store", counting)
    return stored


def visit_all(client, empty_page_cache, archive):
    empty_page_cache()
    for issue in archive["issues"].values():
        assert client.get(issue.get_absolute_url()).status_code == 200


def rebuilt_after(change, client, empty_page_cache, archive, renders):
    """The titles of the pages made again after `change`, every page visited."""
    visit_all(client, empty_page_cache, archive)
    renders.clear()
    change()
    visit_all(client, empty_page_cache, archive)
    return sorted(renders)


def test_a_stored_page_is_served_in_one_query_with_the_page_cache_empty(
    client, empty_page_cache, django_assert_max_num_queries, archive
):
    issue = archive["issues"][2023]
    empty_page_cache()
    first = client.get(issue.get_absolute_url())
    empty_page_cache()
    with django_assert_max_num_queries(3):
        again = client.get(issue.get_absolute_url())
    assert again.status_code == 200
    assert again.content == first.content
    assert "Uruguay" in again.content.decode()


def test_each_language_has_its_own_stored_page(client, empty_page_cache, archive):
    issue = archive["issues"][2022]
    english = client.get(issue.get_absolute_url()).content.decode()
    french = client.get(f"/fr/issues/{issue.slug}/").content.decode()
    empty_page_cache()
    assert client.get(f"/fr/issues/{issue.slug}/").content.decode() == french
    assert '<html lang="fr"' in french and '<html lang="en"' in english
    assert set(IssueDocument.objects.values_list("language", flat=True)) == {"en", "fr"}


def test_an_edit_to_a_section_remakes_its_issue_only(client, empty_page_cache, archive, renders):
    section = archive["issues"][2023].sections.get()

    def edit():
        section.body = "<p>A new paragraph.</p>"
        section.save()

    assert rebuilt_after(edit, client, empty_page_cache, archive, renders) == ["Summer 2023"]
    page = client.get(archive["issues"][2023].get_absolute_url()).content.decode()
    assert "A new paragraph." in page


def test_a_question_remakes_its_issue_only(client, empty_page_cache, archive, renders):
    section = archive["issues"][2024].sections.get()

    def add_question():
        make_question(section, question="What comes next?")

    assert rebuilt_after(add_question, client, empty_page_cache, archive, renders) == [
        "Summer 2024"
    ]


def test_a_guide_remakes_the_pages_that_list_it(client, empty_page_cache, archive, renders):
    guide = archive["guide"]

    def edit():
        guide.title = "Going digital, revised"
        guide.save()

    assert rebuilt_after(edit, client, empty_page_cache, archive, renders) == ["Summer 2022"]
    assert (
        "Going digital, revised"
        in client.get(archive["issues"][2022].get_absolute_url()).content.decode()
    )

    def unrelated():
        make_guide(title="A guide no issue lists")

    assert rebuilt_after(unrelated, client, empty_page_cache, archive, renders) == []


def test_an_organization_remakes_the_pages_that_list_it(client, empty_page_cache, archive, renders):
    organization = archive["organization"]

    def edit():
        organization.name = "The Alliance for MSMEs"
        organization.save()

    assert rebuilt_after(edit, client, empty_page_cache, archive, renders) == ["Summer 2022"]


def test_a_register_entry_remakes_the_pages_as_of_its_dates_only(
    client, empty_page_cache, archive, renders
):
    def joined_before_2023():
        make_economy(name="Kenya", joined_on=datetime.date(2020, 5, 1))

    assert rebuilt_after(joined_before_2023, client, empty_page_cache, archive, renders) == [
        "Summer 2023"
    ]
    assert "Kenya" in client.get(archive["issues"][2023].get_absolute_url()).content.decode()

    def joined_after_2023():
        make_economy(name="Peru", joined_on=datetime.date(2025, 1, 10))

    assert rebuilt_after(joined_after_2023, client, empty_page_cache, archive, renders) == []

    def later_officer():
        GroupOfficer.objects.create(
            name="A later chair",
            economy=archive["economy"],
            role=OfficerRole.CHAIR,
            term_start=datetime.date(2025, 3, 1),
        )

    assert rebuilt_after(later_officer, client, empty_page_cache, archive, renders) == []

    def date_corrected_back():
        peru = MemberEconomy.objects.get(name="Peru")
        peru.joined_on = datetime.date(2021, 1, 10)
        peru.save()

    assert rebuilt_after(date_corrected_back, client, empty_page_cache, archive, renders) == [
        "Summer 2023"
    ]


def test_a_meeting_remakes_the_pages_whose_lists_reach_it(
    client, empty_page_cache, archive, renders
):
    def upcoming_for_2024():
        Meeting.objects.create(title="Autumn meeting", date=datetime.date(2024, 10, 12))

    assert rebuilt_after(upcoming_for_2024, client, empty_page_cache, archive, renders) == [
        "Summer 2024"
    ]

    def long_before():
        Meeting.objects.create(title="Old meeting", date=datetime.date(2019, 3, 1))

    assert rebuilt_after(long_before, client, empty_page_cache, archive, renders) == []

    # An issue lists the year after its date: a meeting set years later
    # leaves the archived issue as it was.
    def years_later():
        Meeting.objects.create(title="Meeting of 2030", date=datetime.date(2030, 3, 1))

    assert rebuilt_after(years_later, client, empty_page_cache, archive, renders) == []
    page = client.get(archive["issues"][2024].get_absolute_url()).content.decode()
    assert "Autumn meeting" in page and "Meeting of 2030" not in page


def test_an_issue_remakes_itself_and_the_issues_beside_it(
    client, empty_page_cache, archive, renders
):
    def retitle_2023():
        issue = archive["issues"][2023]
        issue.title = "Summer 2023, revised"
        issue.save()

    # 2022's and 2024's pagers name it.
    assert rebuilt_after(retitle_2023, client, empty_page_cache, archive, renders) == [
        "Summer 2022",
        "Summer 2023, revised",
        "Summer 2024",
    ]

    def retitle_2024():
        issue = archive["issues"][2024]
        issue.title = "Summer 2024, revised"
        issue.save()

    assert rebuilt_after(retitle_2024, client, empty_page_cache, archive, renders) == [
        "Summer 2023, revised",
        "Summer 2024, revised",
    ]


def test_a_page_rendered_before_an_edit_is_never_served_after_it(client, empty_page_cache, archive):
    """The race of a reader's render with an editor's save: the page stored
    late, from the content before the edit, carries the old generation."""
    issue = archive["issues"][2023]
    section = issue.sections.get()
    generation_before = issue_documents.look_up(issue.slug, "en").generation
    section.body = "<p>After the edit.</p>"
    section.save()
    # What a render that began before the save would store.
    page = issue_documents.issue_page.load_published_page(issue.slug)
    issue_documents.store(page, "en", "<p>Before the edit.</p>", generation_before, timezone.now())
    empty_page_cache()
    served = client.get(issue.get_absolute_url()).content.decode()
    assert "After the edit." in served and "Before the edit." not in served


def test_an_unpublished_issue_is_not_served_from_its_stored_page(client, empty_page_cache, archive):
    issue = archive["issues"][2023]
    assert client.get(issue.get_absolute_url()).status_code == 200
    issue.unpublish()
    empty_page_cache()
    assert client.get(issue.get_absolute_url()).status_code == 404


def test_the_idle_worker_stores_the_pages_ahead_of_readers(archive):
    assert issue_documents.build_missing() == 3 * 3  # three issues, three languages
    assert IssueDocument.objects.count() == 9
    assert issue_documents.build_missing() == 0


def test_the_idle_worker_counts_only_the_pages_it_stored(archive):
    """A page another request is making again is left to it: served stale to
    the idle worker, it is neither stored nor counted."""
    issue = archive["issues"][2023]
    issue_documents.build_missing()
    section = issue.sections.get()
    section.body = "<p>After the edit.</p>"
    section.save()
    generation = issue_documents.look_up(issue.slug, "en").generation
    cache.add(remaking_key(issue, generation), True)

    assert issue_documents.build_missing() == 2  # French and Spanish
    assert not issue_documents.look_up(issue.slug, "en").current


def test_a_page_rendered_for_signed_in_staff_is_not_stored(editor_client, archive):
    issue = archive["issues"][2023]
    assert editor_client.get(issue.get_absolute_url()).status_code == 200
    assert not IssueDocument.objects.exists()


def remaking_key(issue, generation):
    return issue_documents.REMAKING_KEY.format(
        issue=issue.pk, language="en", generation=generation, release=release()
    )


def test_while_one_request_makes_a_page_again_the_others_get_the_stale_one(
    client, empty_page_cache, archive, renders
):
    """After an edit many readers ask for the page at once: one makes it
    again, the others are served the page as it was, which no cache keeps."""
    issue = archive["issues"][2023]
    section = issue.sections.get()
    client.get(issue.get_absolute_url())
    section.body = "<p>After the edit.</p>"
    section.save()
    renders.clear()
    empty_page_cache()
    # Another worker is making the page.
    cache.add(remaking_key(issue, issue_documents.look_up(issue.slug, "en").generation), True)

    stale = client.get(issue.get_absolute_url())

    assert stale.status_code == 200
    assert "Uruguay" in stale.content.decode()
    assert "After the edit." not in stale.content.decode()
    assert stale["Cache-Control"] == "no-store"
    assert "ETag" not in stale.headers and "Last-Modified" not in stale.headers
    assert renders == []

    # Once it is made (here: the other worker was killed, its claim expired).
    cache.clear()
    fresh = client.get(issue.get_absolute_url())
    assert "After the edit." in fresh.content.decode()
    assert "public" in fresh["Cache-Control"] and "ETag" in fresh.headers
    assert renders == ["Summer 2023"]


def test_the_request_that_makes_the_page_again_lets_the_next_one_make_it_after_a_failure(
    client, empty_page_cache, archive, monkeypatch
):
    issue = archive["issues"][2023]
    client.get(issue.get_absolute_url())
    issue_page_drops.drop({issue.pk})
    generation = issue_documents.look_up(issue.slug, "en").generation

    def failing(slug):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(issue_documents.issue_page, "load_published_page", failing)
    empty_page_cache()
    with pytest.raises(RuntimeError):
        client.get(issue.get_absolute_url())

    assert cache.get(remaking_key(issue, generation)) is None


def test_a_scheduled_issue_coming_out_expires_the_pages_whose_pager_it_joins(
    client, empty_page_cache, archive
):
    latest = archive["issues"][2024]
    coming = published_on(datetime.date(2024, 7, 1), title="Autumn 2024")
    coming.published_at = timezone.now() + datetime.timedelta(hours=1)
    coming.save()
    empty_page_cache()
    assert "Autumn 2024" not in client.get(latest.get_absolute_url()).content.decode()

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        empty_page_cache()
        page = client.get(latest.get_absolute_url()).content.decode()

    assert "Autumn 2024" in page


def test_the_look_up_finds_the_issues_the_public_may_see_and_no_other(client):
    """Its SQL is written out: it must agree with Issue.objects.published()."""
    now = timezone.now()
    issues = [
        make_issue(slug="out"),
        make_issue(slug="out-this-second", published_at=now - datetime.timedelta(seconds=1)),
        make_issue(slug="scheduled", published_at=now + datetime.timedelta(minutes=1)),
        make_issue(slug="draft", status="draft"),
        make_issue(slug="draft-with-a-date", status="draft", published_at=now),
    ]
    client.get(issues[0].get_absolute_url())  # one of them with a stored page

    found = {issue.slug for issue in issues if issue_documents.look_up(issue.slug, "en")}

    assert found == set(Issue.objects.published().values_list("slug", flat=True))
    assert found == {"out", "out-this-second"}
    stored = issue_documents.look_up("out", "en")
    assert stored.current and "<html" in stored.body
    assert not issue_documents.look_up("out", "fr").current
    assert issue_documents.look_up("out-this-second", "en").body is None
