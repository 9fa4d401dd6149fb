"""The public newsletter pages: home, archive and an issue."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from newsletters.models import SectionKind
from newsletters.models.issues import BoxStyle, Listing
from tests.factories import (
    make_box,
    make_draft_issue,
    make_economy,
    make_event,
    make_guide,
    make_issue,
    make_link,
    make_meeting,
    make_officer,
    make_organization,
    make_question,
    make_scheduled_issue,
    make_section,
)
from tests.images import image_bytes

pytestmark = pytest.mark.django_db


def png_upload(name="picture.png", size=(1200, 900)):
    data = image_bytes("PNG", size=size, mode="RGB", color=(20, 80, 140))
    return SimpleUploadedFile(name, data, content_type="image/png")


def full_issue(sections=5, boxes=2):
    """An issue with every kind of section and every listing."""
    guides = [make_guide(), make_guide(audience="policymakers"), make_guide()]
    organizations = [make_organization(display_order=2), make_organization(display_order=1)]
    issue = make_issue(featured_guides=guides, featured_organizations=organizations)
    message = make_section(
        issue,
        number=1,
        kind=SectionKind.COORDINATOR_MESSAGE,
        title="Message from the coordinator",
        listing=Listing.UPCOMING_MEETINGS,
        signatory_name="José Luis Cancela",
        signatory_title="Ambassador",
    )
    make_box(message, title="Past events", listing=Listing.PAST_EVENTS)
    make_section(issue, number=2, title="Website", listing=Listing.NEW_GUIDES)
    network = make_section(issue, number=3, title="The Network", listing=Listing.NETWORK)
    make_box(network, title="Members", listing=Listing.MEMBERS, box_style=BoxStyle.HIGHLIGHT)
    voices = make_section(issue, number=4, title="MSME Voices")
    interview = make_section(
        issue,
        parent=voices,
        kind=SectionKind.INTERVIEW,
        title="A talk with a founder",
        interviewee_name="Ada Founder",
        interviewee_bio="<p>Runs a small firm.</p>",
    )
    for n in range(3):
        make_question(interview, question=f"What happened in year {n}?")
    for n in range(sections):
        row = make_section(issue, number=10 + n, title=f"Article {n}")
        make_link(row, label=f"Read more {n}")
        make_section(issue, parent=row, title=f"Sub-article {n}")
        if n < boxes:
            make_box(row, title=f"Box {n}")
    for n in range(4):
        make_economy(name=f"Member {n}", joined_on=date(2020, 1, n + 1))
    make_officer(name="Current Coordinator")
    make_officer(
        name="Former Chair", role="chair", term_start=date(2018, 1, 1), term_end=date(2020, 1, 1)
    )
    make_meeting(
        title="Next Group meeting", date=timezone.localdate(issue.published_at) + timedelta(days=20)
    )
    make_event(
        title="Launch of the Network",
        date=timezone.localdate(issue.published_at) - timedelta(days=20),
    )
    return issue


def test_issue_page_shows_sections_in_order_with_children_boxes_and_listings(client):
    issue = full_issue()
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # Masthead and table of contents with in-page anchors.
    assert f'<h1 class="masthead__title">{issue.title}</h1>' in html
    assert 'href="#' + issue.sections.get(number=1).anchor + '"' in html
    # Top-level sections in order, children inside their parent.
    assert (
        html.index("Message from the coordinator")
        < html.index("Website")
        < html.index("MSME Voices")
    )
    assert html.index("MSME Voices") < html.index("A talk with a founder") < html.index("Article 0")
    # The interview as questions and answers, with the bio.
    assert '<dl class="qa">' in html
    assert "What happened in year 2?" in html
    assert "Runs a small firm." in html
    # Side boxes in the aside that follows their parent section.
    assert 'class="section-row__aside"' in html
    assert html.index("Message from the coordinator") < html.index("Past events")
    # Listings from data.
    assert "Next Group meeting" in html
    assert "Launch of the Network" in html
    assert "guide-table" in html
    assert "Current Coordinator" in html and "Former Chair" in html
    assert "The Group has 6 WTO Members." in html
    # Organizations in display order.
    organizations = list(issue.featured_organizations.order_by("display_order"))
    assert html.index(organizations[0].name) < html.index(organizations[1].name)
    assert "Read more 0" in html
    assert "Ambassador José Luis Cancela" in html


def test_issue_page_links_to_previous_and_next_issues(client):
    older = make_issue(title="Spring 2022", published_at=timezone.now() - timedelta(days=90))
    middle = make_issue(title="Summer 2022", published_at=timezone.now() - timedelta(days=30))
    newer = make_issue(title="Autumn 2022", published_at=timezone.now() - timedelta(days=1))
    make_scheduled_issue(title="Winter 2022")
    html = client.get(middle.get_absolute_url()).content.decode()
    assert f'href="{older.get_absolute_url()}"' in html
    assert f'href="{newer.get_absolute_url()}"' in html
    html = client.get(newer.get_absolute_url()).content.decode()
    assert "Winter 2022" not in html


def test_issue_page_has_meta_description_and_open_graph(client):
    issue = make_issue(summary="Five years of the Group.")
    html = client.get(issue.get_absolute_url()).content.decode()
    assert '<meta name="description" content="Five years of the Group.">' in html
    assert '<meta property="og:title" content="' + issue.title + '">' in html
    assert '<meta property="og:type" content="article">' in html
    assert issue.get_absolute_url() in html.split('property="og:url"')[1].split(">")[0]


def test_issue_page_escapes_plain_fields(client):
    issue = make_issue(title="<script>alert(1)</script>", summary="<b>bold</b>")
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html


def test_issue_article_escapes_every_plain_field(client):
    """The article is a Jinja2 template: its autoescaping covers sections,
    interviews, links and every list, not just the masthead."""
    issue = make_issue(title="Escaping")
    members = make_section(issue, title="<i>Members</i>", listing=Listing.MEMBERS)
    interview = make_section(
        issue, parent=members, kind=SectionKind.INTERVIEW, interviewee_name="<u>Ada</u>"
    )
    make_question(interview, question="Why <script>?")
    make_link(members, label="<b>Read</b>")
    make_economy(name="Côte d'Ivoire & <Friends>")
    make_officer(name="<em>Chair</em>")
    html = client.get(issue.get_absolute_url()).content.decode()
    for raw in ["<i>Members</i>", "<u>Ada</u>", "Why <script>?", "<b>Read</b>", "<Friends>"]:
        assert raw not in html
    assert "&lt;i&gt;Members&lt;/i&gt;" in html
    assert "Why &lt;script&gt;?" in html
    assert "Côte d&#39;Ivoire &amp; &lt;Friends&gt;" in html
    assert "&lt;em&gt;Chair&lt;/em&gt;" in html


def test_officers_show_their_terms_on_the_issue_and_the_member_list(client):
    issue = full_issue(sections=1, boxes=0)
    for url in (issue.get_absolute_url(), reverse("network:member_list")):
        html = client.get(url).content.decode()
        assert "Current Coordinator" in html and "(since 2020)" in html, url
        assert "Previous chair</dt>" in html and "(2018–2020)" in html, url


def test_portrait_and_section_image_get_thumbnails_with_sizes(client):
    issue = make_issue()
    section = make_section(
        issue,
        kind=SectionKind.INTERVIEW,
        portrait=png_upload("face.png"),
        portrait_alt="Portrait of the founder",
        image=png_upload("chart.png", size=(2000, 1000)),
        image_alt="A chart",
    )
    html = client.get(issue.get_absolute_url()).content.decode()
    assert 'alt="Portrait of the founder"' in html
    assert 'width="240" height="180"' in html
    assert 'width="720" height="360"' in html
    assert ".240w.webp" in html
    stored = section.portrait.storage
    name = section.portrait.name.rsplit(".", 1)[0] + ".240w.webp"
    assert stored.exists(name)
    with stored.open(name) as thumb, Image.open(thumb) as image:
        assert image.size == (240, 180)


def test_missing_image_file_does_not_break_the_page(client):
    issue = make_issue()
    section = make_section(issue, image=png_upload(), image_alt="Lost")
    section.image.storage.delete(section.image.name)
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert 'alt="Lost"' not in response.content.decode()


# Drafts and scheduled issues


@pytest.mark.parametrize("make_hidden", [make_draft_issue, make_scheduled_issue])
def test_unpublished_issues_are_hidden_everywhere(client, make_hidden):
    make_issue(title="Visible issue")
    hidden = make_hidden(title="Hidden issue", summary="Secret plans")
    make_section(hidden, title="Secret section", body="<p>confidential words</p>")
    assert client.get(reverse("newsletters:issue_detail", args=[hidden.slug])).status_code == 404
    for url in [
        reverse("newsletters:home"),
        reverse("newsletters:issue_list"),
        reverse("newsletters:search") + "?q=confidential",
        reverse("newsletters:search") + "?q=Secret",
        reverse("newsletters:feed_rss"),
        reverse("newsletters:feed_atom"),
        reverse("sitemap"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "Hidden issue" not in content, url
        assert hidden.slug not in content, url
        assert "Secret section" not in content, url
        assert "confidential words" not in content, url


def test_scheduled_issue_appears_once_its_time_has_come(client, monkeypatch):
    current = make_issue(title="Current issue")
    issue = make_scheduled_issue(title="Coming soon")
    pages = [
        reverse("newsletters:home"),
        reverse("newsletters:issue_list"),
        current.get_absolute_url(),
    ]
    assert client.get(issue.get_absolute_url()).status_code == 404
    for url in pages:  # rendered and cached before the time comes
        assert "Coming soon" not in client.get(url).content.decode()
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(issue.get_absolute_url()).status_code == 200
    for url in pages:
        assert "Coming soon" in client.get(url).content.decode(), url


# Home and archive


def test_home_shows_latest_issue_contents_subscribe_and_next_meeting(client):
    make_issue(title="Older issue", published_at=timezone.now() - timedelta(days=100))
    latest = make_issue(title="Latest issue title", summary="What is new.")
    make_section(latest, number=1, title="Coordinator's message")
    child = make_section(latest, number=2, title="Articles")
    make_box(child, title="A side box")
    make_meeting(title="Past meeting", date=timezone.localdate() - timedelta(days=3))
    make_meeting(title="Soonest meeting", date=timezone.localdate() + timedelta(days=3))
    make_meeting(title="Later meeting", date=timezone.localdate() + timedelta(days=40))
    html = client.get("/en/").content.decode()
    assert "Latest issue title" in html
    assert "What is new." in html
    assert "Older issue" not in html
    assert f'href="{latest.get_absolute_url()}#' in html
    assert "Coordinator&#39;s message" in html
    assert "A side box" not in html
    assert "Soonest meeting" in html
    assert "Later meeting" not in html and "Past meeting" not in html
    assert 'href="/en/subscribe/"' in html


def test_home_contents_are_in_the_pages_language_with_english_for_the_untranslated(client):
    latest = make_issue(title_en="Summer", title_fr="Été")
    make_section(latest, number=1, title_en="Message", title_fr="Le message")
    make_section(latest, number=2, title_en="Articles only in English", title_fr="")

    html = client.get("/fr/").content.decode()

    assert "<h1>Été</h1>" in html
    assert "Le message" in html and ">Message<" not in html
    assert "Articles only in English" in html
    assert 'href="/fr/issues/' in html


def test_home_shows_the_last_meeting_held_with_its_recording_while_none_is_scheduled(client):
    today = timezone.localdate()
    make_meeting(title="Earlier meeting", date=today - timedelta(days=60))
    make_meeting(
        title="Last meeting",
        date=today - timedelta(days=5),
        recording_url="https://example.org/recording",
    )
    make_meeting(title="Cancelled since", date=today - timedelta(days=2), status="cancelled")

    html = client.get("/en/").content.decode()

    assert "Latest meeting" in html
    assert "Last meeting" in html and "Earlier meeting" not in html
    assert "Cancelled since" not in html
    assert 'href="https://example.org/recording"' in html


def test_home_announces_the_next_meeting_that_still_takes_place(client):
    today = timezone.localdate()
    make_meeting(title="Called off", date=today + timedelta(days=2), status="cancelled")
    make_meeting(title="Held meeting", date=today + timedelta(days=9))
    html = client.get("/en/").content.decode()
    assert "Held meeting" in html
    assert "Called off" not in html
    assert 'href="/en/meetings/"' in html


def test_home_without_issues(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No issue has been published yet." in response.content.decode()


def test_archive_lists_issues_in_the_pages_language_with_english_for_the_untranslated(client):
    make_issue(title_en="Summer", title_fr="Été", summary_en="In English.", summary_fr="")
    make_draft_issue(title_en="Draft issue")

    html = client.get("/fr/issues/").content.decode()

    assert ">Été</a>" in html and ">Summer</a>" not in html
    assert "In English." in html
    assert "Draft issue" not in html


def test_archive_groups_by_year_newest_first_and_paginates(client):
    for year in (2021, 2022, 2023):
        for month in (3, 9):
            make_issue(
                title=f"Issue {month}/{year}",
                published_at=timezone.make_aware(datetime(year, month, 1, 12)),
            )
    html = client.get(reverse("newsletters:issue_list")).content.decode()
    assert (
        html.index('id="year-2023"') < html.index('id="year-2022"') < html.index('id="year-2021"')
    )
    assert html.index("Issue 9/2023") < html.index("Issue 3/2023")
    for n in range(25):
        make_issue(title=f"Extra {n}", published_at=timezone.now() - timedelta(hours=n + 1))
    first = client.get(reverse("newsletters:issue_list")).content.decode()
    second = client.get(reverse("newsletters:issue_list") + "?page=2").content.decode()
    assert "Page 1 of 2" in first
    assert "Issue 3/2021" in second and "Issue 3/2021" not in first


@pytest.mark.parametrize("page", ["\x00", "abc", "-1", "99999"])
def test_odd_archive_pages_are_not_found_not_errors(client, page):
    make_issue()
    assert client.get(reverse("newsletters:issue_list"), {"page": page}).status_code == 404


# Caching


def test_section_edit_is_visible_on_next_request(client):
    issue = make_issue()
    section = make_section(issue, body="<p>First wording.</p>")
    assert "First wording." in client.get(issue.get_absolute_url()).content.decode()
    section.body = "<p>Second wording.</p>"
    section.save()
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "Second wording." in html
    assert "First wording." not in html


@pytest.mark.parametrize(
    "edit",
    [
        "question",
        "link",
        "meeting",
        "guide",
        "economy",
        "organization",
        "officer",
        "issue",
        "delete_section",
        "featured_guides",
    ],
)
def test_every_kind_of_edit_reaches_the_cached_issue_page(client, edit):
    issue = full_issue(sections=1, boxes=1)
    url = issue.get_absolute_url()
    client.get(url)
    with_marker = "Changed-" + edit
    if edit == "question":
        question = issue.sections.get(kind=SectionKind.INTERVIEW).questions.first()
        question.question = with_marker
        question.save()
    elif edit == "link":
        link = issue.sections.get(number=10).links.get()
        link.label = with_marker
        link.save()
    elif edit == "meeting":
        make_meeting(title=with_marker, date=timezone.localdate(issue.published_at) + timedelta(1))
    elif edit == "guide":
        guide = issue.featured_guides.first()
        guide.title = with_marker
        guide.save()
    elif edit == "economy":
        make_economy(name=with_marker)
    elif edit == "organization":
        organization = issue.featured_organizations.first()
        organization.name = with_marker
        organization.save()
    elif edit == "officer":
        make_officer(name=with_marker)
    elif edit == "issue":
        issue.summary = with_marker
        issue.save()
    elif edit == "delete_section":
        issue.sections.get(title="Website").delete()
        with_marker = None
    elif edit == "featured_guides":
        issue.featured_guides.add(make_guide(title=with_marker))
    html = client.get(url).content.decode()
    if with_marker:
        assert with_marker in html
    else:
        assert "Website" not in html


def test_pages_are_served_from_the_cache(client, django_assert_num_queries):
    issue = full_issue()
    client.get(issue.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(issue.get_absolute_url()).status_code == 200


def test_logged_in_staff_never_get_cached_pages(staff_client):
    issue = make_issue()
    section = make_section(issue, body="<p>Old text.</p>")
    # Warm the cache as an anonymous visitor, then change the text without
    # signals (as a raw update would) and look as staff.
    from django.test import Client

    Client().get(issue.get_absolute_url())
    type(section).objects.filter(pk=section.pk).update(body="<p>New text.</p>")
    assert "New text." in staff_client.get(issue.get_absolute_url()).content.decode()
    assert "Old text." in Client().get(issue.get_absolute_url()).content.decode()


# Query budgets


def test_issue_page_query_budget_with_many_sections(
    client, empty_page_cache, django_assert_max_num_queries
):
    issue = full_issue(sections=45, boxes=18)
    assert issue.sections.count() >= 50
    assert issue.sections.filter(kind=SectionKind.BOX).count() >= 20
    empty_page_cache()
    # Rendered: 10 at most, and the stored page's look-up and storing.
    with django_assert_max_num_queries(10 + 2):
        response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert "Article 44" in response.content.decode()


@pytest.mark.parametrize("url_name", ["newsletters:home", "newsletters:issue_list"])
def test_list_pages_query_budget(client, empty_page_cache, django_assert_max_num_queries, url_name):
    for n in range(30):
        issue = make_issue(published_at=timezone.now() - timedelta(days=n + 1))
        make_section(issue)
        make_section(issue)
    for _ in range(5):
        make_meeting()
    empty_page_cache()
    with django_assert_max_num_queries(5):
        assert client.get(reverse(url_name)).status_code == 200


def test_issue_group_size_counts_the_european_union_as_its_member_states(client):
    from network.models import MemberEconomy

    make_economy(name="European Union", is_european_union=True, eu_member_states=27)
    make_economy(name="Uruguay")
    make_economy(name="Mexico")
    issue = make_issue()
    make_section(issue, listing=Listing.MEMBERS)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert MemberEconomy.objects.group_size() == 29
    assert "The Group has 29 WTO Members." in html
