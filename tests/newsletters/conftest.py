"""Fixtures for the newsletter tests."""

import itertools

import pytest
from django.utils import timezone

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
