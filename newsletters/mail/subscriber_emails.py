"""The sign-up emails: "confirm your address" and "you are already subscribed".

Each goes out as plain text with an HTML alternative, in the subscriber's
language, with their personal unsubscribe link in the body and the headers.
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

from newsletters.models import Subscriber

from . import links

logger = logging.getLogger(__name__)


def personal_message(subscriber, subject, template_name, context=None):
    """An email to one subscriber from `template_name`.txt and .html, with
    the unsubscribe link in the context and in the List-Unsubscribe headers."""
    unsubscribe_url = links.unsubscribe_url(subscriber)
    context = {
        "subscriber": subscriber,
        "unsubscribe_url": unsubscribe_url,
        "site_url": settings.SITE_URL,
        **(context or {}),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template_name}.txt", context, using="jinja2"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=links.list_unsubscribe_headers(subscriber, unsubscribe_url),
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
