"""Every public page: one <h1>, headings in order, landmarks, no inline code."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from newsletters.models import SectionKind
from newsletters.models.issues import Listing
from tests.factories import (
    make_box,
    make_economy,
    make_guide,
    make_issue,
    make_meeting,
    make_officer,
    make_organization,
    make_question,
    make_section,
)

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Collects heading levels, landmarks and inline script or style."""

    def __init__(self):
        super().__init__()
        self.headings = []
        self.tags = []
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "script" and "src" not in attrs:
            self.inline.append("<script>")
        if tag == "style" or "style" in attrs:
            self.inline.append(f"style on <{tag}>")
        if any(name.startswith("on") for name in attrs):
            self.inline.append(f"event handler on <{tag}>")


@pytest.fixture
def site():
    guide = make_guide(title="Exchange Rates")
    organization = make_organization()
    issue = make_issue(featured_guides=[guide], featured_organizations=[organization])
    message = make_section(
        issue, number=1, kind=SectionKind.COORDINATOR_MESSAGE, listing=Listing.UPCOMING_MEETINGS
    )
    make_box(message, title="Past events", listing=Listing.PAST_EVENTS)
    article = make_section(issue, number=2, listing=Listing.NEW_GUIDES)
    interview = make_section(issue, parent=article, kind=SectionKind.INTERVIEW)
    make_question(interview)
    make_section(issue, number=3, listing=Listing.MEMBERS)
    make_section(issue, number=4, listing=Listing.NETWORK)
    make_economy()
    make_officer()
    make_meeting()
    make_meeting(
        date=date(2021, 3, 4), documents="INF/MSME/W/30", recording_url="https://example.org/r"
    )
    return issue


def public_urls(issue):
    return [
        reverse("newsletters:home"),
        reverse("newsletters:issue_list"),
        issue.get_absolute_url(),
        reverse("network:member_list"),
        reverse("network:organization_list"),
        reverse("guides:guide_list"),
        reverse("guides:guide_list") + "?audience=msmes",
        reverse("newsletters:meeting_list"),
        reverse("newsletters:search"),
        reverse("newsletters:search") + "?q=section",
        reverse("newsletters:search") + "?q=nothing-matches",
        "/no-such-page/",
    ]


def test_every_public_page_has_one_h1_and_headings_in_order(client, site):
    for url in public_urls(site):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        outline = Outline()
        outline.feed(response.content.decode())
        assert outline.headings.count(1) == 1, url
        assert outline.headings[0] == 1, url
        for before, after in zip(outline.headings, outline.headings[1:], strict=False):
            assert after <= before + 1, f"{url}: h{before} followed by h{after}"
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in outline.tags, f"{url}: no <{landmark}>"
        assert not outline.inline, f"{url}: {outline.inline}"


def test_navigation_marks_the_current_section(client, site):
    html = client.get(reverse("network:member_list")).content.decode()
    assert f'href="{reverse("network:member_list")}" aria-current="page"' in html
    html = client.get(site.get_absolute_url()).content.decode()
    assert f'href="{reverse("newsletters:issue_list")}" aria-current="true"' in html
    # The section, and the page's language in the language switcher.
    assert html.count("aria-current") == 2
