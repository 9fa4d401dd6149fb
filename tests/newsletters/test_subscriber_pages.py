"""Sign-up with double opt-in, confirmation and unsubscription, seen from the
public site and the subscriber's mailbox."""

import re
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import mail, signing
from django.core.mail import get_connection
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from network.models import MemberEconomy
from newsletters.forms import STARTED_SALT
from newsletters.mail import links
from newsletters.mail.outbox import send_queued
from newsletters.models import (
    AccountEmail,
    AccountEmailStatus,
    ConsentSource,
    ConsentWording,
    Subscriber,
    SubscriberStatus,
)
from tests.newsletters.helpers import signup_form_data, started
from tests.smtp import body_text

SUBSCRIBE_URL = "/en/subscribe/"
THANKS_URL = "/en/subscribe/thanks/"


def urls_in(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


def site_path(url):
    assert url.startswith(django_settings.SITE_URL + "/"), url
    return url.removeprefix(django_settings.SITE_URL)


def link_from(message, fragment):
    [url] = {url for url in urls_in(body_text(message)) if fragment in url}
    return url


def old_token(token, salt, days):
    """`token`, signed again as if made `days` days ago."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - days * 86400))

    payload = signing.loads(token, salt=salt)
    return PastSigner(salt=salt).sign_object(payload)


@pytest.fixture(autouse=True)
def _roomy_rate_limits(settings):
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {"ip": (1000, 3600), "ip_email": (1000, 3600)}


# The whole flow, through a real SMTP server


@pytest.mark.django_db
def test_sign_up_confirm_and_unsubscribe_through_a_real_mail_server(client, smtp_server):
    # In English: the pages the links lead to speak the subscriber's language
    # (tests/newsletters/test_subscriber_preferences.py follows a Spanish one).
    response = client.post(
        SUBSCRIBE_URL, signup_form_data(email="  Ana.Lima@Example.ORG ", language="en")
    )

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    # The request only queued the sign-up: the worker records it and mails.
    assert smtp_server.messages == []
    assert not Subscriber.objects.exists()
    assert send_queued(get_connection) == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "Ana.Lima@example.org"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Ana.Lima@example.org"
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.language == "en"
    assert subscriber.consent_given_at is not None
    assert subscriber.consent_wording == ConsentWording.objects.get(
        version="2026-11", language="en"
    )
    assert subscriber.privacy_statement_version == "2026-11"
    assert subscriber.consent_source == ConsentSource.FORM
    assert subscriber.confirmation_sent_at is not None

    confirm_url = link_from(message, "/subscribe/confirm/")
    unsubscribe_url = link_from(message, "/unsubscribe/")
    html = body_text(message, "html")
    assert confirm_url in html
    assert unsubscribe_url in html
    # The header's address is the one-click one, without a language prefix
    # (mail clients POST to it and follow no redirect), for the same token.
    one_click = message["List-Unsubscribe"].strip().split(">")[0].removeprefix("<")
    token = unsubscribe_url.rstrip("/").rsplit("/", 1)[1]
    assert urlsplit(one_click).path == f"/unsubscribe/{token}/"
    assert "<mailto:" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Opening the link (as a mail scanner would) shows a button, nothing more.
    response = client.get(site_path(confirm_url))
    assert response.status_code == 200
    assert b"Confirm my subscription" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING

    response = client.post(site_path(confirm_url))
    assert response.status_code == 200
    assert b"Your subscription is confirmed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    confirmed_at = subscriber.confirmed_at
    assert confirmed_at is not None

    # Confirming twice is harmless, and the link now says it is done.
    response = client.post(site_path(confirm_url))
    assert response.status_code == 200
    assert b"Your subscription is confirmed" in client.get(site_path(confirm_url)).content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.confirmed_at == confirmed_at

    response = client.get(site_path(unsubscribe_url))
    assert response.status_code == 200
    assert b'<button type="submit">Unsubscribe</button>' in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED

    response = client.post(site_path(unsubscribe_url))
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_mail_server_failure_still_shows_the_same_page(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # Nothing listens on the discard port.
    settings.EMAIL_TIMEOUT = 2

    response = client.post(SUBSCRIBE_URL, signup_form_data())

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL

    # The worker records the sign-up, finds the server down and keeps the
    # email for a later try.
    assert send_queued(get_connection) == 0
    queued = AccountEmail.objects.get()
    assert queued.status == AccountEmailStatus.QUEUED
    assert queued.attempts == 1
    assert queued.next_attempt_at is not None
    assert "ConnectionRefusedError" in queued.last_error
    assert queued.sign_up == {}
    assert Subscriber.objects.get().confirmation_sent_at is None
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    # The next attempt mails the subscriber recorded, without a second sign-up.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    AccountEmail.objects.update(next_attempt_at=None)
    assert send_queued(get_connection) == 1
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().confirmation_sent_at is not None


# Confirmation links


@pytest.mark.django_db
def test_confirmation_link_works_for_seven_days_then_expires(client, make_subscriber):
    subscriber = make_subscriber()
    token = links.make_confirmation_token(subscriber)

    response = client.post(f"/en/subscribe/confirm/{old_token(token, links.CONFIRMATION_SALT, 8)}/")
    assert response.status_code == 410
    assert b"This confirmation link has expired" in response.content
    assert b'action="/en/subscribe/new-link/"' in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING

    response = client.post(f"/en/subscribe/confirm/{old_token(token, links.CONFIRMATION_SALT, 6)}/")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["changed-signature", "changed-payload", "garbage"],
)
def test_tampered_confirmation_link_is_refused(client, make_subscriber, mangle):
    subscriber = make_subscriber()
    token = mangle(links.make_confirmation_token(subscriber))

    response = client.post(f"/en/subscribe/confirm/{token}/")

    assert response.status_code == 400
    assert b"This confirmation link does not work" in response.content
    assert b'action="/en/subscribe/new-link/"' in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_unsubscribe_token_does_not_confirm(client, make_subscriber):
    subscriber = make_subscriber()

    response = client.post(f"/en/subscribe/confirm/{links.make_unsubscribe_token(subscriber)}/")

    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_opening_the_confirmation_link_does_not_confirm(client, make_subscriber):
    subscriber = make_subscriber()

    response = client.get(f"/en/subscribe/confirm/{links.make_confirmation_token(subscriber)}/")

    assert response.status_code == 200
    assert b'method="post"' in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_confirming_needs_the_pages_csrf_token(make_subscriber):
    from django.test import Client

    subscriber = make_subscriber()
    response = Client(enforce_csrf_checks=True).post(
        f"/en/subscribe/confirm/{links.make_confirmation_token(subscriber)}/"
    )

    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_link_checkers_head_request_does_not_confirm(client, make_subscriber):
    subscriber = make_subscriber()

    response = client.head(f"/en/subscribe/confirm/{links.make_confirmation_token(subscriber)}/")

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_old_confirmation_link_does_not_undo_an_unsubscription(client, make_subscriber):
    subscriber = make_subscriber(status=SubscriberStatus.UNSUBSCRIBED)

    response = client.post(f"/en/subscribe/confirm/{links.make_confirmation_token(subscriber)}/")

    assert response.status_code == 410
    assert b"You have unsubscribed" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.django_db
def test_link_stops_working_when_the_address_changes(client, make_subscriber):
    subscriber = make_subscriber(email="old@example.org")
    token = links.make_confirmation_token(subscriber)
    subscriber.email = "new@example.org"
    subscriber.save()

    response = client.post(f"/en/subscribe/confirm/{token}/")

    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


@pytest.mark.django_db
def test_new_link_form_sends_a_fresh_link_to_pending_addresses_only(
    client, make_subscriber, send_queued_emails
):
    pending = make_subscriber(email="pending@example.org")
    make_subscriber(email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)

    responses = [
        client.post("/en/subscribe/new-link/", {"email": email})
        for email in ("PENDING@example.org", "gone@example.org", "unknown@example.org")
    ]

    assert {(r.status_code, r["Location"]) for r in responses} == {(302, THANKS_URL)}
    assert AccountEmail.objects.count() == 3
    send_queued_emails()
    [message] = mail.outbox
    assert message.to == [pending.email]
    assert "/subscribe/confirm/" in message.body


# Unsubscribing


@pytest.mark.django_db
def test_unsubscribe_page_changes_nothing_on_get_or_head(client, make_subscriber):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)
    url = f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"

    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


@pytest.mark.django_db
def test_one_click_unsubscribe_from_a_mail_client(make_subscriber):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED

    # Again: harmless.
    response = mail_client.post(
        f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_unsubscribe_token_gives_a_clear_400(client, make_subscriber, method):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)
    token = links.make_unsubscribe_token(subscriber)
    for bad in (token[:-2], links.make_confirmation_token(subscriber), "nonsense"):
        response = getattr(client, method)(f"/en/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert b"This unsubscribe link does not work" in response.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


@pytest.mark.django_db
def test_unsubscribe_link_never_expires(client, make_subscriber):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)
    token = old_token(links.make_unsubscribe_token(subscriber), links.UNSUBSCRIBE_SALT, 3650)

    response = client.post(f"/en/unsubscribe/{token}/")

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.django_db
def test_unsubscribe_link_of_an_erased_subscriber_answers_calmly(client, make_subscriber):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)
    url = f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"
    subscriber.delete()

    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200


@pytest.mark.django_db
def test_unsubscribed_person_can_sign_up_again_with_double_opt_in(
    client, make_subscriber, send_queued_emails
):
    subscriber = make_subscriber(
        email="back@example.org",
        status=SubscriberStatus.UNSUBSCRIBED,
        privacy_statement_version="old",
    )
    old_consent = subscriber.consent_given_at

    response = client.post(SUBSCRIBE_URL, signup_form_data(email="back@example.org"))

    assert response["Location"] == THANKS_URL
    send_queued_emails()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_given_at > old_consent
    assert subscriber.consent_given_at == AccountEmail.objects.get().created_at
    assert subscriber.privacy_statement_version == "2026-11"
    [message] = mail.outbox
    client.post(site_path(link_from_body(message.body, "/subscribe/confirm/")))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def link_from_body(text, fragment):
    [url] = {url for url in urls_in(text) if fragment in url}
    return url


# No enumeration


@pytest.mark.django_db
def test_sign_up_answers_identically_for_new_pending_and_confirmed_addresses(
    client, make_subscriber, send_queued_emails
):
    make_subscriber(email="pending@example.org", name="Pending Person")
    confirmed = make_subscriber(
        email="confirmed@example.org", name="Confirmed Person", status=SubscriberStatus.CONFIRMED
    )

    answers = []
    for email in ("new@example.org", "pending@example.org", "confirmed@example.org"):
        response = client.post(SUBSCRIBE_URL, signup_form_data(email=email, name="Someone Else"))
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], response.content))
        answers.append((page.status_code, page.content))

    assert answers[0::2] == [answers[0]] * 3
    assert answers[1::2] == [answers[1]] * 3
    assert b"Check your inbox" in answers[1][1]

    # Everyone got an email; only the confirmed one was told so, and kept their data.
    assert send_queued_emails() == 3
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"new@example.org", "pending@example.org", "confirmed@example.org"}
    assert "/subscribe/confirm/" in by_address["new@example.org"].body
    assert "/subscribe/confirm/" in by_address["pending@example.org"].body
    assert "already subscribed" in by_address["confirmed@example.org"].body
    assert "/subscribe/confirm/" not in by_address["confirmed@example.org"].body
    assert "/unsubscribe/" in by_address["confirmed@example.org"].body
    assert Subscriber.objects.count() == 3
    confirmed.refresh_from_db()
    assert confirmed.name == "Confirmed Person"
    assert confirmed.status == SubscriberStatus.CONFIRMED


# Robots and abuse


@pytest.mark.django_db
def test_robots_filling_the_honeypot_see_the_thanks_page_and_nothing_happens(
    client, send_queued_emails
):
    response = client.post(SUBSCRIBE_URL, signup_form_data(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert not Subscriber.objects.exists()
    assert not AccountEmail.objects.exists()
    send_queued_emails()
    assert mail.outbox == []


class FormFields(HTMLParser):
    """What a browser would send back from the sign-up form in a page."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") != "csrfmiddlewaretoken":
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value") or "on"
            else:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
            self.fields[self._select] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fields_in(response):
    parser = FormFields()
    parser.feed(response.content.decode())
    return parser.fields


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("started_token", "message"),
    [
        (lambda: started(seconds_ago=1), "Please check your details and press Subscribe again."),
        (
            lambda: old_token(started(seconds_ago=60), STARTED_SALT, days=2),
            "This form was open for a long time.",
        ),
        (lambda: "forged", "We could not read this form completely."),
        (lambda: None, "We could not read this form completely."),
    ],
    ids=["too-fast", "expired-start", "forged-start", "no-start"],
)
def test_a_form_sent_too_fast_or_with_an_unusable_start_comes_back_to_send_again(
    client, send_queued_emails, started_token, message
):
    data = signup_form_data(
        email="autofill@example.org", name="Quick Reader", started=started_token()
    )

    response = client.post(SUBSCRIBE_URL, data)

    # Nothing is recorded yet, and the visitor is told what to do.
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert not AccountEmail.objects.exists()
    content = response.content.decode()
    assert message in content
    assert "Please check your details and press Subscribe again." in content
    assert 'role="alert"' in content
    assert content.count("<h1") == 1
    # The form comes back filled in, with a start time of its own.
    returned = fields_in(response)
    assert returned["email"] == "autofill@example.org"
    assert returned["name"] == "Quick Reader"
    assert returned["language"] == "en"
    assert returned["consent"] == "on"
    assert returned["started"] not in ("", data.get("started"))

    # Pressing Subscribe again, at once, completes the sign-up.
    response = client.post(SUBSCRIBE_URL, returned)

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert AccountEmail.objects.get().status == AccountEmailStatus.QUEUED
    assert send_queued_emails() == 1
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.name) == ("autofill@example.org", "Quick Reader")
    assert subscriber.status == SubscriberStatus.PENDING
    [confirmation] = mail.outbox
    assert confirmation.to == ["autofill@example.org"]
    assert "/subscribe/confirm/" in confirmation.body


