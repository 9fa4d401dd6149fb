"""Fixtures for the newsletter tests."""

import pytest
from django.core.mail import get_connection

from newsletters.mail.outbox import send_queued
from tests import factories
from tests.smtp import smtp_server  # noqa: F401  (a fixture for this folder's tests)


@pytest.fixture
def make_subscriber(db):
    """Makes a pending subscriber who agreed to a privacy statement;
    keyword arguments override the defaults (tests.factories.make_subscriber)."""
    return factories.make_subscriber


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
