"""The two staff roles, walked through the admin as members of their groups.

Editors write and preview content and may mail themselves a test of an
issue; Publishers also publish, delete issues, send them, follow the sends
and manage subscribers. Each page answers 200 to the role it is for and 403
(or the admin's own refusal) to the other; each action lands on a page the
role may see; no page a role sees links to one it may not.
"""

import re
from collections import deque
from html import unescape
from html.parser import HTMLParser
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from newsletters.mail.send_queue import start_send
from newsletters.models import (
    Delivery,
    DeliveryStatus,
    ErasureRecord,
    Issue,
    IssueSend,
    IssueStatus,
    PendingChange,
    Section,
    SectionKind,
    Subscriber,
    SubscriberStatus,
)
from tests.factories import (
    make_draft_issue,
    make_guide,
    make_issue,
    make_link,
    make_meeting,
    make_officer,
    make_organization,
    make_question,
    make_section,
)
from tests.newsletters.helpers import form_data

pytestmark = pytest.mark.django_db

EDITOR, PUBLISHER = "editor", "publisher"
ROLES = [EDITOR, PUBLISHER]
BOTH = {EDITOR, PUBLISHER}
PUBLISHERS_ONLY = {PUBLISHER}
NOBODY = set()


def confirmed_subscriber(email):
    now = timezone.now()
    return Subscriber.objects.create(
        email=email,
        status=SubscriberStatus.CONFIRMED,
        consent_given_at=now,
        confirmed_at=now,
        privacy_statement_version="test",
    )


@pytest.fixture
def content(django_user_model):
    """One of everything staff work on, with a send that has a failure."""
    published = make_issue(title="Summer 2022")
    interview = make_section(
        published, kind=SectionKind.INTERVIEW, title="Interview", anchor="interview"
    )
    make_question(interview)
    make_link(interview)
    draft = make_draft_issue(title="Winter draft")
    draft_section = make_section(draft, title="Draft article", anchor="draft-article")
    reader = confirmed_subscriber("a@example.org")
    other_reader = confirmed_subscriber("b@example.org")
    pending = Subscriber.objects.create(email="pending@example.org")
    # A send started by someone, so its page shows who (as text, not a link
    # to the users' admin).
    starter = django_user_model.objects.create_user(username="starter", is_staff=True)
    send = start_send(published, user=starter)
    send.deliveries.filter(subscriber=reader).update(
        status=DeliveryStatus.FAILED, last_error="550 5.1.1 No such user"
    )
    ErasureRecord.add(1)
    return SimpleNamespace(
        published=published,
        draft=draft,
        section=interview,
        draft_section=draft_section,
        meeting=make_meeting(),
        officer=make_officer(),
        guide=make_guide(),
        organization=make_organization(),
        reader=reader,
        other_reader=other_reader,
        pending=pending,
        send=send,
        delivery=send.deliveries.get(subscriber=reader),
    )


@pytest.fixture(params=ROLES)
def role(request):
    return request.param


@pytest.fixture
def staff(request, role):
    """The client of a member of the role's group (never a superuser)."""
    return request.getfixturevalue(f"{role}_client")


def admin_url(name, *args, query=""):
    return reverse(f"admin:{name}", args=args) + query


def model_pages(app_label, model, obj):
    """Changelist, add, change and history of a content model."""
    return [
        (f"{model} list", lambda c: admin_url(f"{app_label}_{model}_changelist")),
        (f"{model} add", lambda c: admin_url(f"{app_label}_{model}_add")),
        (f"{model} change", lambda c: admin_url(f"{app_label}_{model}_change", obj(c).pk)),
        (f"{model} history", lambda c: admin_url(f"{app_label}_{model}_history", obj(c).pk)),
    ]


CONTENT_MODELS = [
    ("newsletters", "issue", lambda c: c.published),
    ("newsletters", "section", lambda c: c.section),
    ("newsletters", "meeting", lambda c: c.meeting),
    ("network", "membereconomy", lambda c: c.officer.economy),
    ("network", "networkorganization", lambda c: c.organization),
    ("network", "groupofficer", lambda c: c.officer),
    ("guides", "topic", lambda c: c.guide.topic),
    ("guides", "guide", lambda c: c.guide),
]

