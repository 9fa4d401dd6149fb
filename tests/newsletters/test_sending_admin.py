"""The admin side of sending: send page, previews, test sends, confirmation, records."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsletters.admin.send_admin import SendTestForm
from newsletters.mail.send_queue import start_send
from newsletters.models import Delivery, DeliveryStatus, IssueSend, Subscriber
from tests.factories import (
    make_confirmed_subscribers,
    make_draft_issue,
    make_issue,
    make_section,
)

pytestmark = pytest.mark.django_db

# The confirmation form with English ticked, as it is by default.
ENGLISH = {"languages": ["en"]}


@pytest.fixture
def issue():
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade", body='<p><a href="/guides/">Guides</a></p>')
    return issue


@pytest.fixture
def editor_client(django_user_model):
    """Staff who may edit issues but not publish or send them."""
    user = django_user_model.objects.create_user(
        username="editor", password="not-a-real-password-1", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="newsletters",
            codename__in=["view_issue", "change_issue", "view_issuesend", "view_delivery"],
        )
    )
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"admin:newsletters_{name}", args=args)


def test_send_page_shows_previews_and_the_recipient_count(staff_client, issue):
    make_confirmed_subscribers(7)
    response = staff_client.get(url("send_issue", issue.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "7 confirmed subscribers" in page
    assert url("send_preview", issue.pk, "html") in page
    assert url("send_preview", issue.pk, "txt") in page
    assert url("send_confirm", issue.pk) in page


def test_previews_show_both_parts_to_staff_only(staff_client, issue, settings):
    settings.SITE_URL = "https://newsletter.example.org"
    html = staff_client.get(url("send_preview", issue.pk, "html"))
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert "<script" not in html.content.decode()
    assert 'href="https://newsletter.example.org/guides/"' in html.content.decode()
    assert "script-src" not in html["Content-Security-Policy"]
    assert html["Cache-Control"] == "private, no-store"
    text = staff_client.get(url("send_preview", issue.pk, "txt"))
    assert text["Content-Type"].startswith("text/plain")
    assert "DIGITAL TRADE" in text.content.decode()
    anonymous = Client().get(url("send_preview", issue.pk, "html"))
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]


def test_a_test_send_goes_to_the_listed_addresses(staff_client, issue):
    response = staff_client.post(
        url("send_test", issue.pk), {"addresses": "a@example.org,\nb@example.org  a@example.org"}
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all(m.subject.startswith("[Test] Summer 2022") for m in mail.outbox)
    assert not IssueSend.objects.exists()


@pytest.mark.parametrize(
    ("addresses", "error"),
    [
        ("", "This field is required"),
        ("a@example.org, not-an-address", "Not valid email addresses: not-an-address"),
        (",".join(f"p{n}@example.org" for n in range(11)), "at most 10 addresses"),
    ],
)
def test_the_test_send_form_validates_addresses(staff_client, issue, addresses, error):
    response = staff_client.post(url("send_test", issue.pk), {"addresses": addresses})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert mail.outbox == []


def test_the_test_send_form_accepts_ten_addresses():
    form = SendTestForm({"addresses": "\n".join(f"p{n}@example.org" for n in range(10))})
    assert form.is_valid()
    assert len(form.cleaned_data["addresses"]) == 10


def test_the_test_send_needs_post_and_a_csrf_token(staff_client, issue):
    assert staff_client.get(url("send_test", issue.pk)).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_client.user)
    response = strict.post(url("send_test", issue.pk), {"addresses": "a@example.org"})
    assert response.status_code == 403
    assert mail.outbox == []


def test_confirming_queues_the_send_and_get_changes_nothing(staff_client, issue):
    make_confirmed_subscribers(4)
    page = staff_client.get(url("send_confirm", issue.pk))
    assert page.status_code == 200
    assert "to 4 confirmed subscribers?" in page.content.decode()
    assert not IssueSend.objects.exists()

    response = staff_client.post(url("send_confirm", issue.pk), ENGLISH)
    send = IssueSend.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("issuesend_change", send.pk)
    assert send.started_by == staff_client.user
    assert send.deliveries.filter(status=DeliveryStatus.PENDING).count() == 4
    assert mail.outbox == []  # Mailing is the worker's job.


def test_a_second_confirmation_is_a_resend_to_those_missing(staff_client, issue):
    subscribers = make_confirmed_subscribers(3)
    first = start_send(issue)
    first.deliveries.filter(subscriber=subscribers[0]).update(status=DeliveryStatus.FAILED)
    first.deliveries.exclude(subscriber=subscribers[0]).update(status=DeliveryStatus.SENT)
    page = staff_client.get(url("send_confirm", issue.pk)).content.decode()
    assert "Re-send" in page and "1 confirmed subscriber who has not received it" in page
    staff_client.post(url("send_confirm", issue.pk), ENGLISH)
    resend = IssueSend.objects.get(is_resend=True)
    assert list(resend.deliveries.values_list("subscriber", flat=True)) == [subscribers[0].pk]


def test_editors_cannot_start_a_send(editor_client, issue):
    make_confirmed_subscribers(2)
    assert editor_client.get(url("send_issue", issue.pk)).status_code == 200
    assert editor_client.get(url("send_confirm", issue.pk)).status_code == 403
    assert editor_client.post(url("send_confirm", issue.pk), ENGLISH).status_code == 403
    assert not IssueSend.objects.exists()


def test_a_draft_cannot_be_sent_from_the_admin(staff_client):
    draft = make_draft_issue()
    make_section(draft)
    make_confirmed_subscribers(2)
    page = staff_client.get(url("send_issue", draft.pk)).content.decode()
    assert "Only a published issue can be sent." in page
    response = staff_client.post(url("send_confirm", draft.pk), ENGLISH)
    assert response.status_code == 302
    assert not IssueSend.objects.exists()


def test_the_issue_action_opens_the_send_page(staff_client, issue):
    response = staff_client.post(
        url("issue_changelist"), {"action": "send_by_email", "_selected_action": [issue.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == url("send_issue", issue.pk)


def test_sends_list_shows_counts_and_progress_in_fixed_queries(staff_client):
    def add_send(sent, failed, pending):
        issue = make_issue()
        make_section(issue)
        subscribers = make_confirmed_subscribers(
            sent + failed + pending, start=Subscriber.objects.count()
        )
        send = start_send(issue)
        for subscriber in subscribers[:sent]:
            send.deliveries.filter(subscriber=subscriber).update(status=DeliveryStatus.SENT)
        for subscriber in subscribers[sent : sent + failed]:
            send.deliveries.filter(subscriber=subscriber).update(
                status=DeliveryStatus.FAILED, last_error="550 5.1.1 No such user"
            )
        return send

    add_send(3, 1, 0)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url("issuesend_changelist"))
    add_send(1, 0, 3)
    add_send(2, 2, 4)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url("issuesend_changelist"))
    assert len(many) == len(few)
    page = response.content.decode()
    # Each send went to everyone confirmed at the time: 4, then 8, then 16.
    assert re.findall(r'field-progress">([^<]*)<', page) == ["25 %", "12 %", "100 %"]
    assert url("send_choose") in page


def test_a_send_page_lists_its_failures_with_reasons(staff_client, issue):
    subscribers = make_confirmed_subscribers(3)
    send = start_send(issue)
    send.deliveries.filter(subscriber=subscribers[1]).update(
        status=DeliveryStatus.FAILED, last_error="550 5.1.1 Recipient address rejected"
    )
    page = staff_client.get(url("issuesend_change", send.pk)).content.decode()
    assert "550 5.1.1 Recipient address rejected" in page
    assert subscribers[1].email in page
    assert subscribers[0].email not in page
    # Read-only records.
    assert staff_client.post(url("issuesend_change", send.pk), {}).status_code == 403
    delivery = Delivery.objects.first()
    assert (
        staff_client.post(url("delivery_delete", delivery.pk), {"post": "yes"}).status_code == 403
    )


def test_the_choose_page_lists_published_issues(staff_client, issue):
    make_draft_issue(title="Unfinished")
    page = staff_client.get(url("send_choose")).content.decode()
    assert "Summer 2022" in page
    assert "Unfinished" not in page


def test_the_failures_link_filters_the_deliveries(staff_client, issue):
    subscribers = make_confirmed_subscribers(3)
    send = start_send(issue)
    send.deliveries.filter(subscriber=subscribers[2]).update(
        status=DeliveryStatus.FAILED, last_error="550 no such user"
    )
    changelist = staff_client.get(url("issuesend_changelist")).content.decode()
    link = re.search(r'href="([^"]*status__exact=failed[^"]*)"', changelist).group(1)
    page = staff_client.get(link.replace("&amp;", "&")).content.decode()
    assert subscribers[2].email in page
    assert subscribers[0].email not in page
    assert "550 no such user" in page
