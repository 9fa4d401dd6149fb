"""RSS and Atom feeds and the sitemap: valid XML, published issues only."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_draft_issue, make_issue, make_scheduled_issue

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def issues():
    older = make_issue(title="Spring 2022", published_at=timezone.now() - timedelta(days=90))
    newer = make_issue(title="Summer 2022 & more", summary="Five <years> of the Group.")
    make_draft_issue(title="Draft issue")
    make_scheduled_issue(title="Scheduled issue")
    return newer, older


def test_rss_feed_lists_published_issues_newest_first(client, issues):
    response = client.get(reverse("newsletters:feed_rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [issue.title for issue in issues]
    assert items[0].findtext("description") == "Five <years> of the Group."
    assert items[0].findtext("link").endswith(issues[0].get_absolute_url())
    assert items[0].findtext("pubDate")


def test_atom_feed_lists_published_issues(client, issues):
    response = client.get(reverse("newsletters:feed_atom"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [i.title for i in issues]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(issues[0].get_absolute_url())
    assert entries[0].findtext(f"{ATOM}updated")


def test_sitemap_lists_published_issues_and_pages(client, issues):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    paths = {location.split("testserver", 1)[1] for location in locations}
    assert {issue.get_absolute_url() for issue in issues} <= paths
    assert {"/", "/issues/", "/members/", "/network/", "/guides/"} <= paths
    assert len(paths) == 7
    lastmods = [url.findtext(f"{SITEMAP}lastmod") for url in root.findall(f"{SITEMAP}url")]
    assert any(lastmods)


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_pages_advertise_the_feeds(client, issues):
    html = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'type="application/atom+xml"' in html
