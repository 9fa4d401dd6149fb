"""The welcome email: queued when someone confirms, mailed by the worker in
their language with the latest issue, once, through a real SMTP server."""

import re

import pytest
from django.core.mail import get_connection
from django.utils import translation

from newsletters.mail import links
from newsletters.mail.outbox import send_queued
from newsletters.models import AccountEmail, AccountEmailKind, AccountEmailStatus, SubscriberStatus
from tests.factories import make_issue
from tests.newsletters.helpers import signup_form_data
from tests.smtp import body_text

pytestmark = pytest.mark.django_db


def confirm_path(subscriber):
    with translation.override(subscriber.language):
        return links.confirmation_url(subscriber).removeprefix(links.absolute_url(""))


def test_someone_who_confirms_gets_a_welcome_in_their_language_with_the_latest_issue(
    client, smtp_server
):
    make_issue(title="Spring 2022", title_fr="Printemps 2022", slug="spring-2022")
    latest = make_issue(title="Summer 2022", title_fr="Été 2022", slug="summer-2022")
    client.post("/fr/subscribe/", signup_form_data(email="lea@example.org", language="fr"))
    assert send_queued(get_connection) == 1
    [confirmation] = smtp_server.wait_for(1)
    confirm_url = re.search(r"https?://\S+/subscribe/confirm/\S+", body_text(confirmation))[0]
    path = confirm_url.removeprefix(links.absolute_url(""))

    client.post(path)
    client.post(path)  # Confirming twice welcomes once.

    assert AccountEmail.objects.filter(kind=AccountEmailKind.WELCOME).count() == 1
    # Sent at once, though the confirmation went out a moment ago.
    assert send_queued(get_connection) == 1
    welcome = smtp_server.wait_for(2)[1]
    assert welcome["To"] == "lea@example.org"
    assert (
        welcome["Subject"].strip()
        == "Bienvenue dans le bulletin d’information du Groupe MPME de l’OMC"
    )
    text = body_text(welcome)
    assert "Été 2022" in text
    assert links.absolute_url(f"/fr/issues/{latest.slug}/") in text
    assert "/fr/subscribe/preferences/" in text
    assert "/fr/unsubscribe/" in text
    html = body_text(welcome, "html")
    assert '<html lang="fr">' in html
    assert "List-Unsubscribe" in welcome
    assert AccountEmail.objects.get(kind=AccountEmailKind.WELCOME).status == (
        AccountEmailStatus.SENT
    )


def test_no_welcome_for_someone_who_left_before_it_went_out(client, make_subscriber, smtp_server):
    subscriber = make_subscriber(email="brief@example.org", status=SubscriberStatus.PENDING)
    client.post(confirm_path(subscriber))
    subscriber.refresh_from_db()
    subscriber.unsubscribe()

    assert send_queued(get_connection) == 0

    assert smtp_server.messages == []
    assert AccountEmail.objects.get().status == AccountEmailStatus.SKIPPED
