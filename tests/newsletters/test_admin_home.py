"""The admin's name, its home page for secretariat staff, and the staff guide.

The home page (templates/admin/index.html, newsletters/templatetags/
newsletters_admin_home.py) shows each member of staff the drafts, the
scheduled issues, the last send and the changes awaiting approval, each only
to those who may open what it links to, for a fixed number of queries. The
guide (docs/editors-guide.md) is at /admin/guide/, for staff only.
"""

import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsletters.admin.issue_admin import IssueAdmin
from newsletters.mail.send_queue import start_send
from newsletters.models import DeliveryStatus, Issue, IssueSend, PendingChange
from newsletters.templatetags.newsletters_admin_home import admin_home_panels, admin_url
from tests.factories import (
    make_confirmed_subscribers,
    make_draft_issue,
    make_issue,
    make_scheduled_issue,
    make_section,
)

pytestmark = pytest.mark.django_db

NAME = "MSME Group newsletter"
INDEX = "/admin/"
GUIDE = "/admin/guide/"
PANEL_IDS = ["msme-drafts", "msme-scheduled", "msme-last-send", "msme-pending-changes"]


@pytest.fixture(params=["editor", "publisher"])
def staff(request):
    """The client of an Editor, then of a Publisher (never a superuser)."""
    return request.getfixturevalue(f"{request.param}_client")


@pytest.fixture
def content(django_user_model):
    """A draft, a scheduled issue, one published in the past, a send three
    quarters done and a change waiting for approval."""
    now = timezone.now()
    draft = make_draft_issue(title="Winter 2023 draft")
    scheduled = make_issue(title="Spring 2023", published_at=now + timedelta(days=3))
    past = make_issue(title="Summer 2022", published_at=now - timedelta(days=30))
    make_section(past)
    make_confirmed_subscribers(4)
    send = start_send(past)
    deliveries = list(send.deliveries.order_by("pk"))
    for delivery, status in zip(
        deliveries, [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.FAILED], strict=False
    ):
        delivery.status = status
        delivery.save(update_fields=["status"])
    proposer = django_user_model.objects.create_user(
        username="amina", first_name="Amina", last_name="Diallo", is_staff=True
    )
    change = PendingChange.objects.create(
        issue=past, proposed_by=proposer, serialized_objects="[]", existing_keys={}
    )
    return SimpleNamespace(draft=draft, scheduled=scheduled, past=past, send=send, change=change)


