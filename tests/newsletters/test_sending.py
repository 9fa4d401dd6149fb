"""Sending an issue through a real SMTP server on loopback (aiosmtpd).

The worker must send each confirmed subscriber one message, survive crashes,
refusals and dropped connections, and never double-send with two workers.
"""

import threading
from collections import Counter
from io import StringIO

import pytest
from django.core.mail import get_connection
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from newsletters.mail.send_queue import SendRefused, start_send
from newsletters.mail.worker import Worker
from newsletters.models import (
    Delivery,
    DeliveryStatus,
    IssueSend,
    SendWorker,
    Subscriber,
    SubscriberStatus,
)
from tests.factories import (
    make_confirmed_subscribers,
    make_draft_issue,
    make_issue,
    make_scheduled_issue,
    make_section,
)
from tests.newsletters.helpers import FAST, statuses
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade")
    return issue


@pytest.fixture
def sink(settings):
    with SMTPServer() as sink:
        sink.configure(settings)
        yield sink


class CountingConnections:
    """A connection factory that counts the SMTP connections opened."""

    def __init__(self):
        self.opened = 0

    def __call__(self):
        backend = get_connection()
        real_open = backend.open

        def open_and_count():
            created = real_open()
            if created:
                self.opened += 1
            return created

        backend.open = open_and_count
        return backend


def test_a_send_to_500_subscribers_delivers_exactly_500_messages(issue, sink):
    subscribers = make_confirmed_subscribers(500)
    send = start_send(issue)
    assert send.recipient_count == 500
    assert sink.handler.count == 0  # Starting a send mails nothing.

    connections = CountingConnections()
    Worker(batch_size=100, connection_factory=connections, **FAST).run()

    received = Counter(sink.handler.recipients())
    assert len(received) == 500
    assert set(received.values()) == {1}
    assert set(received) == {subscriber.email for subscriber in subscribers}
    assert connections.opened == 5  # One connection per batch of 100.
    send.refresh_from_db()
    assert statuses(send) == {"sent": 500}
    assert send.finished_at is not None
    message_ids = {message["Message-ID"] for message in sink.handler.parsed()}
    assert len(message_ids) == 500
    delivery = Delivery.objects.select_related("subscriber").first()
    assert delivery.message_id == f"<issue-{issue.pk}.sub-{delivery.subscriber.pk}@localhost>"
    assert delivery.message_id in message_ids


def test_a_worker_that_fails_part_way_gives_its_claims_back(issue, sink):
    make_confirmed_subscribers(60)
    send = start_send(issue)

    class Crash(Exception):
        pass

    def crash_after_25(delivery, seen=[]):  # noqa: B006
        seen.append(delivery)
        if len(seen) == 25:
            raise Crash

    with pytest.raises(Crash):
        Worker(batch_size=40, on_progress=crash_after_25, **FAST).run()
    assert sink.handler.count == 25
    # The rest of its batch is back in the queue, its attempts untouched.
    assert statuses(send) == {"sent": 25, "pending": 35}
    assert not send.deliveries.filter(status=DeliveryStatus.PENDING, attempts__gt=0).exists()
    assert not SendWorker.objects.exists()

    Worker(batch_size=40, **FAST).run()

    received = Counter(sink.handler.recipients())
    assert len(received) == 60
    assert set(received.values()) == {1}
    assert statuses(send) == {"sent": 60}


def test_a_dead_workers_claims_are_taken_over_at_once(issue, sink):
    """A worker whose lock is free is dead, whenever it claimed its batch:
    the next worker takes the batch over without waiting. (The test lets the
    lock go as the system does when a process dies; tests/newsletters/
    test_sending_processes.py kills real processes.)"""
    make_confirmed_subscribers(60)
    send = start_send(issue)
    dead = Worker(batch_size=40, **FAST)
    dead.register()
    batch = dead.claim()
    smtp = get_connection()
    for delivery in batch[:15]:
        dead.send_one(smtp, delivery)
    smtp.close()
    dead.locks.release(dead.token)
    assert statuses(send) == {"sent": 15, "sending": 25, "pending": 20}

    Worker(batch_size=40, **FAST).run()

    received = Counter(sink.handler.recipients())
    assert len(received) == 60
    assert set(received.values()) == {1}
    assert statuses(send) == {"sent": 60}
    assert not SendWorker.objects.exists()  # The dead worker's entry went too.


