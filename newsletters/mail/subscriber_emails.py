"""The subscription emails: "confirm your address", "you are already
subscribed", and the welcome once confirmed.

Each goes out as plain text with an HTML alternative, in the subscriber's
language, with their personal unsubscribe and preferences links (made in that
language) in the body, and the one-click unsubscribe address in the headers.
The public pages queue them and the send worker mails them
(`newsletters/mail/outbox.py`); staff's "Resend the confirmation email"
sends at once with `send_confirmation`.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsletters.models import Issue, Subscriber

from . import links

logger = logging.getLogger(__name__)


def personal_message(subscriber, subject, template_name, context=None):
    """An email to one subscriber from `template_name`.txt and .html, with
    the unsubscribe and preferences links in the context, in the active
    language, and the List-Unsubscribe headers."""
    context = {
        "subscriber": subscriber,
        "unsubscribe_url": links.unsubscribe_url(subscriber),
        "preferences_url": links.preferences_url(subscriber),
        "site_url": settings.SITE_URL,
        **(context or {}),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template_name}.txt", context, using="jinja2"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=links.list_unsubscribe_headers(subscriber),
    )
    html = render_to_string(f"{template_name}.html", context, using="jinja2")
    message.attach_alternative(html, "text/html")
    return message


def confirmation_message(subscriber):
    with translation.override(subscriber.language):
        return personal_message(
            subscriber,
            gettext("Confirm your subscription to the WTO MSME Group newsletter"),
            "newsletters/email/subscribers/confirm",
            {
                "confirmation_url": links.confirmation_url(subscriber),
                "expiry_days": links.CONFIRMATION_MAX_AGE.days,
            },
        )


def already_subscribed_message(subscriber):
    with translation.override(subscriber.language):
        return personal_message(
            subscriber,
            gettext("You are already subscribed to the WTO MSME Group newsletter"),
            "newsletters/email/subscribers/already_subscribed",
        )


def welcome_message(subscriber):
    """Sent once the address is confirmed: the latest issue in the
    subscriber's language, and how to change preferences or leave."""
    latest = Issue.objects.published().order_by("-published_at", "-pk").first()
    with translation.override(subscriber.language):
        return personal_message(
            subscriber,
            gettext("Welcome to the WTO MSME Group newsletter"),
            "newsletters/email/subscribers/welcome",
            {
                "latest_issue": latest,
                "latest_issue_url": links.absolute_url(latest.get_absolute_url()) if latest else "",
            },
        )


def record_confirmation_sent(subscriber):
    # Only these columns: the person may be confirming at this very moment.
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=now, updated_at=now)
    subscriber.confirmation_sent_at = now


def send_confirmation(subscriber):
    confirmation_message(subscriber).send()
    record_confirmation_sent(subscriber)


def send_safely(send, subscriber):
    """Send, and log rather than raise when the mail server fails; says
    whether it was sent (staff are told how many failed)."""
    try:
        send(subscriber)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send a subscription email to subscriber %s", subscriber.pk)
        return False
    return True
