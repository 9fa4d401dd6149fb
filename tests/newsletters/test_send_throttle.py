"""The send throttle (newsletters/mail/throttle.py): a rate the relay sets,
kept across workers, and a limit of messages on their way to one domain.
The rate is tested on a clock that only pretends to wait."""

import threading
from datetime import timedelta
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.mail.outages import local_time
from newsletters.mail.send_queue import start_send
from newsletters.mail.throttle import Throttle
from newsletters.mail.worker import Worker
from newsletters.models import DeliveryStatus
from tests.factories import make_confirmed_subscribers, make_issue, make_section
from tests.newsletters.helpers import FAST, statuses
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db


class FakeClock:
    """Wall-clock seconds that move only when someone sleeps."""

    def __init__(self, start=1_800_000_000.0):
        self.time = start
        self.lock = threading.Lock()

    def now(self):
        with self.lock:
            return self.time

    def sleep(self, seconds):
        with self.lock:
            self.time += seconds


class StampingServer(SMTPServer):
    """aiosmtpd noting the fake time at which each message is handed over."""

    def __init__(self, clock):
        super().__init__()
        self.stamps = []
        handle_data = self.handler.handle_DATA

        async def stamp_and_accept(server, session, envelope):
            self.stamps.append(clock.now())
            return await handle_data(server, session, envelope)

        self.handler.handle_DATA = stamp_and_accept


def test_at_120_a_minute_a_60_message_send_takes_at_least_29_seconds(settings):
    clock = FakeClock()
    make_confirmed_subscribers(60)
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade")
    send = start_send(issue)

    with StampingServer(clock) as sink:
        sink.configure(settings)
        throttle = Throttle(per_minute=120, now=clock.now, sleep=clock.sleep)
        started = clock.now()
        Worker(throttle=throttle, **FAST).run()

    assert statuses(send) == {DeliveryStatus.SENT: 60}
    assert clock.now() - started >= 29
    gaps = [later - earlier for earlier, later in pairwise(sink.stamps)]
    assert len(gaps) == 59
    assert min(gaps) >= 0.5 - 1e-6


def test_two_workers_share_the_rate():
    clock = FakeClock()
    first, second = (Throttle(per_minute=60, now=clock.now, sleep=clock.sleep) for _ in range(2))
    started = clock.now()

    for _ in range(5):
        first.wait_for_slot()
        second.wait_for_slot()

    # Ten messages at one a second: the last waits at least nine seconds.
    assert clock.now() - started >= 9


def test_without_a_limit_nobody_waits():
    clock = FakeClock()
    throttle = Throttle(per_minute=0, per_domain=0, now=clock.now, sleep=clock.sleep)

    for _ in range(100):
        throttle.wait_for_slot()
        with throttle.place_for("reader@example.org"):
            pass

    assert clock.now() == FakeClock().now()
    assert throttle.seconds_for(1000) == 0


def test_one_place_per_domain_makes_the_second_message_to_it_wait():
    events = []
    holding = threading.Event()
    first, second = (Throttle(per_minute=0, per_domain=1) for _ in range(2))

    def hold_a_place():
        with first.place_for("a@busy.example"):
            events.append("first in")
            holding.set()
            # The other worker tries meanwhile (its wait polls every 50 ms).
            threading.Event().wait(0.3)
            events.append("first out")

    worker = threading.Thread(target=hold_a_place)
    worker.start()
    holding.wait(5)
    with second.place_for("b@elsewhere.example"):
        events.append("other domain in")
    with second.place_for("B@Busy.example"):
        events.append("second in")
    worker.join(5)

    assert events == ["first in", "other domain in", "first out", "second in"]


def test_the_sends_page_shows_when_a_throttled_send_should_end(publisher_client, settings):
    settings.NEWSLETTER_SEND_RATE = 10
    make_confirmed_subscribers(100)
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade")
    send = start_send(issue)
    before = timezone.now()

    page = publisher_client.get(reverse("admin:newsletters_issuesend_change", args=[send.pk]))

    # 100 messages at 10 a minute: ten minutes from now at the soonest.
    after = timezone.now()
    candidates = {local_time(moment + timedelta(minutes=10)) for moment in (before, after)}
    content = page.content.decode()
    assert "expected end" in content.lower()
    assert any(candidate in content for candidate in candidates), candidates
