"""RSS and Atom feeds and the sitemap: valid XML, published issues only."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Issue
from tests.factories import make_draft_issue, make_issue, make_scheduled_issue, make_section

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
    paths = {urlsplit(location).path for location in locations}
    assert {issue.get_absolute_url() for issue in issues} <= paths
    assert {
        "/en/",
        "/en/issues/",
        "/en/meetings/",
        "/en/members/",
        "/en/network/",
        "/en/guides/",
    } <= paths
    # Each page in English, French and Spanish.
    assert len(paths) == 3 * 8
    assert {"/fr/", "/es/issues/"} <= paths
    lastmods = [url.findtext(f"{SITEMAP}lastmod") for url in root.findall(f"{SITEMAP}url")]
    assert any(lastmods)


def test_pages_advertise_the_feeds(client, issues):
    html = client.get("/en/").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'type="application/atom+xml"' in html


# Every absolute link comes from SITE_URL, whatever Host the request names

SITE_URL = "https://newsletter.example.org"
FEEDS = ["newsletters:feed_rss", "newsletters:feed_atom"]


def absolute_links(xml_bytes):
    """Every address in a feed or sitemap: element texts that are links and
    href attributes."""
    links = []
    for element in ET.fromstring(xml_bytes).iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in {"link", "guid", "id", "loc", "url"} and (element.text or "").strip():
            links.append(element.text.strip())
        for name in ("href", "url"):
            if element.get(name):
                links.append(element.get(name))
    return links


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_links_come_from_site_url_not_the_host_header(client, issues, settings, feed):
    settings.SITE_URL = SITE_URL
    response = client.get(reverse(feed), HTTP_HOST="localhost")
    assert response.status_code == 200
    links = absolute_links(response.content)
    # The channel, the feed itself, and a link (and guid or id) per issue.
    assert len(links) >= 2 + len(issues)
    assert all(link.startswith(SITE_URL + "/") for link in links), links
    assert SITE_URL + reverse(feed) in links
    assert SITE_URL + issues[0].get_absolute_url() in links
    assert b"localhost" not in response.content


def test_sitemap_links_come_from_site_url_not_the_host_header(client, issues, settings):
    settings.SITE_URL = SITE_URL
    response = client.get(reverse("sitemap"), HTTP_HOST="localhost", secure=False)
    assert response.status_code == 200
    links = absolute_links(response.content)
    # Eight pages in three languages, each with four alternates (the three
    # languages and x-default).
    assert len(links) == 8 * 3 * (1 + 4)
    assert all(link.startswith(SITE_URL + "/") for link in links), links
    assert SITE_URL + issues[1].get_absolute_url() in links


# Control characters: kept out of the database, and out of the feeds


def assert_feeds_are_xml(client):
    for feed in FEEDS:
        response = client.get(reverse(feed))
        assert response.status_code == 200, feed
        ET.fromstring(response.content)  # parses as XML
        yield response.content.decode()


def test_an_issue_saved_in_the_admin_with_control_characters_keeps_the_feeds_working(
    client, publisher_client
):
    issue = make_issue(title="Summer 2022", slug="summer-2022")
    section = make_section(issue)
    data = {
        "title_en": "Summer\x0b2022\x0c special \x1b[31missue",
        "slug": issue.slug,
        "summary_en": "Line one\x0bline two\x1b\ufffe.\nSecond paragraph.",
        "volume": "",
        "number": "",
        "season": "",
        "cover_image_alt_en": "",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "1",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-id": section.pk,
        "sections-0-issue": issue.pk,
        "sections-0-order": section.order,
        "sections-0-kind": section.kind,
        "sections-0-title_en": section.title,
        "sections-0-anchor": section.anchor,
        "status": issue.status,
        "published_at_0": timezone.localtime(issue.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(issue.published_at).strftime("%H:%M:%S"),
        # The section's questions and links, none.
        "sections-0-questions-TOTAL_FORMS": "0",
        "sections-0-questions-INITIAL_FORMS": "0",
        "sections-0-links-TOTAL_FORMS": "0",
        "sections-0-links-INITIAL_FORMS": "0",
    }
    # A live issue: a Publisher's save is published at once.
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    response = publisher_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    issue.refresh_from_db()
    # Line breaks of a single-line title become spaces; other controls go.
    assert issue.title == "Summer 2022 special [31missue"
    assert issue.summary == "Line one\nline two.\nSecond paragraph."
    for body in assert_feeds_are_xml(client):
        assert "Summer 2022 special [31missue" in body


def test_rows_written_past_the_forms_keep_the_feeds_working(client):
    issue = make_issue(title="Spring 2023")
    Issue.objects.filter(pk=issue.pk).update(title="Spring\x0b2023\x1b", summary="A\x0cB\uffff")
    # Even QuerySet.update() goes through the fields' cleaning.
    assert Issue.objects.filter(title="Spring 2023", summary="A\nB").exists()
    list(assert_feeds_are_xml(client))


def test_rows_holding_control_characters_already_give_working_feeds(client):
    """Rows saved before the cleaning existed, or by raw SQL, are cleaned
    when the feeds render them."""
    from django.db import connection

    issue = make_issue(title="Autumn 2021")
    with connection.cursor() as cursor:
        cursor.execute(
            # The English columns: the ones read for English pages and feeds.
            f"UPDATE {Issue._meta.db_table} SET title_en = %s, summary_en = %s WHERE id = %s",
            # (PostgreSQL itself refuses NUL in text.)
            ["Autumn\x0b2021\x1b\x0c", "Sum\x0bmary\x07 \ufffe", issue.pk],
        )
    assert "\x1b" in Issue.objects.values_list("title", flat=True).get(pk=issue.pk)
    bodies = list(assert_feeds_are_xml(client))
    assert all("Autumn 2021" in body for body in bodies)
    assert all("Sum\nmary" in body for body in bodies)