def test_a_live_workers_claims_are_never_taken(issue, sink, monkeypatch):
    make_confirmed_subscribers(30)
    send = start_send(issue)
    slow = Worker(batch_size=10, **FAST)
    slow.register()
    slow_batch = slow.claim()
    other_sent = []
    other = Worker(batch_size=10, on_progress=other_sent.append, **FAST)
    naps = []

    def nap(seconds):
        # The other worker has sent everything it could and waits for the
        # slow one, which sends its batch meanwhile.
        naps.append(seconds)
        if len(naps) == 1:
            assert statuses(send) == {"sent": 20, "sending": 10}
            slow.send_batch(slow_batch)

    monkeypatch.setattr("newsletters.mail.worker.time.sleep", nap)
    other.run()
    slow.unregister()

    assert {d.pk for d in other_sent}.isdisjoint(d.pk for d in slow_batch)
    assert len(other_sent) == 20
    received = Counter(sink.handler.recipients())
    assert len(received) == 30
    assert set(received.values()) == {1}
    assert statuses(send) == {"sent": 30}


def test_a_worker_killed_between_acceptance_and_record_repeats_one_message_with_its_id(
    issue, sink, monkeypatch
):
    """The documented window: the message the server accepted just before
    the worker died is sent again, once, with the same Message-ID."""
    make_confirmed_subscribers(30)
    send = start_send(issue)
    real_mark_sent = Worker.mark_sent
    calls = []

    def die_on_tenth(self, delivery, message_id):
        calls.append(delivery)
        if len(calls) == 10:
            raise KeyboardInterrupt  # Killed after the SMTP server accepted message 10.
        real_mark_sent(self, delivery, message_id)

    monkeypatch.setattr(Worker, "mark_sent", die_on_tenth)
    with pytest.raises(KeyboardInterrupt):
        Worker(batch_size=50, **FAST).run()
    monkeypatch.setattr(Worker, "mark_sent", real_mark_sent)
    Worker(batch_size=50, **FAST).run()

    received = Counter(sink.handler.recipients())
    assert len(received) == 30
    assert sorted(received.values()) == [1] * 29 + [2]
    repeated = next(address for address, n in received.items() if n == 2)
    ids = [m["Message-ID"] for m in sink.handler.parsed() if m["To"] == repeated]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert statuses(send) == {"sent": 30}


def test_refused_recipients_fail_and_a_dropped_connection_is_retried(issue, sink):
    subscribers = make_confirmed_subscribers(30)
    refused = {subscribers[3].email, subscribers[17].email, subscribers[29].email}
    sink.handler.refuse = refused
    sink.handler.drop_at = 10  # The server hangs up during the tenth message, once.
    send = start_send(issue)

    Worker(batch_size=50, **FAST).run()

    assert statuses(send) == {"sent": 27, "failed": 3}
    failed = Delivery.objects.filter(send=send, status=DeliveryStatus.FAILED)
    assert {delivery.subscriber.email for delivery in failed} == refused
    for delivery in failed:
        assert delivery.last_error.startswith("550 5.1.1")
        assert "Recipient address rejected" in delivery.last_error
        assert delivery.attempts == 1
    assert sink.handler.dropped
    retried = Delivery.objects.get(send=send, attempts=2)
    assert retried.status == DeliveryStatus.SENT
    received = Counter(sink.handler.recipients())
    assert len(received) == 27 and set(received.values()) == {1}
    assert not refused & set(received)