# (what, its URL from the content, who may use it)
PAGES = [
    ("admin index", lambda c: admin_url("index"), BOTH),
    ("newsletters app", lambda c: admin_url("app_list", "newsletters"), BOTH),
    ("network app", lambda c: admin_url("app_list", "network"), BOTH),
    ("guides app", lambda c: admin_url("app_list", "guides"), BOTH),
    ("password change", lambda c: admin_url("password_change"), BOTH),
    *(
        (what, url, BOTH)
        for app_label, model, obj in CONTENT_MODELS
        for what, url in model_pages(app_label, model, obj)
    ),
    ("draft change", lambda c: admin_url("newsletters_issue_change", c.draft.pk), BOTH),
    ("issue preview", lambda c: admin_url("newsletters_issue_preview", c.published.pk), BOTH),
    ("draft preview", lambda c: admin_url("newsletters_issue_preview", c.draft.pk), BOTH),
    (
        "published issues",
        lambda c: admin_url("newsletters_issue_changelist", query="?status__exact=published"),
        BOTH,
    ),
    (
        "issue search",
        lambda c: admin_url("newsletters_issue_changelist", query="?q=Summer"),
        BOTH,
    ),
    (
        "interviews without questions",
        lambda c: admin_url(
            "newsletters_section_changelist", query="?attention=interview_without_questions"
        ),
        BOTH,
    ),
    # A published issue's sections change on its own page only.
    ("section delete", lambda c: admin_url("newsletters_section_delete", c.draft_section.pk), BOTH),
    (
        "issue autocomplete",
        lambda c: admin_url(
            "autocomplete",
            query="?app_label=newsletters&model_name=section&field_name=issue&term=Sum",
        ),
        BOTH,
    ),
    ("image browser", lambda c: reverse("ckeditor_browse"), BOTH),
    # The send flow: an Editor checks the email and mails a test, a
    # Publisher also starts the send and follows it.
    ("send: choose", lambda c: admin_url("newsletters_send_choose"), BOTH),
    ("send page", lambda c: admin_url("newsletters_send_issue", c.published.pk), BOTH),
    ("send page of a draft", lambda c: admin_url("newsletters_send_issue", c.draft.pk), BOTH),
    (
        "email preview (HTML)",
        lambda c: admin_url("newsletters_send_preview", c.published.pk, "html"),
        BOTH,
    ),
    (
        "email preview (text)",
        lambda c: admin_url("newsletters_send_preview", c.published.pk, "txt"),
        BOTH,
    ),
    (
        "send: confirm",
        lambda c: admin_url("newsletters_send_confirm", c.published.pk),
        PUBLISHERS_ONLY,
    ),
    ("issue delete", lambda c: admin_url("newsletters_issue_delete", c.draft.pk), PUBLISHERS_ONLY),
    (
        "sent issue delete (refused: it has sends)",
        lambda c: admin_url("newsletters_issue_delete", c.published.pk),
        PUBLISHERS_ONLY,
    ),
    ("sends list", lambda c: admin_url("newsletters_issuesend_changelist"), PUBLISHERS_ONLY),
    (
        "send progress",
        lambda c: admin_url("newsletters_issuesend_change", c.send.pk),
        PUBLISHERS_ONLY,
    ),
    (
        "send history",
        lambda c: admin_url("newsletters_issuesend_history", c.send.pk),
        PUBLISHERS_ONLY,
    ),
    ("deliveries", lambda c: admin_url("newsletters_delivery_changelist"), PUBLISHERS_ONLY),
    (
        "failed deliveries of a send",
        lambda c: admin_url(
            "newsletters_delivery_changelist",
            query=f"?send__id__exact={c.send.pk}&status__exact=failed",
        ),
        PUBLISHERS_ONLY,
    ),
    (
        "failed or skipped deliveries",
        lambda c: admin_url("newsletters_delivery_changelist", query="?outcome=problems"),
        PUBLISHERS_ONLY,
    ),
    (
        "deliveries of an issue",
        lambda c: admin_url(
            "newsletters_delivery_changelist", query=f"?issue__id__exact={c.published.pk}"
        ),
        PUBLISHERS_ONLY,
    ),
    (
        "delivery",
        lambda c: admin_url("newsletters_delivery_change", c.delivery.pk),
        PUBLISHERS_ONLY,
    ),
    # Subscribers are personal data: Publishers only.
    ("subscribers", lambda c: admin_url("newsletters_subscriber_changelist"), PUBLISHERS_ONLY),
    (
        "pending subscribers",
        lambda c: admin_url("newsletters_subscriber_changelist", query="?status__exact=pending"),
        PUBLISHERS_ONLY,
    ),
    ("subscriber add", lambda c: admin_url("newsletters_subscriber_add"), PUBLISHERS_ONLY),
    (
        "subscriber change",
        lambda c: admin_url("newsletters_subscriber_change", c.reader.pk),
        PUBLISHERS_ONLY,
    ),
    (
        "subscriber history",
        lambda c: admin_url("newsletters_subscriber_history", c.reader.pk),
        PUBLISHERS_ONLY,
    ),
    (
        "subscriber erase",
        lambda c: admin_url("newsletters_subscriber_delete", c.reader.pk),
        PUBLISHERS_ONLY,
    ),
    ("subscriber export", lambda c: admin_url("newsletters_subscriber_export"), PUBLISHERS_ONLY),
    ("subscriber import", lambda c: admin_url("newsletters_subscriber_import"), PUBLISHERS_ONLY),
    (
        "erasure records",
        lambda c: admin_url("newsletters_erasurerecord_changelist"),
        PUBLISHERS_ONLY,
    ),
    # Records nobody edits, registers nobody deletes, and the site's own
    # administration.
    ("send add", lambda c: admin_url("newsletters_issuesend_add"), NOBODY),
    ("send delete", lambda c: admin_url("newsletters_issuesend_delete", c.send.pk), NOBODY),
    ("delivery add", lambda c: admin_url("newsletters_delivery_add"), NOBODY),
    ("erasure record add", lambda c: admin_url("newsletters_erasurerecord_add"), NOBODY),
    ("meeting delete", lambda c: admin_url("newsletters_meeting_delete", c.meeting.pk), NOBODY),
    ("guide delete", lambda c: admin_url("guides_guide_delete", c.guide.pk), NOBODY),
    ("users", lambda c: admin_url("auth_user_changelist"), NOBODY),
    ("groups", lambda c: admin_url("auth_group_changelist"), NOBODY),
    ("login attempts", lambda c: admin_url("axes_accessattempt_changelist"), NOBODY),
]


