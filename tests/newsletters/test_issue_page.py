"""The issue page's builder: the objects the web page, the preview and the
email are rendered from."""

import ast
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from newsletters.issue_page import build_page
from newsletters.models import Issue
from newsletters.models.issues import Listing
from newsletters.models.meetings import MeetingStatus
from tests.factories import (
    make_box,
    make_draft_issue,
    make_event,
    make_guide,
    make_issue,
    make_link,
    make_meeting,
    make_question,
    make_section,
)

pytestmark = pytest.mark.django_db


def test_guides_are_split_by_audience_into_two_columns():
    msme = make_guide(title="Exchange Rates")
    policy = make_guide(title="Competition Policy", audience="policymakers")
    issue = make_issue(featured_guides=[msme, policy])
    make_section(issue, listing=Listing.NEW_GUIDES)
    issue = Issue.objects.get(pk=issue.pk)
    rows = build_page(issue).listings.guide_rows
    assert rows == [(msme, policy)]


def test_upcoming_meetings_are_counted_from_the_issue_date():
    published = timezone.make_aware(datetime(2022, 7, 1, 9))
    issue = make_issue(published_at=published)
    make_section(issue, listing=Listing.UPCOMING_MEETINGS)
    before = make_meeting(date=date(2022, 6, 10))
    after = make_meeting(date=date(2022, 7, 15))
    upcoming = [dated.meeting for dated in build_page(issue).listings.upcoming_meetings]
    assert after in upcoming
    assert before not in upcoming


def test_the_boxes_split_by_date_with_events_to_come_and_without_cancelled_ones():
    published = timezone.make_aware(datetime(2022, 7, 1, 9))
    issue = make_issue(published_at=published)
    make_section(issue, listing=Listing.UPCOMING_MEETINGS)
    make_section(issue, listing=Listing.PAST_EVENTS)
    meeting = make_meeting(date=date(2022, 7, 15))
    event_to_come = make_event(date=date(2022, 9, 1))
    held_event = make_event(date=date(2022, 6, 8))
    make_meeting(date=date(2022, 6, 20))  # a past meeting is no past event
    make_meeting(date=date(2022, 7, 20), status=MeetingStatus.CANCELLED)
    make_event(date=date(2022, 6, 9), status=MeetingStatus.CANCELLED)
    make_event(date=date(2021, 11, 30))  # more than half a year before
    listings = build_page(issue).listings
    assert [dated.meeting for dated in listings.upcoming_meetings] == [meeting, event_to_come]
    assert [dated.meeting for dated in listings.past_events] == [held_event]


def test_issue_page_for_a_draft_preview():
    draft = make_draft_issue(title="Draft in progress")
    make_section(draft, title="Draft text", listing=Listing.UPCOMING_MEETINGS)
    page = build_page(draft)
    assert page.issue == draft
    assert [block.section.title for block in page.sections] == ["Draft text"]
    assert page.listings.upcoming_meetings is not None


def test_sections_hold_their_sub_sections_and_boxes_and_the_page_its_neighbours():
    now = timezone.now()
    older = make_issue(title="Spring", published_at=now - timedelta(days=90))
    issue = make_issue(title="Summer", published_at=now - timedelta(days=30))
    newer = make_issue(title="Autumn", published_at=now - timedelta(days=1))
    top = make_section(issue, title="Top")
    make_section(issue, title="Child", parent=top)
    make_box(top, title="Box")
    make_question(top, question="Why?")
    make_link(top, label="More")

    page = build_page(issue)

    assert (page.previous_issue.slug, page.previous_issue.title) == (older.slug, "Spring")
    assert (page.next_issue.slug, page.next_issue.title) == (newer.slug, "Autumn")
    [block] = page.sections
    assert block.section == top
    assert [child.section.title for child in block.subsections] == ["Child"]
    assert [box.section.title for box in block.boxes] == ["Box"]
    assert [question.question for question in block.questions] == ["Why?"]
    assert [link.label for link in block.links] == ["More"]


def imported_names(path):
    """Every module, and every name imported from one, in the file `path`."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


CLIENTS = [
    # The public view serves the pages newsletters/issue_documents.py stores.
    "newsletters/issue_documents.py",
    "newsletters/admin/issue_admin.py",
    "newsletters/mail/issue_email.py",
]


@pytest.mark.parametrize("client_module", CLIENTS)
def test_the_page_its_preview_and_its_email_are_built_by_the_issue_page_module(client_module):
    names = set(imported_names(Path(settings.BASE_DIR) / client_module))
    assert "newsletters.issue_page" in names
    assert not {name for name in names if name.startswith("newsletters.views")}


def test_the_public_view_serves_the_stored_pages():
    names = set(imported_names(Path(settings.BASE_DIR) / "newsletters/views/issue_views.py"))
    assert "newsletters.issue_documents" in names