@pytest.mark.django_db
def test_a_returned_form_still_carries_a_signed_start_time(client):
    response = client.post(SUBSCRIBE_URL, signup_form_data(started=started(seconds_ago=0)))
    returned = fields_in(response)

    # A start time changed by hand is caught again, not trusted.
    returned["started"] = returned["started"][:-2] + "xx"
    response = client.post(SUBSCRIBE_URL, returned)

    assert response.status_code == 200
    assert "We could not read this form completely." in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_a_too_fast_form_with_mistakes_shows_the_mistakes(client):
    response = client.post(
        SUBSCRIBE_URL, signup_form_data(started=started(seconds_ago=0), consent=None)
    )

    assert response.status_code == 200
    assert b"Please correct the problems below." in response.content
    assert b"Please tick the box" in response.content
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_sign_ups_are_limited_per_client_address(client, settings, send_queued_emails):
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {"ip": (3, 600), "ip_email": (100, 600)}
    for n in range(3):
        response = client.post(SUBSCRIBE_URL, signup_form_data(email=f"p{n}@example.org"))
        assert response.status_code == 302

    response = client.post(SUBSCRIBE_URL, signup_form_data(email="p4@example.org"))

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assert b"Too many attempts" in response.content
    send_queued_emails()
    assert len(mail.outbox) == 3
    # Another client address is not affected.
    response = client.post(
        SUBSCRIBE_URL, signup_form_data(email="p5@example.org"), REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_client_can_neither_mail_bomb_an_address_nor_lock_its_owner_out(
    client, settings, send_queued_emails
):
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {"ip": (100, 600), "ip_email": (5, 600)}
    attacker = {"REMOTE_ADDR": "192.0.2.66"}
    variants = [
        "victim@example.org",
        "Victim@Example.org",
        "VICTIM@EXAMPLE.ORG",
        " victim@example.ORG ",
        "vIctim@example.org",
    ]
    for email in variants:
        response = client.post(
            SUBSCRIBE_URL, signup_form_data(email=email, name="Not Me"), **attacker
        )
        assert response.status_code == 302

    # Case variants are one address: this client has had its five.
    for url, data in [
        (SUBSCRIBE_URL, signup_form_data(email="VicTim@example.org")),
        ("/en/subscribe/new-link/", {"email": "victim@EXAMPLE.org"}),
    ]:
        response = client.post(url, data, **attacker)
        assert response.status_code == 429

    # The owner, from elsewhere, is answered as anyone is.
    owner = {"REMOTE_ADDR": "198.51.100.20"}
    response = client.post(SUBSCRIBE_URL, signup_form_data(email="victim@example.org"), **owner)
    assert (response.status_code, response["Location"]) == (302, THANKS_URL)
    response = client.post("/en/subscribe/new-link/", {"email": "victim@example.org"}, **owner)
    assert (response.status_code, response["Location"]) == (302, THANKS_URL)

    # Seven requests were recorded; the victim received one email.
    assert AccountEmail.objects.count() == 7
    assert send_queued_emails() == 1
    [message] = mail.outbox
    assert message.to == ["victim@example.org"]
    assert AccountEmail.objects.filter(status=AccountEmailStatus.HELD).count() == 6
    assert not AccountEmail.objects.exclude(email="").exists()

    # That one email's link confirms the owner, with the details they gave.
    response = client.post(site_path(link_from(message_of(message), "/subscribe/confirm/")))
    assert b"Your subscription is confirmed" in response.content
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.name == "Ana Lima"


def message_of(outbox_message):
    """An email from mail.outbox, parsed as a mail server would receive it."""
    return message_from_bytes(outbox_message.message().as_bytes(), policy=policy.default)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address"),
        ({"email": "ana@example.org\nBcc: all@example.org"}, "email", "single line"),
        ({"email": "ana@example.org\r\n"}, None, None),
        ({"email": "ana@example.org, bob@example.org"}, "email", "one email address only"),
        ({"email": "ana@example.org bob@example.org"}, "email", "one email address only"),
        ({"email": "Ana <ana@example.org>"}, "email", "one email address only"),
        ({"email": "ana@b@example.org"}, "email", "one email address only"),
        ({"email": '"a,b"@example.org'}, "email", "one email address only"),
        ({"email": "josé@example.org"}, "email", "cannot deliver to addresses"),
        ({"email": "ana@exämple.org"}, "email", "cannot deliver to addresses"),
        ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
        ({"name": "x" * 151}, "name", "at most 150 characters"),
        ({"organization": "x" * 201}, "organization", "at most 200 characters"),
        ({"name": "Ana\nBcc: x@example.org"}, "name", "without control characters"),
        ({"consent": None}, "consent", "tick the box"),
        ({"language": "de"}, "language", "Select a valid choice"),
        ({"economy": "999999"}, "economy", "Select a valid choice"),
        ({"economy": "other"}, "economy_other", "Name your economy"),
    ],
)
def test_bad_input_is_explained_and_sends_nothing(
    client, send_queued_emails, overrides, field, message
):
    response = client.post(SUBSCRIBE_URL, signup_form_data(**overrides))

    if field is None:
        # Surrounding whitespace, a trailing line break included, is trimmed.
        assert response.status_code == 302
        send_queued_emails()
        assert Subscriber.objects.get().email == "ana@example.org"
        return
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message.lower() in " ".join(form.errors[field]).lower()
    assert b"Please correct the problems below." in response.content
    assert not Subscriber.objects.exists()
    assert not AccountEmail.objects.exists()
    send_queued_emails()
    assert mail.outbox == []


