"""Fixtures for the newsletter tests."""

import itertools

import pytest
from django.core.mail import get_connection
from django.utils import timezone

from newsletters.mail.outbox import send_queued
from newsletters.models import Subscriber, SubscriberStatus
from tests.smtp import smtp_server  # noqa: F401  (a fixture for this folder's tests)

_counter = itertools.count(1)


def _make_subscriber(**kwargs):
    n = next(_counter)
    defaults = {
        "email": f"reader{n}@example.org",
        "name": f"Reader {n}",
        "consent_given_at": timezone.now(),
        "privacy_statement_version": "test",
    }
    defaults.update(kwargs)
    if defaults.get("status") == SubscriberStatus.CONFIRMED:
        defaults.setdefault("confirmed_at", timezone.now())
    return Subscriber.objects.create(**defaults)


@pytest.fixture
def make_subscriber(db):
    """Makes a pending subscriber who agreed to a privacy statement;
    keyword arguments override the defaults."""
    return _make_subscriber


@pytest.fixture
def no_min_fill_time(settings):
    settings.NEWSLETTER_SIGNUP_MIN_SECONDS = 0


@pytest.fixture
def send_queued_emails(db):
    """Sends the queued account emails into `mail.outbox`, as the worker
    would; returns how many were sent. The pages only queue them."""

    def send():
        return send_queued(lambda: get_connection("django.core.mail.backends.locmem.EmailBackend"))

    return send
