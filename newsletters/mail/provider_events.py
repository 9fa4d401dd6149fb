"""Bounces and complaints that an email provider reports, for a secretariat
that sends through one (Postmark, Mailgun, Amazon SES...) rather than its
own relay: django-anymail receives the provider's webhook, checks it as
the provider requires (HTTP basic auth with ANYMAIL_WEBHOOK_SECRET, and the
provider's signature where it signs), and sends its `tracking` signal,
which feeds the same suppression list as mail that comes back
(newsletters/mail/bounce_handling.py).

- "bounced" and "rejected" are hard bounces, "deferred" a soft one (and so
  is a bounce the provider itself calls soft);
- "complained" unsubscribes and suppresses; "unsubscribed" unsubscribes;
- anything else (delivered, opened...) is not recorded.

The provider names the recipient: as the webhook is authenticated, the
address it reports is trusted. The delivery is found from the metadata the
worker attaches to each message (`delivery`), when the provider returns it.
"""

import logging

from anymail.signals import EventType, tracking
from django.db import transaction

from newsletters.models import (
    Delivery,
    ReturnedMail,
    ReturnedMailKind,
    ReturnedMailSource,
    Subscriber,
)

from .bounce_handling import act_on

logger = logging.getLogger(__name__)

KINDS = {
    EventType.BOUNCED: ReturnedMailKind.HARD_BOUNCE,
    EventType.REJECTED: ReturnedMailKind.HARD_BOUNCE,
    EventType.DEFERRED: ReturnedMailKind.SOFT_BOUNCE,
    EventType.COMPLAINED: ReturnedMailKind.COMPLAINT,
}
# Bounces that anymail reports as "bounced" but the provider says are
# temporary (a full mailbox): soft ones here, as the provider means.
SOFT_BOUNCE_TYPES = {"postmark": {"SoftBounce", "Transient", "DnsError"}}


def connect():
    tracking.connect(record_provider_event, dispatch_uid="newsletters.provider_events")


def record_provider_event(sender, event, esp_name, **kwargs):
    if event.event_type == EventType.UNSUBSCRIBED and event.recipient:
        for subscriber in Subscriber.objects.with_email(event.recipient):
            subscriber.unsubscribe()
        return
    kind = KINDS.get(event.event_type)
    if kind is None or not event.recipient:
        return
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    if esp_event.get("Type") in SOFT_BOUNCE_TYPES.get(esp_name.lower(), ()):
        kind = ReturnedMailKind.SOFT_BOUNCE
    address = event.recipient
    delivery = delivery_of(event)
    evidence = " ".join(
        part
        for part in (esp_name, event.reject_reason, event.description, event.mta_response)
        if part
    )
    with transaction.atomic():
        ReturnedMail.objects.create(
            source=ReturnedMailSource.PROVIDER,
            kind=kind,
            email=address,
            status=(event.reject_reason or "")[:12],
            diagnostic=evidence,
            delivery=delivery,
        )
        act_on(kind, address, evidence, delivery)
    logger.info("%s reported %s for %s", esp_name, event.event_type, address)


def delivery_of(event):
    pk = str((event.metadata or {}).get("delivery", ""))
    if not pk.isdigit():
        return None
    return Delivery.objects.filter(pk=int(pk)).first()
