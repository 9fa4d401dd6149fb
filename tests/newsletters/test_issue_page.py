"""The issue page's builder: the objects the web page, the preview and the
email are rendered from."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from newsletters.issue_page import build_page
from newsletters.models import Issue
from newsletters.models.issues import Listing
from tests.factories import make_draft_issue, make_guide, make_issue, make_meeting, make_section

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


def test_issue_page_for_a_draft_preview():
    draft = make_draft_issue(title="Draft in progress")
    make_section(draft, title="Draft text", listing=Listing.UPCOMING_MEETINGS)
    page = build_page(draft)
    assert page.issue == draft
    assert [block.section.title for block in page.sections] == ["Draft text"]
    assert page.listings.upcoming_meetings is not None
