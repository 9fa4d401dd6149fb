"""The account-email queue: what the subscription pages queue, and what the
send worker mails from it, through a real SMTP server on loopback."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.db import connection
from django.utils import timezone

from newsletters.mail import outbox
from newsletters.mail.outbox import send_queued
from newsletters.mail.worker import Worker
from newsletters.models import (
    AccountEmail,
    AccountEmailKind,
    AccountEmailStatus,
    Subscriber,
    SubscriberStatus,
)
from tests.newsletters.helpers import signup_form_data
from tests.smtp import SMTPServer, body_text

NEW_LINK_URL = "/en/subscribe/new-link/"


@pytest.fixture(autouse=True)
def _roomy_rate_limits(settings):
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {"ip": (1000, 3600), "ip_email": (1000, 3600)}


@pytest.fixture
def sink(settings):
    with SMTPServer() as sink:
        sink.configure(settings)
        yield sink


def queue(email, kind=AccountEmailKind.NEW_LINK):
    return AccountEmail.objects.queue(kind, email)


def statuses():
    return sorted(AccountEmail.objects.values_list("status", flat=True))


# What the worker sends


@pytest.mark.django_db
def test_the_worker_mails_what_each_address_asked_for_through_a_real_server(
    client, make_subscriber, smtp_server
):
    make_subscriber(email="member@example.org", status=SubscriberStatus.CONFIRMED)
    make_subscriber(email="left@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    client.post("/en/subscribe/", signup_form_data(email="newcomer@example.org"))
    for email in ("member@example.org", "left@example.org", "stranger@example.org"):
        client.post(NEW_LINK_URL, {"email": email})
    assert AccountEmail.objects.count() == 4
    assert smtp_server.messages == []

    Worker(poll_interval=0.01).run()

    by_address = {message["To"]: message for message in smtp_server.wait_for(2)}
    assert set(by_address) == {"newcomer@example.org", "member@example.org"}
    assert "/subscribe/confirm/" in body_text(by_address["newcomer@example.org"])
    already = body_text(by_address["member@example.org"])
    assert "already subscribed" in already
    assert "/subscribe/confirm/" not in already
    assert "/unsubscribe/" in already
    assert Subscriber.objects.get(email="newcomer@example.org").confirmation_sent_at is not None
    # Nothing went to the unknown or unsubscribed address, and no row keeps an address.
    assert len(smtp_server.messages) == 2
    assert statuses() == ["sent", "sent", "skipped", "skipped"]
    assert not AccountEmail.objects.exclude(email="").exists()
    assert not AccountEmail.objects.exclude(sign_up={}).exists()
    assert set(
        AccountEmail.objects.filter(status=AccountEmailStatus.SKIPPED).values_list(
            "subscriber", flat=True
        )
    ) == {None}


@pytest.mark.django_db
def test_send_queued_into_a_real_server_sends_nothing_for_an_unknown_address(smtp_server):
    queue("nobody@example.org")

    assert send_queued(get_connection) == 0

    assert smtp_server.messages == []
    row = AccountEmail.objects.get()
    assert (row.status, row.email, row.subscriber) == (AccountEmailStatus.SKIPPED, "", None)


@pytest.mark.django_db
def test_the_email_is_chosen_when_it_is_sent(make_subscriber, send_queued_emails):
    confirmed_meanwhile = make_subscriber(email="quick@example.org")
    unsubscribed_meanwhile = make_subscriber(email="changed-mind@example.org")
    queue("quick@example.org", AccountEmailKind.SIGN_UP)
    queue("changed-mind@example.org", AccountEmailKind.SIGN_UP)
    confirmed_meanwhile.confirm()
    unsubscribed_meanwhile.unsubscribe()

    assert send_queued_emails() == 1

    [message] = mail.outbox
    assert message.to == ["quick@example.org"]
    assert "already subscribed" in message.body


@pytest.mark.django_db
def test_an_address_erased_before_sending_gets_nothing(make_subscriber, send_queued_emails):
    subscriber = make_subscriber(email="erase-me@example.org")
    queue("Erase-Me@EXAMPLE.org")
    subscriber.delete()

    assert send_queued_emails() == 0

    assert mail.outbox == []
    assert AccountEmail.objects.get().email == ""


@pytest.mark.django_db
def test_case_variants_of_an_address_reach_its_subscriber(make_subscriber, send_queued_emails):
    make_subscriber(email="Ana.Lima@example.org")
    queue("ana.lima@EXAMPLE.ORG")

    assert send_queued_emails() == 1

    assert mail.outbox[0].to == ["Ana.Lima@example.org"]
    assert AccountEmail.objects.get().subscriber.email == "Ana.Lima@example.org"


# What one address receives


@pytest.mark.django_db
def test_an_address_gets_one_email_per_five_minutes(make_subscriber, send_queued_emails):
    subscriber = make_subscriber(email="often@example.org")
    queue("often@example.org")
    assert send_queued_emails() == 1

    queue("often@example.org")
    assert send_queued_emails() == 0
    held = AccountEmail.objects.get(status=AccountEmailStatus.HELD)
    assert held.subscriber == subscriber
    assert held.email == ""
    assert held.last_error == "At most 1 email per address in 5\xa0minutes."

    AccountEmail.objects.filter(status=AccountEmailStatus.SENT).update(
        sent_at=timezone.now() - timedelta(minutes=6)
    )
    queue("often@example.org")
    assert send_queued_emails() == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_address_gets_at_most_five_emails_a_day(make_subscriber, send_queued_emails):
    subscriber = make_subscriber(email="daily@example.org")
    now = timezone.now()
    for hours_ago in (23, 20, 15, 10, 1):
        AccountEmail.objects.create(
            kind=AccountEmailKind.NEW_LINK,
            status=AccountEmailStatus.SENT,
            subscriber=subscriber,
            sent_at=now - timedelta(hours=hours_ago),
        )
    queue("daily@example.org")

    assert send_queued_emails() == 0

    held = AccountEmail.objects.get(status=AccountEmailStatus.HELD)
    assert held.last_error == "At most 5 emails per address in 1\xa0day."
    assert mail.outbox == []

    # A day after the oldest, one more may go.
    AccountEmail.objects.filter(sent_at__lt=now - timedelta(hours=22)).update(
        sent_at=now - timedelta(hours=25)
    )
    queue("daily@example.org")
    assert send_queued_emails() == 1


@pytest.mark.django_db
def test_the_limits_hold_per_address(make_subscriber, send_queued_emails):
    for n in range(3):
        make_subscriber(email=f"p{n}@example.org")
        queue(f"p{n}@example.org")

    assert send_queued_emails() == 3

    assert sorted(message.to[0] for message in mail.outbox) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]


# Failures


@pytest.mark.django_db
def test_a_server_that_is_down_is_tried_again_later(make_subscriber, settings, sink):
    make_subscriber(email="patient@example.org")
    queue("patient@example.org")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # Nothing listens on the discard port.
    settings.EMAIL_TIMEOUT = 2

    assert send_queued(get_connection) == 0
    row = AccountEmail.objects.get()
    assert (row.status, row.attempts) == (AccountEmailStatus.QUEUED, 1)
    assert row.email == "patient@example.org"  # Still needed for the next try.
    assert row.next_attempt_at > timezone.now()

    # The server is back, but the retry is not due yet.
    settings.EMAIL_PORT = port
    assert send_queued(get_connection) == 0
    AccountEmail.objects.update(next_attempt_at=timezone.now())
    assert send_queued(get_connection) == 1

    row.refresh_from_db()
    assert (row.status, row.attempts, row.email) == (AccountEmailStatus.SENT, 2, "")
    assert sink.handler.recipients() == ["patient@example.org"]


@pytest.mark.django_db
def test_a_refused_address_is_recorded_and_not_tried_again(make_subscriber, sink):
    make_subscriber(email="gone@example.org")
    queue("gone@example.org")
    sink.handler.refuse.add("gone@example.org")

    assert send_queued(get_connection) == 0

    row = AccountEmail.objects.get()
    assert row.status == AccountEmailStatus.FAILED
    assert "550" in row.last_error
    assert row.email == ""
    AccountEmail.objects.update(next_attempt_at=None)
    assert send_queued(get_connection) == 0
    assert sink.handler.recipients() == []


@pytest.mark.django_db
def test_temporary_failures_give_up_after_the_last_attempt(make_subscriber, settings):
    make_subscriber(email="never@example.org")
    queue("never@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9
    settings.EMAIL_TIMEOUT = 2

    for _ in range(outbox.MAX_ATTEMPTS):
        send_queued(get_connection)
        AccountEmail.objects.update(next_attempt_at=timezone.now())

    row = AccountEmail.objects.get()
    assert (row.status, row.attempts, row.email) == (
        AccountEmailStatus.FAILED,
        outbox.MAX_ATTEMPTS,
        "",
    )
    assert row.last_error.startswith(f"Gave up after {outbox.MAX_ATTEMPTS} attempts")


# The queue itself


@pytest.mark.django_db
def test_rows_a_dead_worker_claimed_are_taken_over_at_once_by_the_next_worker(
    make_subscriber, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_subscriber(email="orphan@example.org")
    queue("orphan@example.org")
    # A worker's token whose lock nobody holds: the worker died (kill -9).
    [claimed] = outbox.claim(10, token="d" * 32)

    Worker(poll_interval=0.01).run()

    assert [message.to for message in mail.outbox] == [["orphan@example.org"]]
    claimed.refresh_from_db()
    assert claimed.status == AccountEmailStatus.SENT


@pytest.mark.django_db
def test_a_live_workers_account_emails_are_not_taken(make_subscriber, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_subscriber(email="busy@example.org")
    queue("busy@example.org")
    other = Worker()
    other.register()  # Running, holding its lock.
    try:
        outbox.claim(10, token=other.token)
        sent = send_queued(get_connection, worker_token="e" * 32, alive=other.locks.alive)
        assert sent == 0
        assert AccountEmail.objects.get().status == AccountEmailStatus.SENDING
    finally:
        other.unregister()


@pytest.mark.django_db
def test_rows_left_sending_by_a_stopped_worker_are_sent_later(make_subscriber, send_queued_emails):
    make_subscriber(email="orphan@example.org")
    queue("orphan@example.org")
    [claimed] = outbox.claim(10)  # A worker claimed it, then died.

    assert send_queued_emails() == 0  # Not yet: it may still be working.
    AccountEmail.objects.update(claimed_at=timezone.now() - outbox.STALE_AFTER * 2)
    assert send_queued_emails() == 1

    assert mail.outbox[0].to == ["orphan@example.org"]
    claimed.refresh_from_db()
    assert claimed.status == AccountEmailStatus.SENT


@pytest.mark.django_db
def test_rows_are_forgotten_a_week_after_they_left_the_queue(send_queued_emails):
    old = timezone.now() - outbox.KEEP_FOR - timedelta(hours=1)
    finished = AccountEmail.objects.create(
        kind=AccountEmailKind.NEW_LINK, status=AccountEmailStatus.SKIPPED
    )
    waiting = queue("late@example.org")
    AccountEmail.objects.filter(pk__in=[finished.pk, waiting.pk]).update(created_at=old)
    recent = AccountEmail.objects.create(
        kind=AccountEmailKind.NEW_LINK, status=AccountEmailStatus.SKIPPED
    )
    AccountEmail.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + timedelta(days=1)
    )

    send_queued_emails()

    assert set(AccountEmail.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}


# Several workers at once (PostgreSQL)


def run_workers(count, batch_size):
    barrier = threading.Barrier(count)
    sent, errors = [], []

    def work():
        try:
            barrier.wait(timeout=10)
            sent.append(send_queued(get_connection, batch_size=batch_size))
        except Exception as error:  # Reported below, with the thread's error.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sum(sent)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_workers_send_each_row_once(make_subscriber, sink):
    for n in range(30):
        make_subscriber(email=f"reader{n}@example.net")
        queue(f"reader{n}@example.net")

    assert run_workers(4, batch_size=3) == 30

    recipients = sink.handler.recipients()
    assert sorted(recipients) == sorted(f"reader{n}@example.net" for n in range(30))
    assert statuses() == ["sent"] * 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_workers_mail_one_address_once(make_subscriber, sink):
    make_subscriber(email="popular@example.net")
    for _ in range(8):
        queue("popular@example.net")

    assert run_workers(4, batch_size=1) == 1

    assert sink.handler.recipients() == ["popular@example.net"]
    assert statuses() == ["held"] * 7 + ["sent"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_workers_record_repeated_sign_ups_as_one_subscriber(client, sink):
    for _ in range(8):
        client.post("/en/subscribe/", signup_form_data(email="Eager@Example.net"))
    assert not Subscriber.objects.exists()

    assert run_workers(4, batch_size=1) == 1

    assert Subscriber.objects.get().email == "Eager@example.net"
    assert sink.handler.recipients() == ["Eager@example.net"]
    assert statuses() == ["held"] * 7 + ["sent"]