@pytest.mark.parametrize(("what", "url", "allowed"), PAGES, ids=[page[0] for page in PAGES])
def test_each_page_answers_the_roles_it_is_for(staff, role, content, what, url, allowed):
    response = staff.get(url(content))

    assert response.status_code == (200 if role in allowed else 403), what


@pytest.mark.parametrize("app_label", ["auth", "axes"])
def test_apps_a_role_has_nothing_in_are_not_found(staff, app_label):
    # The admin's own answer for an app with no model the user may see.
    assert staff.get(admin_url("app_list", app_label)).status_code == 404


# Links


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(unescape(href))


def links_of(response, url):
    parser = Links()
    parser.feed(response.content.decode())
    found = []
    for href in parser.hrefs:
        if href.startswith("?"):
            href = urlsplit(url).path + href
        if href.startswith(("/admin/", "/editor/")):
            found.append(href)
    return found


def kind_of_page(url):
    """Pages that differ only by object or by a filter's value are one kind:
    visiting one of each keeps the walk short."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+/", "/<id>/", parts.path)
    names = sorted({name for name, _value in parse_qsl(parts.query)} - {"o", "p"})
    return path, tuple(names)


def test_no_page_a_role_sees_links_to_one_it_may_not(staff, role, content):
    start = [url(content) for _what, url, allowed in PAGES if role in allowed]
    queue = deque((url, "(start)") for url in start)
    seen, refused = set(), []
    while queue:
        url, found_on = queue.popleft()
        if kind_of_page(url) in seen:
            continue
        seen.add(kind_of_page(url))
        response = staff.get(url)
        if response.status_code == 302:
            # The admin's "view on site" links redirect to the public page.
            if response["Location"].startswith(reverse("admin:login")):
                refused.append(f"{url} (sent to the login page) from {found_on}")
            continue
        if response.status_code != 200:
            refused.append(f"{url} ({response.status_code}) from {found_on}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in links_of(response, url):
            # A filtered list links to every combination of its filters:
            # the unfiltered list already led to each filter on its own.
            refines = urlsplit(url).query and urlsplit(link).path == urlsplit(url).path
            if not refines:
                queue.append((link, url))

    assert not refused, "\n".join(refused)
    assert len(seen) > 50  # the walk did go through the admin


# Actions and where they land


def assert_lands_on(response, url):
    """Followed redirects ended on `url`, answered 200, with no refusal on the way."""
    assert response.status_code == 200, response.redirect_chain
    assert response.request["PATH_INFO"] == urlsplit(url).path, response.redirect_chain
    assert response.redirect_chain, "the action did not redirect"


def run_action(client, model, action, *objects, **extra):
    """Run a list action of `model` ("app_model") on `objects`, following redirects."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(admin_url(f"{model}_changelist"), data, follow=True)


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