@pytest.mark.django_db
def test_economy_is_chosen_from_the_members_or_named(client, send_queued_emails):
    economy = MemberEconomy.objects.create(name="Chile", sort_name="Chile")
    gone = MemberEconomy.objects.create(name="Ruritania", sort_name="Ruritania")

    client.post(SUBSCRIBE_URL, signup_form_data(email="a@example.org", economy=str(economy.pk)))
    client.post(
        SUBSCRIBE_URL,
        signup_form_data(email="b@example.org", economy="other", economy_other="Atlantis"),
    )
    client.post(SUBSCRIBE_URL, signup_form_data(email="c@example.org", economy=str(gone.pk)))
    # An economy deleted while the sign-up waited for the worker leaves it unset.
    gone.delete()
    send_queued_emails()

    a, b, c = Subscriber.objects.order_by("email")
    assert (a.economy, a.economy_other) == (economy, "")
    assert (b.economy, b.economy_other) == (None, "Atlantis")
    assert (c.economy, c.economy_other) == (None, "")


@pytest.mark.django_db
def test_the_form_offers_todays_members_only(client):
    MemberEconomy.objects.create(name="Chile", sort_name="Chile")
    MemberEconomy.objects.create(
        name="Ruritania", sort_name="Ruritania", joined_on="2019-01-01", left_on="2023-03-15"
    )

    offered = [
        label
        for _value, label in client.get(SUBSCRIBE_URL).context["form"].fields["economy"].choices
    ]

    assert "Chile" in offered
    assert "Ruritania" not in offered