def panel(response, panel_id):
    """The HTML of one panel of the home page, or None when it is not shown."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{panel_id}".*?</section>',
        response.content.decode(),
        re.DOTALL,
    )
    return match.group(0) if match else None


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (href, text)
        self._href = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((unescape(self._href), " ".join("".join(self._text).split())))
            self._href = None


def links(html):
    parser = Links()
    parser.feed(html)
    return parser.links


def change_url(issue):
    return reverse("admin:newsletters_issue_change", args=[issue.pk])


# Branding


def test_the_login_page_names_the_newsletter(client):
    page = client.get(reverse("admin:login")).content.decode()

    assert f"<title>Log in | {NAME}</title>" in page
    assert f">{NAME}</a>" in page
    assert "Django administration" not in page
    assert "Django site admin" not in page


def test_the_home_page_names_the_newsletter(staff):
    page = staff.get(INDEX).content.decode()

    assert f"<title>Home | {NAME}</title>" in page
    assert f">{NAME}</a>" in page
    assert "<h1>Home</h1>" in page
    assert "Django administration" not in page
    assert "Site administration" not in page


def test_the_home_page_keeps_the_list_of_apps(staff):
    page = staff.get(INDEX).content.decode()

    assert reverse("admin:newsletters_issue_changelist") in page
    assert 'id="recent-actions-module"' in page
    # The panels come first.
    assert page.index('class="msme-home"') < page.index('class="app-newsletters')


# The panels


def test_drafts_are_listed_most_recently_changed_first_with_the_full_list(staff, content):
    draft = content.draft
    now = timezone.now()
    older = [make_draft_issue(title=f"Old draft {n}") for n in range(5)]
    for age, issue in enumerate(older, start=1):
        Issue.objects.filter(pk=issue.pk).update(updated_at=now - timedelta(days=age))
    Issue.objects.filter(pk=draft.pk).update(updated_at=now)

    drafts = panel(staff.get(INDEX), "msme-drafts")

    titles = [text for _href, text in links(drafts)]
    assert titles == [
        f"Edit the draft {draft.title}",
        *(f"Edit the draft {issue.title}" for issue in older[:4]),
        "All draft issues",
    ]
    hrefs = [href for href, _text in links(drafts)]
    assert hrefs[0] == change_url(draft)
    assert hrefs[-1] == reverse("admin:newsletters_issue_changelist") + "?status__exact=draft"
    assert "Spring 2023" not in drafts
    assert "Summer 2022" not in drafts


def test_scheduled_issues_are_listed_soonest_first_with_their_date(staff, content):
    scheduled = content.scheduled
    later = make_scheduled_issue(title="Autumn 2023")  # a week away

    html = panel(staff.get(INDEX), "msme-scheduled")

    assert links(html) == [
        (change_url(scheduled), f"Edit the scheduled issue {scheduled.title}"),
        (change_url(later), f"Edit the scheduled issue {later.title}"),
    ]
    local = timezone.localtime(scheduled.published_at)
    assert f'datetime="{local.isoformat()}"' in html
    assert f"{local:%-d %B %Y, %H:%M}" in html
    assert "Summer 2022" not in html
    assert "Winter 2023 draft" not in html


def test_publishers_see_the_last_send_and_its_progress(publisher_client, content):
    send = content.send
    send_admin = admin.site.get_model_admin(IssueSend)

    html = panel(publisher_client.get(INDEX), "msme-last-send")

    progress_url = reverse("admin:newsletters_issuesend_change", args=[send.pk])
    assert (progress_url, "Progress of the send of “Summer 2022”") in links(html)
    assert (reverse("admin:newsletters_issuesend_changelist"), "All sends") in links(html)
    # The figures of the sends list and the progress page.
    counted = IssueSend.objects.with_counts().get(pk=send.pk)
    assert send_admin.progress(counted) == "75 %"
    figures = dict(re.findall(r"<dt>(\w+)</dt><dd>([^<]*)</dd>", html))
    assert figures == {
        "Progress": "75 %",
        "Sent": "2",
        "Waiting": "1",
        "Failed": "1",
        "Skipped": "0",
    }


def test_the_newest_send_is_the_one_shown(publisher_client, content):
    newer = make_issue(title="Autumn 2022")
    make_section(newer)
    newer_send = start_send(newer)

    html = panel(publisher_client.get(INDEX), "msme-last-send")

    assert reverse("admin:newsletters_issuesend_change", args=[newer_send.pk]) in html
    assert "Summer 2022" not in html


def test_the_send_panel_says_when_nothing_was_sent_yet(publisher_client):
    html = panel(publisher_client.get(INDEX), "msme-last-send")

    assert "No issue has been sent by email yet." in html


def test_publishers_see_the_changes_awaiting_approval(publisher_client, content):
    change = content.change
    decided = make_issue(title="Decided issue")
    PendingChange.objects.create(
        issue=decided, serialized_objects="[]", existing_keys={}, status="approved"
    )

    html = panel(publisher_client.get(INDEX), "msme-pending-changes")

    assert "Summer 2022" in html
    assert "Proposed by Amina Diallo" in html
    assert timezone.localtime(change.proposed_at).isoformat() in html
    assert "Decided issue" not in html  # no longer waiting


def test_a_change_whose_proposer_left_says_so(publisher_client, content):
    PendingChange.objects.filter(pk=content.change.pk).update(proposed_by=None)

    html = panel(publisher_client.get(INDEX), "msme-pending-changes")

    assert "Proposed by a former staff account" in html


def test_editors_do_not_see_the_sends(editor_client, content):
    response = editor_client.get(INDEX)

    assert panel(response, "msme-drafts") is not None
    assert panel(response, "msme-scheduled") is not None
    assert panel(response, "msme-last-send") is None
    progress_url = reverse("admin:newsletters_issuesend_change", args=[content.send.pk])
    assert progress_url not in response.content.decode()


def test_staff_who_only_write_see_neither_sends_nor_changes_awaiting_approval(
    client, django_user_model, content
):
    user = django_user_model.objects.create_user(username="writer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="newsletters", codename__in=["view_issue", "change_issue"]
        )
    )
    client.force_login(user)

    response = client.get(INDEX)

    assert "Winter 2023 draft" in panel(response, "msme-drafts")
    assert "Spring 2023" in panel(response, "msme-scheduled")
    assert panel(response, "msme-last-send") is None
    assert panel(response, "msme-pending-changes") is None


def test_the_view_permission_alone_shows_the_changes_awaiting_approval(client, django_user_model):
    user = django_user_model.objects.create_user(username="reviewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="newsletters", codename="view_pendingchange")
    )
    client.force_login(user)

    response = client.get(INDEX)

    assert panel(response, "msme-pending-changes") is not None
    assert panel(response, "msme-drafts") is None
    assert panel(response, "msme-last-send") is None


def test_staff_without_rights_see_no_panel(client, django_user_model, content):
    client.force_login(django_user_model.objects.create_user(username="newcomer", is_staff=True))

    page = client.get(INDEX).content.decode()

    assert 'class="msme-home"' not in page
    assert "Winter 2023 draft" not in page


def test_every_link_of_the_panels_opens_for_the_user_who_sees_it(staff, content):
    response = staff.get(INDEX)
    found = [
        href
        for panel_id in PANEL_IDS
        if (html := panel(response, panel_id))
        for href, _ in links(html)
    ]

    assert len(found) >= 3  # the walk did follow the panels
    for href in found:
        assert staff.get(href).status_code == 200, href


def test_a_page_the_admin_does_not_have_is_no_link(publisher_client):
    request = RequestFactory().get(INDEX)
    request.user = publisher_client.user

    assert admin_url(request, PendingChange, "no_such_page", 1) == ""
    assert admin_url(request, IssueSend, "change", 1) == reverse(
        "admin:newsletters_issuesend_change", args=[1]
    )


# Queries


def many_rows(django_user_model):
    now = timezone.now()
    proposer = django_user_model.objects.create_user(username="proposer", is_staff=True)
    for n in range(8):
        make_draft_issue(title=f"Draft {n}")
        make_issue(title=f"Later {n}", published_at=now + timedelta(days=n + 1))
        published = make_issue(title=f"Out {n}")
        make_section(published)
        PendingChange.objects.create(
            issue=published, proposed_by=proposer, serialized_objects="[]", existing_keys={}
        )
    make_confirmed_subscribers(5, start=100)
    for issue in Issue.objects.filter(title__startswith="Out ")[:3]:
        start_send(issue)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_queries_however_many_rows(
    publisher_client, content, django_user_model, django_assert_num_queries
):
    queries_of(publisher_client, INDEX)  # warms the per-process caches (content types)
    with_few = queries_of(publisher_client, INDEX)
    many_rows(django_user_model)

    with django_assert_num_queries(with_few):
        page = publisher_client.get(INDEX).content.decode()
    assert page.count("Edit the draft") == 5


def test_the_panels_take_one_query_each(publisher_client, content, django_assert_num_queries):
    request = RequestFactory().get(INDEX)
    request.user = publisher_client.user
    request.user.get_all_permissions()  # loaded once per request by the admin anyway

    with django_assert_num_queries(4):
        panels = admin_home_panels({"request": request})
    assert panels.shown


# The staff guide


def guide_headings():
    text = (settings.BASE_DIR / "docs" / "editors-guide.md").read_text()
    return re.findall(r"^(#{1,3}) (.+)$", text, re.MULTILINE)


def test_the_guide_is_shown_to_staff_with_its_headings(staff):
    response = staff.get(GUIDE)
    page = response.content.decode()

    assert response.status_code == 200
    assert reverse("admin-staff-guide") == GUIDE
    headings = guide_headings()
    assert len(headings) >= 8
    for hashes, title in headings:
        level = len(hashes)
        assert re.search(rf"<h{level}[^>]*>{re.escape(title)}</h{level}>", unescape(page)), title
    # One <h1>, the guide's own; its other headings are listed beside it.
    assert page.count("<h1") == 1
    assert 'href="#who-does-what"' in page
    assert "<table>" in page  # the roles table


def test_the_guide_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(GUIDE)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:login") + "?next=" + GUIDE


def test_the_guide_loads_nothing_from_another_host(staff, settings, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "editors-guide.md").write_text(
        '# Guide\n\nSee <img src="https://tracker.example/pixel.gif" alt="">.\n'
    )
    settings.BASE_DIR = tmp_path

    response = staff.get(GUIDE)

    # The file's own HTML is shown as written, and the browser refuses to
    # fetch what it names elsewhere.
    assert '<img src="https://tracker.example/pixel.gif"' in response.content.decode()
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["script-src"] == "'self'"
    assert policy["frame-src"] == "'none'"
    assert "http" not in response["Content-Security-Policy"]


def test_a_missing_guide_is_a_clear_message(staff, settings, tmp_path):
    settings.BASE_DIR = tmp_path

    response = staff.get(GUIDE)

    assert response.status_code == 404
    assert "docs/editors-guide.md was not found" in response.content.decode()


def test_the_guide_names_the_admins_own_buttons():
    # Renaming an action or a button in the admin fails here until the guide
    # says the new name.
    guide = (settings.BASE_DIR / "docs" / "editors-guide.md").read_text()
    actions = [IssueAdmin.publish, IssueAdmin.unpublish, IssueAdmin.send_by_email]
    templates = settings.BASE_DIR / "newsletters" / "templates" / "admin" / "newsletters" / "send"
    sending = "".join(path.read_text() for path in templates.glob("*.html"))
    for action in actions:
        assert f"**{action.short_description}**" in " ".join(guide.split())
    for button in [
        "Send the test",
        "Send to subscribers…",
        "Yes, send it",
        "Re-send to those who have not received it…",
        "Send an issue…",
    ]:
        assert button in sending
        assert " ".join(button.split()) in " ".join(guide.split())


@pytest.mark.parametrize("url", [INDEX, GUIDE, "/admin/newsletters/issue/"])
def test_the_staff_guide_is_linked_from_the_admin_pages(staff, url):
    page = staff.get(url).content.decode()

    assert (GUIDE, "Staff guide") in links(page)
    assert 'href="/static/admin/css/msme_admin.css"' in page