CHANGE_FORMS = [
    ("newsletters", "issue", lambda c: c.draft, {}),
    ("newsletters", "section", lambda c: c.draft_section, {}),
    ("newsletters", "meeting", lambda c: c.meeting, {}),
    ("network", "membereconomy", lambda c: c.officer.economy, {}),
    ("network", "networkorganization", lambda c: c.organization, {}),
    ("network", "groupofficer", lambda c: c.officer, {}),
    ("guides", "topic", lambda c: c.guide.topic, {}),
    ("guides", "guide", lambda c: c.guide, {}),
]


@pytest.mark.parametrize(
    ("app_label", "model", "obj", "changes"),
    CHANGE_FORMS,
    ids=[form[1] for form in CHANGE_FORMS],
)
def test_both_roles_save_content_and_land_on_its_list(
    staff, content, app_label, model, obj, changes
):
    url = admin_url(f"{app_label}_{model}_change", obj(content).pk)
    data = form_data(staff, url, f"{model}_form", _save="Save", **changes)

    response = staff.post(url, data, follow=True)

    assert_lands_on(response, admin_url(f"{app_label}_{model}_changelist"))
    assert "was changed successfully" in page_text(response)


# Text fields in English, the source language (their French and Spanish
# counterparts may stay empty).
ADD_FORMS = [
    ("newsletters", "meeting", {"kind": "meeting", "date": "2027-03-01", "title_en": "Q1"}),
    ("network", "membereconomy", {"name_en": "Ruritania", "sort_name_en": "Ruritania"}),
    (
        "network",
        "networkorganization",
        {"name_en": "ITC", "kind": "international_organization", "display_order": "9"},
    ),
    ("guides", "topic", {"name_en": "Customs", "slug": "customs"}),
]


@pytest.mark.parametrize(
    ("app_label", "model", "fields"), ADD_FORMS, ids=[form[1] for form in ADD_FORMS]
)
def test_both_roles_add_content_and_land_on_its_list(staff, content, app_label, model, fields):
    url = admin_url(f"{app_label}_{model}_add")
    data = form_data(staff, url, f"{model}_form", _save="Save", **fields)

    response = staff.post(url, data, follow=True)

    assert_lands_on(response, admin_url(f"{app_label}_{model}_changelist"))
    assert "was added successfully" in page_text(response)


def test_both_roles_add_an_issue_and_land_on_its_list(staff, content):
    url = admin_url("newsletters_issue_add")
    fields = {"title": "Autumn", "slug": "autumn", "summary": "The autumn issue."}
    data = form_data(staff, url, "issue_form", _save="Save", **fields)

    response = staff.post(url, data, follow=True)

    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    assert Issue.objects.get(slug="autumn").status == IssueStatus.DRAFT


def test_both_roles_delete_a_section_and_land_on_the_list(staff, content):
    response = staff.post(
        admin_url("newsletters_section_delete", content.draft_section.pk),
        {"post": "yes"},
        follow=True,
    )

    assert_lands_on(response, admin_url("newsletters_section_changelist"))
    assert not Section.objects.filter(pk=content.draft_section.pk).exists()


def test_neither_role_deletes_a_live_issues_section_from_its_own_page(staff, content):
    url = admin_url("newsletters_section_delete", content.section.pk)
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert Section.objects.filter(pk=content.section.pk).exists()


def test_an_editor_saving_a_live_issue_lands_on_it_with_the_change_waiting(editor_client, content):
    url = admin_url("newsletters_issue_change", content.published.pk)
    data = form_data(editor_client, url, "issue_form", _save="Save", summary_en="A new summary.")

    response = editor_client.post(url, data, follow=True)

    assert_lands_on(response, url)
    assert "waiting for a Publisher&#x27;s approval" in page_text(response)
    assert PendingChange.objects.waiting().filter(issue=content.published).count() == 1
    content.published.refresh_from_db()
    assert content.published.summary != "A new summary."


