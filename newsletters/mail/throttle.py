"""Sending no faster than the mail relay allows: at most
NEWSLETTER_SEND_RATE messages a minute, and at most NEWSLETTER_SEND_PER_DOMAIN
messages on their way to one domain at once, across every send worker.

Both limits are kept in the cache every process shares (the database table
by default, or Redis), so several workers together keep them:

- The rate: time is cut into slots of 60/rate seconds, and each message
  takes the next free slot (an atomic `cache.add` of its number) and waits
  for it to begin. 120 a minute is one message each half second.
- The domain: each domain has NEWSLETTER_SEND_PER_DOMAIN numbered places; a
  message takes a free one for as long as it is being handed over, and
  waits for one otherwise. A place a killed worker held is freed after
  PLACE_LEASE seconds.

A limit of 0 is no limit. The clock and the sleep are the worker's, so tests
run a whole send on a clock that only pretends to wait.
"""

import hashlib
import math
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

PREFIX = "newsletters:send-throttle"
# Longer than one message can take to hand over (a few EMAIL_TIMEOUTs).
PLACE_LEASE = 300
PLACE_POLL = 0.05


class Throttle:
    def __init__(self, per_minute=None, per_domain=None, *, now=time.time, sleep=time.sleep):
        self.per_minute = settings.NEWSLETTER_SEND_RATE if per_minute is None else per_minute
        self.per_domain = settings.NEWSLETTER_SEND_PER_DOMAIN if per_domain is None else per_domain
        self.now = now
        self.sleep = sleep

    @property
    def interval(self):
        return 60 / self.per_minute if self.per_minute else 0

    def wait_for_slot(self):
        """Wait until this process may hand over its next message."""
        if not self.per_minute:
            return
        slot = math.ceil(self.now() / self.interval)
        while not cache.add(f"{PREFIX}:slot:{slot}", 1, timeout=max(60, 2 * self.interval)):
            slot += 1
        delay = slot * self.interval - self.now()
        if delay > 0:
            self.sleep(delay)

    @contextmanager
    def place_for(self, address):
        """Hold one of the domain's places while the message to `address` is
        handed over, waiting for one if all are taken."""
        if not self.per_domain:
            yield
            return
        domain = address.rpartition("@")[2].lower()
        digest = hashlib.sha256(domain.encode()).hexdigest()[:16]
        keys = [f"{PREFIX}:domain:{digest}:{n}" for n in range(self.per_domain)]
        while (taken := self._take_one(keys)) is None:
            self.sleep(PLACE_POLL)
        try:
            yield
        finally:
            cache.delete(taken)

    @staticmethod
    def _take_one(keys):
        return next((key for key in keys if cache.add(key, 1, PLACE_LEASE)), None)

    def seconds_for(self, messages):
        """How long `messages` take at the rate at least (0 without a limit)."""
        return messages * self.interval
