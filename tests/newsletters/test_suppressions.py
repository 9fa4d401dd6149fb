"""The suppression list at work: refusals during a send, bounces that come
back later, complaints, and staff lifting a suppression, with the worker
mailing a real SMTP server on loopback (aiosmtpd)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from newsletters.mail import bounce_handling
from newsletters.mail.send_queue import start_send
from newsletters.mail.worker import Worker
from newsletters.models import (
    AccountEmail,
    AccountEmailKind,
    AccountEmailStatus,
    Delivery,
    DeliveryStatus,
    ReturnedMail,
    ReturnedMailKind,
    ReturnedMailSource,
    Subscriber,
    SubscriberStatus,
    Suppression,
    SuppressionReason,
)
from tests.bounce_messages import complaint, dsn, exim_bounce, out_of_office
from tests.factories import make_confirmed_subscribers, make_issue, make_section
from tests.newsletters.helpers import FAST
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@news.example.org"
    settings.NEWSLETTER_SOFT_BOUNCE_LIMIT = (3, 30)
    with SMTPServer() as sink:
        sink.configure(settings)
        yield sink


def send_issue(title, **worker_options):
    issue = make_issue(title=title)
    make_section(issue, title="Digital trade")
    send = start_send(issue)
    Worker(**{**FAST, **worker_options}).run()
    return send


def outcome(send, subscriber):
    return Delivery.objects.get(send=send, subscriber=subscriber)


def test_refused_addresses_are_suppressed_and_skipped_by_the_next_send(sink):
    gone, busy, reader = make_confirmed_subscribers(3)
    sink.handler.refuse = {gone.email}
    sink.handler.defer = {busy.email}

    first = send_issue("Summer 2022", max_attempts=2)

    # The 550 suppresses at once, with the server's reply as evidence.
    suppression = Suppression.objects.get(email=gone.email)
    assert suppression.reason == SuppressionReason.HARD_BOUNCE
    assert suppression.evidence.startswith("550 5.1.1")
    assert suppression.delivery == outcome(first, gone)
    assert outcome(first, gone).status == DeliveryStatus.FAILED
    # The 451 was retried, and counts as one soft bounce for the delivery.
    assert outcome(first, busy).attempts == 2
    assert not Suppression.objects.filter(email=busy.email).exists()
    assert sink.handler.recipients() == [reader.email]

    second = send_issue("Autumn 2022", max_attempts=2)

    gone_delivery = outcome(second, gone)
    assert gone_delivery.status == DeliveryStatus.SKIPPED
    assert "suppressed" in gone_delivery.last_error
    assert "Hard bounce" in gone_delivery.last_error
    assert not Suppression.objects.filter(email=busy.email).exists()

    third = send_issue("Winter 2022", max_attempts=2)

    # Three deliveries refused for a while: three soft bounces, suppressed.
    suppression = Suppression.objects.get(email=busy.email)
    assert suppression.reason == SuppressionReason.SOFT_BOUNCES
    assert suppression.evidence.startswith("3 soft bounces in 30 days:")
    assert suppression.evidence.count("451 4.2.1") == 3
    # Its pending retry is then skipped, as the address now is.
    assert outcome(third, busy).status == DeliveryStatus.SKIPPED
    assert "Repeated soft bounces" in outcome(third, busy).last_error

    fourth = send_issue("Spring 2023")

    assert outcome(fourth, busy).status == DeliveryStatus.SKIPPED
    assert outcome(fourth, gone).status == DeliveryStatus.SKIPPED
    assert outcome(fourth, reader).status == DeliveryStatus.SENT
    # Nothing was ever accepted for either address.
    assert set(sink.handler.recipients()) == {reader.email}
    assert sink.handler.recipients().count(reader.email) == 4


def test_each_delivery_goes_out_with_a_return_path_that_names_it(sink):
    [reader] = make_confirmed_subscribers(1)

    send = send_issue("Summer 2022")

    [sender] = sink.handler.senders
    delivery = outcome(send, reader)
    assert sender.startswith(f"bounces+d{delivery.pk}-")
    assert sender.endswith("@news.example.org")


def test_a_bounce_that_comes_back_later_suppresses_exactly_that_subscriber(sink):
    bouncing, other = make_confirmed_subscribers(2)
    send = send_issue("Summer 2022")
    delivery = outcome(send, bouncing)
    [return_path] = [s for s in sink.handler.senders if s.startswith(f"bounces+d{delivery.pk}-")]

    # The relay accepted it; the destination's server returns a notification
    # to the return path, naming a forwarded address the portal never knew.
    [row] = bounce_handling.receive(
        dsn("forwarded@elsewhere.example", to=return_path), ReturnedMailSource.PIPE
    )

    assert row.kind == ReturnedMailKind.HARD_BOUNCE
    assert row.delivery == delivery
    assert row.email == bouncing.email
    assert row.status == "5.1.1"
    assert list(Suppression.objects.active().values_list("email", flat=True)) == [bouncing.email]
    assert "5.1.1" in Suppression.objects.get().evidence
    assert not Suppression.objects.filter(email=other.email).exists()


def test_a_bounce_is_attributed_by_the_returned_message_id_only_with_the_right_address(sink):
    reader, _other = make_confirmed_subscribers(2)
    send = send_issue("Summer 2022")
    message_id = outcome(send, reader).message_id

    # Someone guessing the Message-ID but not the address changes nothing.
    [guess] = bounce_handling.receive(
        dsn("someone@example.org", message_id=message_id), ReturnedMailSource.PIPE
    )
    assert guess.kind == ReturnedMailKind.UNATTRIBUTED
    assert not Suppression.objects.exists()

    [row] = bounce_handling.receive(
        dsn(reader.email, message_id=message_id), ReturnedMailSource.PIPE
    )
    assert row.delivery == outcome(send, reader)
    assert Suppression.objects.get().email == reader.email


def test_a_bounce_to_a_forged_return_path_is_kept_for_review(sink):
    [reader] = make_confirmed_subscribers(1)
    send = send_issue("Summer 2022")
    pk = outcome(send, reader).pk

    [row] = bounce_handling.receive(
        dsn("x@example.org", to=f"bounces+d{pk}-{'0' * 20}@news.example.org"),
        ReturnedMailSource.PIPE,
    )

    assert row.kind == ReturnedMailKind.UNATTRIBUTED
    assert "Undelivered Mail Returned to Sender" in row.message
    assert not Suppression.objects.exists()


def test_an_auto_reply_changes_nothing_and_a_non_standard_bounce_is_still_read(sink):
    reader, other = make_confirmed_subscribers(2)
    send = send_issue("Summer 2022")
    paths = dict(zip(sink.handler.recipients(), sink.handler.senders, strict=True))

    [reply] = bounce_handling.receive(
        out_of_office(reader.email, to=paths[reader.email]), ReturnedMailSource.PIPE
    )
    [bounce] = bounce_handling.receive(
        exim_bounce(other.email, to=paths[other.email]), ReturnedMailSource.PIPE
    )

    assert reply.kind == ReturnedMailKind.AUTO_REPLY
    assert reply.delivery == outcome(send, reader)
    assert bounce.kind == ReturnedMailKind.HARD_BOUNCE
    assert list(Suppression.objects.values_list("email", flat=True)) == [other.email]
    reader.refresh_from_db()
    assert reader.status == SubscriberStatus.CONFIRMED


def test_a_complaint_unsubscribes_and_suppresses(sink):
    reader, other = make_confirmed_subscribers(2)
    send = send_issue("Summer 2022")
    message_id = outcome(send, reader).message_id

    [row] = bounce_handling.receive(
        complaint(reader.email, message_id=message_id), ReturnedMailSource.PIPE
    )

    assert row.kind == ReturnedMailKind.COMPLAINT
    reader.refresh_from_db()
    other.refresh_from_db()
    assert reader.status == SubscriberStatus.UNSUBSCRIBED
    assert other.status == SubscriberStatus.CONFIRMED
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == (reader.email, SuppressionReason.COMPLAINT)


def test_signing_up_again_does_not_lift_a_suppression(sink, send_queued_emails):
    [reader] = make_confirmed_subscribers(1)
    Suppression.objects.suppress(reader.email, SuppressionReason.HARD_BOUNCE, "550 5.1.1")
    Subscriber.objects.filter(pk=reader.pk).update(status=SubscriberStatus.UNSUBSCRIBED)
    AccountEmail.objects.queue(AccountEmailKind.NEW_LINK, reader.email)

    send_queued_emails()

    row = AccountEmail.objects.get()
    assert row.status == AccountEmailStatus.SKIPPED
    assert Suppression.objects.suppresses(reader.email)
    assert sink.handler.recipients() == []


def test_a_publisher_lifts_a_suppression_and_the_next_send_includes_the_address(
    publisher_client, sink
):
    client, publisher = publisher_client, publisher_client.user
    gone, _reader = make_confirmed_subscribers(2)
    sink.handler.refuse = {gone.email}
    send_issue("Summer 2022")
    suppression = Suppression.objects.get(email=gone.email)
    change_url = reverse("admin:newsletters_suppression_change", args=[suppression.pk])
    lift_url = reverse("admin:newsletters_suppression_lift", args=[suppression.pk])

    page = client.get(change_url)
    assert page.status_code == 200
    assert lift_url in page.content.decode()
    refused = client.post(lift_url, {"note": ""})
    assert refused.status_code == 200
    assert "Please say why" in refused.content.decode()
    assert Suppression.objects.suppresses(gone.email)

    response = client.post(lift_url, {"note": "The mailbox was restored."}, follow=True)

    assert f"The next send will mail {gone.email} again." in response.content.decode()
    suppression.refresh_from_db()
    assert suppression.lifted_by == publisher
    assert suppression.lift_note == "The mailbox was restored."
    assert suppression.lifted_at is not None
    assert LogEntry.objects.get(object_id=str(suppression.pk)).user == publisher
    sink.handler.refuse = set()
    second = send_issue("Autumn 2022")
    assert outcome(second, gone).status == DeliveryStatus.SENT


def test_an_editor_cannot_see_or_lift_suppressions(editor_client):
    client = editor_client
    suppression = Suppression.objects.suppress("a@example.org", SuppressionReason.MANUAL, "")

    for url in (
        reverse("admin:newsletters_suppression_changelist"),
        reverse("admin:newsletters_suppression_lift", args=[suppression.pk]),
        reverse("admin:newsletters_returnedmail_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    assert Suppression.objects.suppresses("a@example.org")


def test_a_publisher_suppresses_an_address_by_hand_once(publisher_client):
    client = publisher_client
    add_url = reverse("admin:newsletters_suppression_add")

    response = client.post(add_url, {"email": "Ana@Example.ORG", "evidence": "Asked by phone."})

    assert response.status_code == 302
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == ("Ana@example.org", SuppressionReason.MANUAL)
    again = client.post(add_url, {"email": "ana@example.org", "evidence": ""})
    assert again.status_code == 200
    assert "already suppressed" in again.content.decode()
    assert Suppression.objects.count() == 1


def test_unattributed_mail_waits_for_review_in_the_admin(publisher_client):
    client = publisher_client
    bounce_handling.receive(b"Subject: Hello\r\n\r\nHi.\r\n", ReturnedMailSource.PIPE)

    response = client.get(reverse("admin:newsletters_returnedmail_changelist"))

    assert "1 message could not be attributed and waits for review." in response.content.decode()
    row = ReturnedMail.objects.get()
    client.post(
        reverse("admin:newsletters_returnedmail_changelist"),
        {"action": "mark_reviewed", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.reviewed_at is not None


def test_erasing_a_subscriber_keeps_their_returned_mail_counted_but_not_named(
    publisher_client, sink
):
    gone, reader = make_confirmed_subscribers(2)
    sink.handler.refuse = {gone.email}
    send = send_issue("Summer 2022")
    delivery = outcome(send, gone)

    publisher_client.post(
        reverse("admin:newsletters_subscriber_changelist"),
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )

    assert not Subscriber.objects.filter(pk=gone.pk).exists()
    row = ReturnedMail.objects.get()
    assert (row.kind, row.status, row.email, row.diagnostic) == (
        ReturnedMailKind.HARD_BOUNCE,
        "5.1.1",
        "",
        "",
    )
    delivery.refresh_from_db()
    assert delivery.subscriber is None
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("550 5.1.1 <(erased address)>")
    assert gone.email not in delivery.last_error
    # The address stays suppressed: were it imported again, it is not mailed.
    assert Suppression.objects.suppresses(gone.email)
    assert reader.email not in {row.email for row in ReturnedMail.objects.all()}