def test_a_publisher_saving_a_live_issue_publishes_it_and_lands_on_the_list(
    publisher_client, content
):
    url = admin_url("newsletters_issue_change", content.published.pk)
    data = form_data(publisher_client, url, "issue_form", _save="Save", summary_en="A new summary.")

    response = publisher_client.post(url, data, follow=True)

    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    assert "was changed successfully" in page_text(response)
    content.published.refresh_from_db()
    assert content.published.summary == "A new summary."


def test_both_roles_end_an_officers_term_and_land_on_the_list(staff, content):
    response = run_action(staff, "network_groupofficer", "end_term_today", content.officer)

    assert_lands_on(response, admin_url("network_groupofficer_changelist"))
    content.officer.refresh_from_db()
    assert content.officer.term_end == timezone.localdate()


def test_both_roles_open_the_send_page_from_the_issues_list(staff, content):
    response = run_action(staff, "newsletters_issue", "send_by_email", content.published)

    assert_lands_on(response, admin_url("newsletters_send_issue", content.published.pk))


def test_both_roles_mail_themselves_a_test_and_land_on_the_send_page(staff, content):
    response = staff.post(
        admin_url("newsletters_send_test", content.published.pk),
        {"addresses": "me@example.org"},
        follow=True,
    )

    assert_lands_on(response, admin_url("newsletters_send_issue", content.published.pk))
    assert "Test sent to me@example.org" in page_text(response)
    assert [message.to for message in mail.outbox] == [["me@example.org"]]


def test_an_editor_is_not_offered_the_send_and_cannot_start_one(editor_client, content):
    page = page_text(editor_client.get(admin_url("newsletters_send_issue", content.published.pk)))
    assert "Only publishers can send an issue." in page
    assert admin_url("newsletters_send_confirm", content.published.pk) not in page

    response = editor_client.post(
        admin_url("newsletters_send_confirm", content.published.pk), {"languages": ["en"]}
    )

    assert response.status_code == 403
    assert IssueSend.objects.count() == 1


def test_an_editor_cannot_publish_unpublish_or_delete_issues(editor_client, content):
    for action, issue in [("publish", content.draft), ("unpublish", content.published)]:
        # The admin's own refusal: the action is not offered, so nothing runs.
        response = run_action(editor_client, "newsletters_issue", action, issue)
        assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    response = run_action(
        editor_client, "newsletters_issue", "delete_selected", content.draft, post="yes"
    )
    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    single = editor_client.post(
        admin_url("newsletters_issue_delete", content.draft.pk), {"post": "yes"}
    )

    assert single.status_code == 403
    content.draft.refresh_from_db()
    content.published.refresh_from_db()
    assert content.draft.status == IssueStatus.DRAFT
    assert content.published.status == IssueStatus.PUBLISHED


def test_an_editor_cannot_change_the_subscribers(editor_client, content):
    changelist = admin_url("newsletters_subscriber_changelist")
    for action in ["mark_unsubscribed", "resend_confirmation", "delete_selected"]:
        data = {"action": action, "_selected_action": [content.reader.pk], "post": "yes"}
        assert editor_client.post(changelist, data).status_code == 403
    upload = SimpleUploadedFile("people.csv", b"email\nnew@example.org\n", "text/csv")
    response = editor_client.post(admin_url("newsletters_subscriber_import"), {"file": upload})

    assert response.status_code == 403
    assert Subscriber.objects.count() == 3
    content.reader.refresh_from_db()
    assert content.reader.status == SubscriberStatus.CONFIRMED


def test_a_publisher_publishes_and_unpublishes_and_lands_on_the_list(publisher_client, content):
    response = run_action(publisher_client, "newsletters_issue", "publish", content.draft)
    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    content.draft.refresh_from_db()
    assert content.draft.status == IssueStatus.PUBLISHED

    response = run_action(publisher_client, "newsletters_issue", "unpublish", content.draft)
    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    content.draft.refresh_from_db()
    assert content.draft.status == IssueStatus.DRAFT


def test_a_publisher_schedules_an_issue_and_lands_on_the_list(publisher_client, content):
    url = admin_url("newsletters_issue_change", content.draft.pk)
    data = form_data(
        publisher_client,
        url,
        "issue_form",
        _save="Save",
        status="published",
        published_at_0="2099-01-15",
        published_at_1="09:00:00",
    )

    response = publisher_client.post(url, data, follow=True)

    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    content.draft.refresh_from_db()
    assert content.draft.is_scheduled
    assert "Scheduled" in page_text(response)


