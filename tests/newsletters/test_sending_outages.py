"""The send worker and a mail server that does not answer (aiosmtpd on
loopback, not started yet, stopped part-way, or turning everyone away).

An outage is the server's problem, not the recipients': the worker waits as
a whole and the deliveries keep their attempts. Staff see the outage above
the sends. tests/newsletters/test_sending_processes.py runs the same through
a real `send_deliveries` process.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from newsletters.mail.send_queue import start_send
from newsletters.mail.worker import Worker
from newsletters.models import DeliveryStatus, SendWorker
from tests.factories import make_confirmed_subscribers, make_issue, make_section
from tests.newsletters.helpers import FAST, statuses
from tests.smtp import SMTPServer, TurningAway

pytestmark = pytest.mark.django_db

OUTAGE = {"outage_delay": timedelta(milliseconds=200), **FAST}


@pytest.fixture
def issue():
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade")
    return issue


@pytest.fixture
def mail_server(settings):
    """A mail server Django sends through, not started yet: the tests switch
    it on and off at the same address."""
    server = SMTPServer()
    server.configure(settings)
    yield server
    server.stop()


def assert_each_got_one(server, count):
    received = Counter(server.handler.recipients())
    assert len(received) == count
    assert set(received.values()) == {1}


def test_an_outage_keeps_the_deliveries_and_staff_see_it(issue, mail_server, publisher_client):
    make_confirmed_subscribers(20)
    send = start_send(issue)
    lines = []
    seen = {}

    def notify(text):
        lines.append(text)
        if len(lines) > 1:
            return
        # The outage has begun: nothing is used up, the registry says so...
        seen["statuses"] = statuses(send)
        seen["attempts"] = set(send.deliveries.values_list("attempts", flat=True))
        seen["worker"] = SendWorker.objects.get()
        # ...and so do the sends list and the send's progress page.
        seen["list"] = publisher_client.get(reverse("admin:newsletters_issuesend_changelist"))
        seen["send"] = publisher_client.get(
            reverse("admin:newsletters_issuesend_change", args=[send.pk])
        )
        mail_server.start()

    Worker(notify=notify, **OUTAGE).run()

    assert seen["statuses"] == {"pending": 20}
    assert seen["attempts"] == {0}
    worker = seen["worker"]
    assert worker.smtp_down_since is not None
    assert worker.smtp_retry_seconds == 0.2
    assert "ConnectionRefusedError" in worker.smtp_error
    since = timezone.localtime(worker.smtp_down_since).strftime("%H:%M")
    expected = f"The mail server is not answering since {since}; the worker retries every 0.2 s."
    for page in (seen["list"], seen["send"]):
        assert page.status_code == 200
        assert expected in page.content.decode()
    assert "not answering" in lines[0]
    assert "answers again" in lines[-1]
    assert len(lines) == 2

    assert_each_got_one(mail_server, 20)
    assert statuses(send) == {"sent": 20}
    assert set(send.deliveries.values_list("attempts", flat=True)) == {1}
    assert not SendWorker.objects.exists()
    # Nothing to report once the worker has gone and the queue is empty.
    page = publisher_client.get(reverse("admin:newsletters_issuesend_changelist"))
    assert "not answering" not in page.content.decode()
    assert "No send worker is running" not in page.content.decode()


def test_the_wait_grows_while_the_server_stays_down(issue, mail_server):
    make_confirmed_subscribers(3)
    start_send(issue)
    delays = []
    worker = Worker(
        outage_delay=timedelta(milliseconds=20),
        max_outage_delay=timedelta(milliseconds=100),
        **FAST,
    )
    real_server_down = worker.server_down

    def server_down(reason):
        real_server_down(reason)
        delays.append(SendWorker.objects.get().smtp_retry_seconds)
        if len(delays) == 6:
            mail_server.start()

    worker.server_down = server_down
    worker.run()

    assert delays == [0.02, 0.04, 0.08, 0.1, 0.1, 0.1]
    assert_each_got_one(mail_server, 3)


def test_a_server_that_goes_away_mid_batch_costs_no_attempt(issue, mail_server):
    make_confirmed_subscribers(30)
    send = start_send(issue)
    mail_server.start()
    seen = {}

    def stop_after_ten(delivery, sent=[]):  # noqa: B006
        sent.append(delivery)
        if len(sent) == 10:
            mail_server.stop()

    def notify(text):
        if "not answering" in text:
            seen["statuses"] = statuses(send)
            seen["attempts"] = set(
                send.deliveries.filter(status=DeliveryStatus.PENDING).values_list(
                    "attempts", flat=True
                )
            )
            mail_server.start()

    Worker(batch_size=50, on_progress=stop_after_ten, notify=notify, **OUTAGE).run()

    assert seen == {"statuses": {"sent": 10, "pending": 20}, "attempts": {0}}
    assert_each_got_one(mail_server, 30)
    assert statuses(send) == {"sent": 30}


def test_a_server_that_turns_everyone_away_is_an_outage_not_a_refusal(issue, settings):
    server = SMTPServer(TurningAway())
    server.configure(settings)
    server.start()
    try:
        make_confirmed_subscribers(5)
        send = start_send(issue)
        tries = []

        def notify(text):
            tries.append(statuses(send))
            server.handler.busy = False

        Worker(notify=notify, max_attempts=1, **OUTAGE).run()
    finally:
        server.stop()

    # With one attempt allowed, a refusal would have failed them all.
    assert tries[0] == {"pending": 5}
    assert statuses(send) == {"sent": 5}
    assert_each_got_one(server, 5)


def test_send_deliveries_reports_the_outage_and_can_give_up(issue, mail_server):
    make_confirmed_subscribers(3)
    send = start_send(issue)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"has not answered since .*: the worker stops"):
        call_command(
            "send_deliveries",
            "--outage-retry",
            "0.05",
            "--give-up-after",
            "0.3",
            "--poll-interval",
            "0.02",
            stdout=out,
            stderr=err,
        )
    assert "The mail server is not answering since" in err.getvalue()
    assert statuses(send) == {"pending": 3}
    assert set(send.deliveries.values_list("attempts", flat=True)) == {0}
    assert not SendWorker.objects.exists()
    assert "Processed 0 deliveries." in out.getvalue()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--batch-size", "0", "--batch-size must be at least 1."),
        ("--outage-retry", "0", "--outage-retry must be more than 0 seconds."),
        ("--give-up-after", "-1", "--give-up-after must be 0 seconds or more."),
    ],
)
def test_send_deliveries_refuses_unusable_options(option, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_deliveries", option, value, stdout=StringIO(), stderr=StringIO())


def test_the_sends_list_says_when_no_worker_runs(issue, publisher_client):
    make_confirmed_subscribers(2)
    start_send(issue)
    page = publisher_client.get(reverse("admin:newsletters_issuesend_changelist"))
    assert "No send worker is running" in page.content.decode()
