"""An email provider's bounce and complaint webhooks (Postmark's, through
django-anymail) feed the suppression list, authenticated as anymail
requires. The payloads are those of Postmark's documentation
(https://postmarkapp.com/developer/webhooks/bounce-webhook and
spam-complaint-webhook), with the addresses changed."""

import base64
import json

import pytest
from django.core import mail

from newsletters.mail.send_queue import start_send
from newsletters.mail.worker import Worker
from newsletters.models import (
    Delivery,
    ReturnedMail,
    ReturnedMailKind,
    ReturnedMailSource,
    Subscriber,
    SubscriberStatus,
    Suppression,
    SuppressionReason,
)
from tests.factories import make_confirmed_subscribers, make_issue, make_section
from tests.newsletters.helpers import FAST
from tests.processes import run_with_env

pytestmark = pytest.mark.django_db

URL = "/anymail/postmark/tracking/"
AUTH = "Basic " + base64.b64encode(b"provider:test-webhook-secret").decode()

HARD_BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "outbound",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "Tag": "Test",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Metadata": {"a_key": "a_value", "b_key": "b_value"},
    "ServerID": 23,
    "Description": (
        "The server was unable to deliver your message (ex: unknown user, mailbox not found)."
    ),
    "Details": "Test bounce details",
    "Email": "john@example.com",
    "From": "sender@example.com",
    "BouncedAt": "2019-11-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "Test subject",
    "Content": "Test content",
}

SPAM_COMPLAINT = {
    "RecordType": "SpamComplaint",
    "MessageStream": "outbound",
    "ID": 42,
    "Type": "SpamComplaint",
    "TypeCode": 512,
    "Name": "Spam complaint",
    "Tag": "Test",
    "MessageID": "00000000-0000-0000-0000-000000000000",
    "Metadata": {"a_key": "a_value", "b_key": "b_value"},
    "ServerID": 1234,
    "Description": "",
    "Details": "Test spam complaint details",
    "Email": "john@example.com",
    "From": "sender@example.com",
    "BouncedAt": "2019-11-05T16:33:54.9070259Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": False,
    "Subject": "Test subject",
    "Content": "Test content",
}


def post(client, payload, auth=AUTH):
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def test_a_hard_bounce_reported_by_the_provider_suppresses_the_address(client, make_subscriber):
    john = make_subscriber(email="john@example.com", status=SubscriberStatus.CONFIRMED)

    response = post(client, HARD_BOUNCE)

    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == (john.email, SuppressionReason.HARD_BOUNCE)
    assert "Postmark" in suppression.evidence
    assert "unable to deliver your message" in suppression.evidence
    row = ReturnedMail.objects.get()
    assert (row.source, row.kind) == (ReturnedMailSource.PROVIDER, ReturnedMailKind.HARD_BOUNCE)


def test_a_soft_bounce_counts_toward_the_limit_but_does_not_suppress_at_once(
    client, make_subscriber, settings
):
    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = (3, 30)
    make_subscriber(email="john@example.com", status=SubscriberStatus.CONFIRMED)
    # Postmark's soft bounce (TypeCode 4096): a full mailbox, say.
    soft = {**HARD_BOUNCE, "Type": "SoftBounce", "TypeCode": 4096, "Name": "Soft bounce"}

    post(client, soft)
    post(client, {**soft, "ID": 2})

    assert not Suppression.objects.exists()
    assert (
        list(ReturnedMail.objects.values_list("kind", flat=True))
        == [ReturnedMailKind.SOFT_BOUNCE] * 2
    )
    post(client, {**soft, "ID": 3})
    assert Suppression.objects.get().reason == SuppressionReason.SOFT_BOUNCES


def test_a_spam_complaint_unsubscribes_and_suppresses(client, make_subscriber):
    john = make_subscriber(email="john@example.com", status=SubscriberStatus.CONFIRMED)

    post(client, SPAM_COMPLAINT)

    john.refresh_from_db()
    assert john.status == SubscriberStatus.UNSUBSCRIBED
    assert Suppression.objects.get().reason == SuppressionReason.COMPLAINT


@pytest.mark.parametrize(
    "auth",
    [None, "Basic " + base64.b64encode(b"provider:wrong").decode()],
    ids=["no-credentials", "wrong-secret"],
)
def test_a_webhook_without_the_secret_is_refused_and_changes_nothing(client, auth):
    response = post(client, HARD_BOUNCE, auth=auth)

    assert response.status_code in (400, 401, 403)
    assert not Suppression.objects.exists()
    assert not ReturnedMail.objects.exists()


def test_a_delivery_report_changes_nothing(client, make_subscriber):
    make_subscriber(email="john@example.com", status=SubscriberStatus.CONFIRMED)
    delivered = {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Recipient": "john@example.com",
        "Tag": "welcome-email",
        "DeliveredAt": "2019-11-05T16:33:54.9070259Z",
        "Details": "Test delivery webhook details",
        "Metadata": {},
    }

    assert post(client, delivered).status_code == 200

    assert not ReturnedMail.objects.exists()
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_without_a_secret_there_is_no_webhook():
    code = (
        "import django; django.setup(); from django.urls import resolve; "
        f"print(resolve({URL!r}).view_name)"
    )

    without = run_with_env(code, DJANGO_SECRET_KEY="x" * 50)
    with_secret = run_with_env(code, DJANGO_SECRET_KEY="x" * 50, ANYMAIL_WEBHOOK_SECRET="a:b")

    # Without, the address is only an old one, sent to a page that does not exist.
    assert without.stdout.split() == ["old_address"], without.stderr
    assert with_secret.stdout.split() == ["anymail:postmark_tracking_webhook"], with_secret.stderr


def test_a_bounce_names_its_delivery_through_the_metadata_sent_with_it(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    [reader] = make_confirmed_subscribers(1)
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade")
    send = start_send(issue)
    Worker(**FAST).run()
    delivery = Delivery.objects.get(send=send)
    [message] = mail.outbox
    # What a provider's backend passes on to the provider.
    assert message.metadata == {"delivery": str(delivery.pk)}

    post(client, {**HARD_BOUNCE, "Email": reader.email, "Metadata": message.metadata})

    assert ReturnedMail.objects.get().delivery == delivery
    assert Suppression.objects.get().delivery == delivery