def test_a_publisher_deletes_an_issue_and_lands_on_the_list(publisher_client, content):
    response = publisher_client.post(
        admin_url("newsletters_issue_delete", content.draft.pk), {"post": "yes"}, follow=True
    )

    assert_lands_on(response, admin_url("newsletters_issue_changelist"))
    assert not Issue.objects.filter(pk=content.draft.pk).exists()


def test_a_publisher_sends_and_lands_on_the_progress_page(publisher_client, content):
    issue = make_issue(title="Autumn 2022")
    make_section(issue)
    confirm = admin_url("newsletters_send_confirm", issue.pk)
    assert "Send “Autumn 2022” to 2 confirmed subscribers?" in page_text(
        publisher_client.get(confirm)
    )

    response = publisher_client.post(confirm, {"languages": ["en"]}, follow=True)

    send = IssueSend.objects.get(issue=issue)
    assert_lands_on(response, admin_url("newsletters_issuesend_change", send.pk))
    page = page_text(response)
    assert "“Autumn 2022” is queued for 2 subscribers" in page
    assert re.search(r'field-recipient_count">.*?<div class="readonly">2</div>', page)
    assert re.search(r'field-started_by_name">.*?<div class="readonly">publisher</div>', page)
    assert send.deliveries.count() == 2


def test_a_publisher_resends_to_the_missing_and_lands_on_its_progress_page(
    publisher_client, content
):
    confirmed_subscriber("late@example.org")
    confirm = admin_url("newsletters_send_confirm", content.published.pk)
    # The failed delivery is tried again, with the newcomer.
    assert "Re-send “Summer 2022” to 2 confirmed subscribers who have not received it?" in (
        page_text(publisher_client.get(confirm))
    )

    response = publisher_client.post(confirm, {"languages": ["en"]}, follow=True)

    resend = IssueSend.objects.get(issue=content.published, is_resend=True)
    assert_lands_on(response, admin_url("newsletters_issuesend_change", resend.pk))
    assert "is queued for 2 subscribers" in page_text(response)
    assert set(resend.deliveries.values_list("subscriber__email", flat=True)) == {
        "a@example.org",
        "late@example.org",
    }


def test_a_publisher_follows_a_sends_failures_from_the_sends_list(publisher_client, content):
    sends = publisher_client.get(admin_url("newsletters_issuesend_changelist")).content.decode()
    failures = re.search(r'href="([^"]*status__exact=failed[^"]*)"', sends).group(1)

    page = page_text(publisher_client.get(unescape(failures)))

    assert "a@example.org" in page
    assert "550 5.1.1 No such user" in page
    assert "b@example.org" not in page


def test_a_send_started_without_the_right_to_view_sends_lands_on_the_send_page(
    client, django_user_model, content
):
    # A group made by hand with the right to send but not to see the sends.
    user = django_user_model.objects.create_user(username="sender", is_staff=True)
    group = Group.objects.create(name="Senders")
    group.permissions.set(
        Group.objects.get(name="Publishers").permissions.exclude(
            codename__in=["view_issuesend", "view_delivery"]
        )
    )
    user.groups.add(group)
    client.force_login(user)
    issue = make_issue(title="Autumn 2022")
    make_section(issue)

    response = client.post(
        admin_url("newsletters_send_confirm", issue.pk), {"languages": ["en"]}, follow=True
    )

    send_page = admin_url("newsletters_send_issue", issue.pk)
    assert_lands_on(response, send_page)
    page = page_text(response)
    assert f'Follow its progress on <a href="{send_page}">' in page
    assert f'href="{admin_url("newsletters_issuesend_changelist")}"' not in page


def test_the_refusal_page_shows_what_was_just_done_and_never_asks_to_resubmit(
    publisher_client, content
):
    issue = make_issue(title="Autumn 2022")
    make_section(issue)
    publisher_client.post(admin_url("newsletters_send_confirm", issue.pk), {"languages": ["en"]})
    send = IssueSend.objects.get(issue=issue)

    # Whatever page the next request hits, the send's message is shown there.
    response = publisher_client.get(admin_url("auth_user_changelist"))

    assert response.status_code == 403
    page = page_text(response)
    assert "“Autumn 2022” is queued for 2 subscribers" in page
    assert admin_url("newsletters_issuesend_change", send.pk) in page
    assert "try again" not in page
    assert f'href="{admin_url("index")}"' in page