def test_temporary_refusals_are_retried_then_failed(issue, sink):
    subscribers = make_confirmed_subscribers(3)
    handler = sink.handler

    async def always_busy(server, session, envelope, address, rcpt_options):
        if address == subscribers[0].email:
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    handler.handle_RCPT = always_busy
    send = start_send(issue)
    Worker(max_attempts=3, **FAST).run()

    delivery = Delivery.objects.get(send=send, subscriber=subscribers[0])
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert "Gave up after 3 attempts" in delivery.last_error
    assert "451 4.7.1 Try again later" in delivery.last_error
    assert statuses(send) == {"sent": 2, "failed": 1}


def test_a_subscriber_who_unsubscribes_during_the_send_is_skipped(issue, sink):
    subscribers = make_confirmed_subscribers(20)
    leaving = subscribers[15]
    send = start_send(issue)

    def unsubscribe_after_first(delivery, done=[]):  # noqa: B006
        done.append(delivery)
        if len(done) == 1:
            Subscriber.objects.get(pk=leaving.pk).unsubscribe()

    Worker(batch_size=5, on_progress=unsubscribe_after_first, **FAST).run()

    assert statuses(send) == {"sent": 19, "skipped": 1}
    skipped = Delivery.objects.get(send=send, status=DeliveryStatus.SKIPPED)
    assert skipped.subscriber_id == leaving.pk
    assert "Unsubscribed" in skipped.last_error
    assert leaving.email not in sink.handler.recipients()


def test_an_erased_subscriber_is_skipped(issue, sink):
    subscribers = make_confirmed_subscribers(3)
    send = start_send(issue)
    subscribers[1].delete()
    Worker(**FAST).run()
    assert statuses(send) == {"sent": 2, "skipped": 1}


def test_deliveries_of_an_unpublished_issue_wait(issue, sink):
    make_confirmed_subscribers(3)
    send = start_send(issue)
    issue.status = "draft"
    issue.save()
    Worker(**FAST).run()
    assert statuses(send) == {"pending": 3}
    issue.status = "published"
    issue.save()
    Worker(**FAST).run()
    assert statuses(send) == {"sent": 3}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_workers_never_send_a_message_twice(sink):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent workers need PostgreSQL's SKIP LOCKED; SQLite runs one worker.")
    issue = make_issue()
    make_section(issue)
    make_confirmed_subscribers(400)
    send = start_send(issue)
    sent_by = Counter()
    errors = []

    def work(name):
        try:
            Worker(batch_size=10, on_progress=lambda delivery: sent_by.update([name]), **FAST).run()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    received = Counter(sink.handler.recipients())
    assert len(received) == 400
    assert set(received.values()) == {1}
    assert sum(sent_by.values()) == 400
    assert len(sent_by) > 1  # The work really was shared.
    assert statuses(send) == {"sent": 400}


# Starting a send


def test_only_a_published_issue_can_be_sent():
    make_confirmed_subscribers(2)
    for unpublished in (make_draft_issue(), make_scheduled_issue()):
        with pytest.raises(SendRefused):
            start_send(unpublished)
    assert not IssueSend.objects.exists()
    assert not Delivery.objects.exists()


def test_starting_a_send_queues_confirmed_subscribers_only(issue):
    make_confirmed_subscribers(4)
    make_confirmed_subscribers(2, start=10, status=SubscriberStatus.PENDING, confirmed_at=None)
    make_confirmed_subscribers(1, start=20, status=SubscriberStatus.UNSUBSCRIBED)
    send = start_send(issue)
    assert send.recipient_count == 4
    assert statuses(send) == {"pending": 4}


def test_the_database_refuses_a_second_live_delivery_to_one_person(issue):
    make_confirmed_subscribers(1)
    send = start_send(issue)
    delivery = send.deliveries.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(send=send, issue=issue, subscriber=delivery.subscriber)
    # A failed one does not count: it can be queued again.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    Delivery.objects.create(send=send, issue=issue, subscriber=delivery.subscriber)


