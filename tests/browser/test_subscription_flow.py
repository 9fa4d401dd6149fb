"""Subscribing, confirming and unsubscribing in a real browser, with the
emails going through a real SMTP server."""

import re

import pytest
from django.core.mail import get_connection
from django.utils import translation
from django.utils.translation import gettext

from newsletters.mail.outbox import send_queued
from newsletters.models import AccountEmail, Subscriber, SubscriberStatus
from tests.smtp import body_text, smtp_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def link_in(message, fragment):
    [url] = {url for url in re.findall(r"https?://\S+", body_text(message)) if fragment in url}
    return url


def test_subscribe_confirm_and_unsubscribe(page, server_url, smtp_server, settings):  # noqa: F811
    settings.NEWSLETTER_SIGNUP_MIN_SECONDS = 0
    settings.SITE_URL = server_url
    policy_violations = []
    page.on(
        "console",
        lambda message: (
            policy_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    page.goto(server_url + "/en/subscribe/")
    # The honeypot is in the form but out of sight.
    honeypot = page.locator("#id_website").bounding_box()
    assert honeypot is not None
    assert honeypot["x"] + honeypot["width"] < 0
    page.get_by_label("Email address").fill("browser.reader@example.org")
    page.get_by_label("Name", exact=True).fill("Browser Reader")
    page.get_by_label("Organization").fill("Trade Office")
    page.get_by_label("Preferred language").select_option("es")
    page.get_by_label("I agree to receive the newsletter").check()
    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_url("**/subscribe/thanks/")
    assert page.locator("h1").inner_text() == "Check your inbox"
    # The page only queued the email; the send worker mails it.
    assert send_queued(get_connection) == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "browser.reader@example.org"

    # The emailed links open the pages in the subscriber's language.
    page.goto(link_in(message, "/subscribe/confirm/"))
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    with translation.override("es"):
        page.get_by_role("button", name=gettext("Confirm my subscription")).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == gettext("Your subscription is confirmed")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.language == "es"

    page.goto(link_in(message, "/unsubscribe/"))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    with translation.override("es"):
        page.get_by_role("button", name=gettext("Unsubscribe")).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == gettext("You are unsubscribed")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert policy_violations == []


def test_missing_consent_is_explained_next_to_the_box(page, server_url, settings):
    settings.NEWSLETTER_SIGNUP_MIN_SECONDS = 0

    page.goto(server_url + "/en/subscribe/")
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text("Please tick the box to agree to the privacy statement.").is_visible()
    assert not Subscriber.objects.exists()


def test_a_form_filled_in_at_once_comes_back_to_be_sent_again(page, server_url, settings):
    # The browser fills the form at once, as autofill does; a long minimum
    # keeps it "too fast" on a slow machine too.
    settings.NEWSLETTER_SIGNUP_MIN_SECONDS = 60
    page.goto(server_url + "/en/subscribe/")
    page.get_by_label("Email address").fill("autofill@example.org")
    page.get_by_label("Name", exact=True).fill("Quick Reader")
    page.get_by_label("I agree to receive the newsletter").check()
    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == (
        "Please check your details and press Subscribe again."
    )
    assert page.get_by_label("Email address").input_value() == "autofill@example.org"
    assert page.get_by_label("Name", exact=True).input_value() == "Quick Reader"
    assert page.get_by_label("I agree to receive the newsletter").is_checked()
    assert not AccountEmail.objects.exists()

    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_url("**/subscribe/thanks/")
    assert AccountEmail.objects.get().sign_up["name"] == "Quick Reader"
    send_queued(get_connection)
    assert Subscriber.objects.get().email == "autofill@example.org"