def test_a_publisher_manages_subscribers_and_lands_on_their_list(publisher_client, content):
    changelist = admin_url("newsletters_subscriber_changelist")

    response = run_action(
        publisher_client, "newsletters_subscriber", "resend_confirmation", content.pending
    )
    assert_lands_on(response, changelist)
    assert [message.to for message in mail.outbox] == [["pending@example.org"]]

    response = run_action(
        publisher_client, "newsletters_subscriber", "mark_unsubscribed", content.reader
    )
    assert_lands_on(response, changelist)
    content.reader.refresh_from_db()
    assert content.reader.status == SubscriberStatus.UNSUBSCRIBED

    url = admin_url("newsletters_subscriber_change", content.other_reader.pk)
    data = form_data(publisher_client, url, "subscriber_form", _save="Save", name="B. Reader")
    assert_lands_on(publisher_client.post(url, data, follow=True), changelist)
    content.other_reader.refresh_from_db()
    assert content.other_reader.name == "B. Reader"

    url = admin_url("newsletters_subscriber_add")
    data = form_data(
        publisher_client, url, "subscriber_form", _save="Save", email="typed@example.org"
    )
    assert_lands_on(publisher_client.post(url, data, follow=True), changelist)
    assert Subscriber.objects.get(email="typed@example.org").status == SubscriberStatus.PENDING


def test_a_publisher_imports_and_exports_subscribers(publisher_client, content):
    upload = SimpleUploadedFile("people.csv", b"email,name\nnew@example.org,New\n", "text/csv")

    response = publisher_client.post(
        admin_url("newsletters_subscriber_import"), {"file": upload}, follow=True
    )

    assert_lands_on(response, admin_url("newsletters_subscriber_changelist"))
    assert "Imported 1 subscriber." in page_text(response)
    export = publisher_client.get(admin_url("newsletters_subscriber_export"))
    assert export.status_code == 200
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("email,")
    assert any(row.startswith("new@example.org,New,") for row in rows)


def test_a_publisher_erases_subscribers_and_sees_the_count(publisher_client, content):
    changelist = admin_url("newsletters_subscriber_changelist")
    confirmation = run_action(
        publisher_client, "newsletters_subscriber", "delete_selected", content.reader
    )
    assert confirmation.status_code == 200
    assert "a@example.org" in page_text(confirmation)

    response = run_action(
        publisher_client,
        "newsletters_subscriber",
        "delete_selected",
        content.reader,
        post="yes",
    )
    assert_lands_on(response, changelist)
    response = publisher_client.post(
        admin_url("newsletters_subscriber_delete", content.pending.pk), {"post": "yes"}, follow=True
    )
    assert_lands_on(response, changelist)

    assert not Subscriber.objects.filter(pk__in=[content.reader.pk, content.pending.pk]).exists()
    # The delivery stays, for the counts, without the person.
    assert Delivery.objects.get(pk=content.delivery.pk).subscriber is None
    records = page_text(publisher_client.get(admin_url("newsletters_erasurerecord_changelist")))
    assert re.search(r'field-count">3<', records)


# The groups


def test_publishers_hold_the_permissions_to_follow_sends_and_manage_subscribers():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    needed = {
        "view_issuesend",
        "view_delivery",
        "view_subscriber",
        "add_subscriber",
        "change_subscriber",
        "delete_subscriber",
        "view_erasurerecord",
    }
    assert needed <= codenames("Publishers")
    assert not needed & codenames("Editors")


def test_the_follow_sends_migration_runs_both_ways_without_the_group():
    migration = import_module("newsletters.migrations.0008_publishers_follow_sends")
    schema_editor = SimpleNamespace(connection=connection)
    publishers = Group.objects.get(name="Publishers")

    migration.revoke(apps, schema_editor)
    assert not publishers.permissions.filter(codename__in=migration.PUBLISHER_CODENAMES)
    publishers.delete()
    migration.grant(apps, schema_editor)
    migration.grant(apps, schema_editor)

    granted = Group.objects.get(name="Publishers").permissions
    assert set(granted.values_list("codename", flat=True)) == set(migration.PUBLISHER_CODENAMES)
    assert apps.get_app_config("newsletters").models_module is not None