def test_send_issue_refuses_a_second_send_and_resends_only_to_those_missing(issue, sink):
    subscribers = make_confirmed_subscribers(5)
    out = StringIO()
    call_command("send_issue", issue.slug, "--yes", stdout=out)
    assert "Queued" in out.getvalue()
    # Refused for a while: failed, but not suppressed by one soft bounce.
    sink.handler.defer = {subscribers[0].email}
    Worker(max_attempts=2, **FAST).run()

    with pytest.raises(CommandError, match="already been sent"):
        call_command("send_issue", issue.slug, "--yes")
    assert IssueSend.objects.count() == 1

    newcomer = make_confirmed_subscribers(1, start=100)[0]
    sink.handler.defer = set()
    call_command("send_issue", issue.slug, "--yes", "--resend-missing", stdout=StringIO())
    resend = IssueSend.objects.get(is_resend=True)
    assert set(resend.deliveries.values_list("subscriber", flat=True)) == {
        subscribers[0].pk,
        newcomer.pk,
    }
    Worker(**FAST).run()
    received = Counter(sink.handler.recipients())
    assert len(received) == 6 and set(received.values()) == {1}

    with pytest.raises(CommandError, match="Every confirmed subscriber"):
        call_command("send_issue", issue.slug, "--yes", "--resend-missing")


def test_send_issue_refuses_a_draft():
    draft = make_draft_issue()
    with pytest.raises(CommandError, match="Only a published issue"):
        call_command("send_issue", draft.slug, "--yes")


def test_send_deliveries_command_sends_the_queue(issue, sink):
    make_confirmed_subscribers(12)
    send = start_send(issue)
    out, err = StringIO(), StringIO()
    call_command("send_deliveries", "--batch-size", "5", stdout=out, stderr=err)
    assert "Processed 12 deliveries." in out.getvalue()
    assert sink.handler.count == 12
    assert statuses(send) == {"sent": 12}


def test_a_looping_worker_picks_up_sends_started_while_it_waits(issue, sink, monkeypatch):
    make_confirmed_subscribers(3)
    start_send(issue)
    later = make_issue(title="Autumn 2022")
    make_section(later)
    worker = Worker(**FAST)
    naps = []

    def nap(seconds):
        # The queue is empty: someone starts another send, then, after it
        # has gone out, the service is stopped.
        naps.append(seconds)
        if len(naps) == 1:
            start_send(later)
        else:
            worker.stopping = True

    monkeypatch.setattr("newsletters.mail.worker.time.sleep", nap)
    worker.run(loop=True)

    assert sink.handler.count == 6
    assert IssueSend.objects.filter(finished_at__isnull=False).count() == 2


def test_the_worker_writes_once_per_message_and_reads_per_batch(issue, sink):
    def queries_to_send(count, start):
        make_confirmed_subscribers(count, start=start)
        later = make_issue()
        make_section(later)
        start_send(later)
        with CaptureQueriesContext(connection) as queries:
            Worker(batch_size=100, **FAST).run()
        return len(queries)

    few = queries_to_send(20, start=0)
    # The second send goes to the 20 from before too: 60 messages, not 20.
    many = queries_to_send(40, start=1000)
    assert many - few == 40


def test_an_unusable_address_fails_its_delivery_and_not_the_worker(issue, sink):
    make_confirmed_subscribers(2)
    broken = make_confirmed_subscribers(1, start=50)[0]
    # Past the ORM, which would turn the line break into a space.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Subscriber._meta.db_table} SET email = %s WHERE id = %s",
            ["broken\n@example.net", broken.pk],
        )
    send = start_send(issue)
    Worker(**FAST).run()
    assert statuses(send) == {"sent": 2, "failed": 1}
    assert "Not a usable address" in send.deliveries.get(subscriber=broken).last_error