@pytest.mark.django_db
def test_forged_csrf_is_refused_without_email(send_queued_emails):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(SUBSCRIBE_URL, signup_form_data())
    new_link = browser.post("/en/subscribe/new-link/", {"email": "ana@example.org"})

    assert response.status_code == 403
    assert new_link.status_code == 403
    assert not Subscriber.objects.exists()
    assert not AccountEmail.objects.exists()
    send_queued_emails()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sign_up_page_renders_with_the_form_and_privacy_statement(client):
    response = client.get(SUBSCRIBE_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "Privacy statement" in content
    assert "Version 2026-11" in content
    assert "only to send you the newsletter in your chosen language" in content
    assert 'class="hp-field"' in content
    assert "css/forms.css" in content
    assert "style=" not in content
    assert "<script" not in content


FIELDS = ["email", "name", "organization", "economy", "economy_other", "language", "consent"]


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.fixed_dictionaries(
        {field: st.one_of(st.none(), st.text(max_size=300)) for field in FIELDS}
    )
)
def test_arbitrary_text_in_any_field_never_causes_a_server_error(client, settings, values):
    settings.NEWSLETTER_SIGNUP_MIN_SECONDS = 0
    # None keeps the valid value, so some examples get through to the database.
    data = signup_form_data(
        **{field: value for field, value in values.items() if value is not None}
    )

    response = client.post(SUBSCRIBE_URL, data)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == THANKS_URL


