"""The send worker as it runs for real: `manage.py send_deliveries` processes
on a database of their own, killed with SIGKILL, mailing a real SMTP server
(aiosmtpd) that is slow, or switched off and on again.

The guarantee under test (docs/architecture.md): after a `kill -9` at any
moment and one restart without --loop, every subscriber has exactly one
message, but for at most one duplicate per killed worker that carries the
same Message-ID.
"""

import contextlib
import random
import time
from collections import Counter

import pytest

from tests.processes import ProcessDatabase, manage, portal_env, start_manage
from tests.smtp import SlowHandler, SMTPServer

# Each test seeds its own database (a migrate and the demo issue) and runs
# the worker in subprocesses: seconds each.
SEED = """
from django.utils import timezone
from newsletters.demo.content import read_issue
from newsletters.models import Issue, Subscriber, SubscriberStatus
from newsletters.mail.send_queue import start_send
now = timezone.now()
Subscriber.objects.bulk_create(
    Subscriber(
        email=f"reader{{n}}@example.net",
        status=SubscriberStatus.CONFIRMED,
        consent_given_at=now,
        confirmed_at=now,
    )
    for n in range({count})
)
send = start_send(Issue.objects.get(slug=read_issue()["slug"]))
print("queued", send.recipient_count)
"""

WORKER = ["send_deliveries", "--no-progress", "--poll-interval", "0.2"]


class Portal:
    """A migrated database with the demo issue queued for `count` confirmed
    subscribers, and the environment to run the portal's commands on it."""

    def __init__(self, database, folder, count):
        self.database = database
        self.folder = folder
        self.count = count
        env = self.env(smtp_port=1)
        manage("migrate", "--no-input", env=env)
        manage("load_demo", env=env)
        result = manage("shell", "-c", SEED.format(count=count), env=env)
        assert f"queued {count}" in result.stdout

    def env(self, smtp_port):
        return portal_env(self.database.url, self.folder, EMAIL_PORT=smtp_port)

    def worker(self, sink, *options, name="worker"):
        return start_manage(
            *WORKER, *options, env=self.env(sink.port), log_folder=self.folder, name=name
        )

    def statuses(self):
        return dict(
            self.database.query("SELECT status, COUNT(*) FROM newsletters_delivery GROUP BY status")
        )

    def claims_of(self, worker):
        """How many deliveries the worker process holds now."""
        ((count,),) = self.database.query(
            "SELECT COUNT(*) FROM newsletters_delivery d"
            " JOIN newsletters_sendworker w ON d.claim_token = w.token"
            " WHERE w.pid = %s AND d.status = 'sending'",
            [worker.process.pid],
        )
        return count

    def registered_workers(self):
        return self.database.query(
            "SELECT pid, smtp_down_since, smtp_retry_seconds, smtp_error"
            " FROM newsletters_sendworker"
        )


@pytest.fixture
def make_portal(tmp_path):
    with contextlib.ExitStack() as stack:

        def make(count):
            database = stack.enter_context(ProcessDatabase(tmp_path))
            return Portal(database, tmp_path, count)

        yield make


def wait_until(condition, *, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.02)


def assert_each_got_one_message(sink, count, killed_workers=1):
    """Every subscriber has one message; a killed worker may have repeated
    one, with the same Message-ID."""
    received = Counter(sink.handler.recipients())
    assert set(received) == {f"reader{n}@example.net" for n in range(count)}
    repeated = [address for address, n in received.items() if n > 1]
    assert len(repeated) <= killed_workers
    assert all(received[address] == 2 for address in repeated)
    for address in repeated:
        ids = {m["Message-ID"] for m in sink.handler.parsed() if m["To"] == address}
        assert len(ids) == 1


def slow_sink(delay):
    return SMTPServer(SlowHandler(delay))


# The first message, and a moment drawn for each run (it shows in the test's id).
KILL_MOMENTS = [1, random.randrange(2, 240)]