# Concurrency


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent writes")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_sign_ups_for_one_address_make_one_subscriber(send_queued_emails):
    attempts = 8
    barrier = threading.Barrier(attempts)
    results, errors = [], []

    def sign_up(n):
        try:
            browser = Client(REMOTE_ADDR=f"192.0.2.{n}")
            barrier.wait(timeout=10)
            response = browser.post(SUBSCRIBE_URL, signup_form_data(email="Race@Example.org"))
            results.append(response.status_code)
        except Exception as error:  # Reported below, with the thread's error.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert results == [302] * attempts
    # Every request was recorded; the worker makes one subscriber of them,
    # and the address gets one email, not eight.
    assert AccountEmail.objects.count() == attempts
    assert not Subscriber.objects.exists()
    send_queued_emails()
    assert Subscriber.objects.filter(email__iexact="race@example.org").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sign_up_is_case_insensitive_about_the_address():
    Subscriber.objects.sign_up(email="Ana@Example.org", consent_version="v1")
    Subscriber.objects.sign_up(email="ana@EXAMPLE.ORG", consent_version="v1")

    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email == "Ana@example.org"


@pytest.mark.django_db
def test_confirmation_email_is_in_the_subscribers_language_with_a_7_day_notice(
    client, send_queued_emails
):
    client.post(SUBSCRIBE_URL, signup_form_data(language="es"))

    send_queued_emails()
    [message] = mail.outbox
    assert "7 days" in message.body or "7 días" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert timedelta(days=7) == links.CONFIRMATION_MAX_AGE


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(min_size=1, max_size=200))
def test_arbitrary_tokens_get_a_clear_answer_never_a_server_error(client, token):
    quoted = quote(token, safe="")

    confirm = client.get(f"/en/subscribe/confirm/{quoted}/")
    confirm_post = client.post(f"/en/subscribe/confirm/{quoted}/")
    unsubscribe = client.post(
        f"/en/unsubscribe/{quoted}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert confirm.status_code in (400, 404)
    assert confirm_post.status_code in (400, 404)
    assert unsubscribe.status_code in (400, 404)


@pytest.mark.django_db
def test_every_subscription_page_has_one_heading_and_no_inline_code(client, make_subscriber):
    subscriber = make_subscriber()
    expired = old_token(links.make_confirmation_token(subscriber), links.CONFIRMATION_SALT, days=30)
    pages = [
        client.get(SUBSCRIBE_URL),
        client.post(SUBSCRIBE_URL, signup_form_data(email="")),
        client.post(SUBSCRIBE_URL, signup_form_data(started=started(seconds_ago=0))),
        client.get(THANKS_URL),
        client.get("/en/subscribe/new-link/"),
        client.get(f"/en/subscribe/confirm/{expired}/"),
        client.get("/en/subscribe/confirm/nonsense/"),
        client.get(f"/en/subscribe/confirm/{links.make_confirmation_token(subscriber)}/"),
        client.get(f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"),
        client.post(f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"),
        client.get(f"/en/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"),
        client.get("/en/unsubscribe/nonsense/"),
    ]
    for response in pages:
        content = response.content.decode()
        assert content.count("<h1") == 1, response.request["PATH_INFO"]
        assert "style=" not in content
        assert "<script" not in content
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