@pytest.mark.parametrize("kill_after", KILL_MOMENTS)
def test_a_worker_killed_part_way_is_finished_by_one_restart(make_portal, kill_after):
    portal = make_portal(300)
    with SMTPServer() as sink:
        worker = portal.worker(sink, "--batch-size", "50", name="killed")
        try:
            wait_until(lambda: sink.handler.count >= kill_after, what=f"{kill_after} messages")
            wait_until(lambda: portal.claims_of(worker) > 0, what="a claim of the worker")
            worker.kill()
        finally:
            worker.stop()
        assert sink.handler.count < 300
        assert portal.statuses().get("sending", 0) > 0  # The dead worker's claim.

        restart = portal.worker(sink, "--batch-size", "50", name="restart")
        assert restart.wait(timeout=120) == 0, restart.stderr()

    assert_each_got_one_message(sink, 300)
    assert portal.statuses() == {"sent": 300}
    assert portal.registered_workers() == []  # The dead worker's entry is gone too.
    assert "Processed" in restart.stdout()


def test_a_live_workers_claims_are_never_taken(make_portal):
    portal = make_portal(40)
    with slow_sink(delay=0.1) as sink:
        # The slow worker claims the whole queue in one batch.
        slow = portal.worker(sink, "--batch-size", "100", name="slow")
        other = None
        try:
            wait_until(lambda: sink.handler.count >= 3, what="the slow worker's first messages")
            other = portal.worker(sink, name="other")
            # The other worker finds nothing to take, and waits: were the
            # slow one to die, it would take over.
            assert other.wait(timeout=60) == 0, other.stderr()
            statuses_when_other_left = portal.statuses()
            assert slow.wait(timeout=60) == 0, slow.stderr()
        finally:
            slow.stop()
            if other is not None:
                other.stop()

    assert statuses_when_other_left == {"sent": 40}
    assert "Processed 0 deliveries." in other.stdout()
    assert "Processed 40 deliveries." in slow.stdout()
    received = Counter(sink.handler.recipients())
    assert len(received) == 40 and set(received.values()) == {1}


def test_a_worker_waits_out_a_mail_server_outage_and_then_sends_everything_once(make_portal):
    portal = make_portal(50)
    sink = SMTPServer()  # Its port is free: nothing answers there yet.
    worker = portal.worker(sink, "--outage-retry", "0.2", "--outage-retry-max", "1")
    try:
        wait_until(lambda: "not answering" in worker.stderr(), what="the outage line")
        # Nothing was used up: the deliveries wait, their attempts untouched.
        ((pending, attempts),) = portal.database.query(
            "SELECT COUNT(*), MAX(attempts) FROM newsletters_delivery WHERE status = 'pending'"
        )
        assert (pending, attempts) == (50, 0)
        ((pid, down_since, retry_seconds, error),) = portal.registered_workers()
        assert pid == worker.process.pid
        assert down_since is not None
        assert 0.2 <= retry_seconds <= 1
        assert "Connection refused" in error
        time.sleep(1)  # A few more tries, still refused.
        assert worker.process.poll() is None
        with sink:
            assert worker.wait(timeout=60) == 0, worker.stderr()
    finally:
        worker.stop()

    assert "answers again" in worker.stderr()
    received = Counter(sink.handler.recipients())
    assert len(received) == 50 and set(received.values()) == {1}
    assert portal.database.query(
        "SELECT status, attempts, COUNT(*) FROM newsletters_delivery GROUP BY status, attempts"
    ) == [("sent", 1, 50)]


def test_several_workers_at_once_one_killed_send_each_message_once(make_portal):
    portal = make_portal(300)
    if portal.database.vendor != "postgresql":
        pytest.skip("Several workers at once need PostgreSQL; the PostgreSQL pass runs this.")
    with SMTPServer() as sink:
        workers = [portal.worker(sink, "--batch-size", "20", name=f"worker{n}") for n in range(3)]
        victim = workers[0]
        kill_after = random.randrange(20, 200)
        try:
            wait_until(lambda: sink.handler.count >= kill_after, what=f"{kill_after} messages")
            wait_until(lambda: portal.claims_of(victim) > 0, what="a claim of the victim")
            victim.kill()
            restart = portal.worker(sink, "--batch-size", "20", name="restart")
            for worker in [*workers[1:], restart]:
                assert worker.wait(timeout=120) == 0, worker.stderr()
        finally:
            for worker in workers:
                worker.stop()

    assert_each_got_one_message(sink, 300)
    assert portal.statuses() == {"sent": 300}
    assert portal.registered_workers() == []
