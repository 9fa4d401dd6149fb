"""What a failure does to the subscriber list: the one place where mail that
failed becomes a suppression (see newsletters/models/suppressions.py).

- A hard bounce (a 5xx refusal of the recipient during the send, or a
  bounce reporting a 5.x.x status) suppresses the address at once.
- A soft bounce (4xx, 4.x.x) is recorded; NEWSLETTER_SOFT_BOUNCE_LIMIT of
  them within its window, on as many deliveries, suppress the address. The
  worker still retries the delivery as before.
- A complaint unsubscribes the subscriber and suppresses the address.
- An auto-reply, or a report without a failure ("delayed"), is recorded and
  changes nothing.
- A message that cannot be attributed to a delivery is kept whole for
  review, never dropped.

A report is attributed by the return path it came back to (signed, so it
cannot be made up: newsletters/mail/return_paths.py), or else by the
Message-ID of the original it returns, but then only if the failed address
is the subscriber's own: a Message-ID can be guessed, an address and its
number together hardly.
"""

import logging
import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.models import Delivery, Subscriber
from newsletters.models.subscribers import normalize_email
from newsletters.models.suppressions import (
    ReturnedMail,
    ReturnedMailKind,
    ReturnedMailSource,
    Suppression,
    SuppressionReason,
)

from . import bounces, return_paths
from .smtp import PermanentFailure, classify

logger = logging.getLogger(__name__)

ISSUE_MESSAGE_ID = re.compile(r"<issue-(?P<issue>\d+)\.sub-(?P<subscriber>\d+)@")
SMTP_STATUS = re.compile(r"\b[245]\.\d{1,3}\.\d{1,3}\b")


# During the send


def suppression_reasons(addresses):
    """{lowercased address: why it must not be mailed} for those of
    `addresses` that are suppressed, in one query."""
    lowered = {normalize_email(address).lower() for address in addresses}
    suppressions = (
        Suppression.objects.active().annotate(lowered=Lower("email")).filter(lowered__in=lowered)
    )
    return {suppression.lowered: skip_reason(suppression) for suppression in suppressions}


def skip_suppressed(deliveries, mark_skipped, on_progress):
    """Record the deliveries to suppressed addresses as skipped, with the
    reason; returns the others, to be sent."""
    addresses = [delivery.subscriber.email for delivery in deliveries if delivery.subscriber]
    reasons = suppression_reasons(addresses)
    to_send = []
    for delivery in deliveries:
        reason = delivery.subscriber and reasons.get(delivery.subscriber.email.lower())
        if reason:
            mark_skipped(delivery, reason)
            on_progress(delivery)
        else:
            to_send.append(delivery)
    return to_send


def skip_reason(suppression):
    return _("The address is suppressed since %(date)s: %(reason)s.") % {
        "date": timezone.localtime(suppression.created_at).strftime("%Y-%m-%d"),
        "reason": suppression.get_reason_display(),
    }


def record_refusal(address, error, delivery=None):
    """Record the mail server's refusal of `address` during a send, from the
    smtplib `error`. Only a refusal of the recipient counts: a refused
    message (at DATA: its content, often), a refused sender or a lost
    connection say nothing about the address."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused):
        return
    failure = classify(error, address)
    hard = isinstance(failure, PermanentFailure)
    reply = str(failure)
    status = SMTP_STATUS.search(reply)
    kind = ReturnedMailKind.HARD_BOUNCE if hard else ReturnedMailKind.SOFT_BOUNCE
    with transaction.atomic():
        ReturnedMail.objects.create(
            source=ReturnedMailSource.SMTP,
            kind=kind,
            email=address,
            status=status.group(0) if status else reply[:3],
            diagnostic=reply,
            delivery=delivery,
        )
        act_on(kind, address, reply, delivery)


def act_on(kind, address, evidence, delivery=None):
    """What mail of `kind` (a ReturnedMailKind) that failed for `address`
    does to the list: the rules of this module's docstring, in one place."""
    if kind == ReturnedMailKind.HARD_BOUNCE:
        suppress(address, SuppressionReason.HARD_BOUNCE, evidence, delivery)
    elif kind == ReturnedMailKind.SOFT_BOUNCE:
        count_soft_bounce(address, delivery)
    elif kind == ReturnedMailKind.COMPLAINT:
        for subscriber in Subscriber.objects.with_email(address):
            subscriber.unsubscribe()
        suppress(address, SuppressionReason.COMPLAINT, evidence, delivery)


def suppress(address, reason, evidence, delivery=None):
    suppression = Suppression.objects.suppress(address, reason, evidence, delivery)
    logger.info("Suppressed %s: %s", address, reason)
    return suppression


def count_soft_bounce(address, delivery=None):
    """Suppress `address` once the limit of soft bounces within the window
    is reached (NEWSLETTER_SOFT_BOUNCE_LIMIT). The retries of one delivery
    count once: a server refusing for an hour is one bounce, not five."""
    limit, days = settings.NEWSLETTER_SOFT_BOUNCE_LIMIT
    recent = ReturnedMail.objects.filter(
        email__iexact=address,
        kind=ReturnedMailKind.SOFT_BOUNCE,
        received_at__gte=timezone.now() - timedelta(days=days),
    ).order_by("received_at")
    bounced = {}
    for row in recent:
        bounced.setdefault(row.delivery_id or f"row-{row.pk}", row)
    if len(bounced) >= limit:
        evidence = _("%(count)d soft bounces in %(days)d days:") % {
            "count": len(bounced),
            "days": days,
        }
        replies = [
            f"{row.received_at:%Y-%m-%d %H:%M}: {row.diagnostic}" for row in bounced.values()
        ]
        suppress(address, SuppressionReason.SOFT_BOUNCES, "\n".join([evidence, *replies]), delivery)


# Mail that comes back


def receive(raw, source):
    """Read one returned message (bytes), record it and act on it; returns
    the ReturnedMail rows written."""
    report = bounces.read(raw)
    delivery = attributed_delivery(report)
    with transaction.atomic():
        if report.kind == bounces.Kind.COMPLAINT and delivery is not None:
            return [record_complaint(report, delivery, source)]
        if report.kind == bounces.Kind.AUTO_REPLY:
            return [record(source, ReturnedMailKind.AUTO_REPLY, delivery, report.subject)]
        if report.kind == bounces.Kind.BOUNCE and delivery is not None:
            if not report.failed:
                return [record(source, ReturnedMailKind.NO_FAILURE, delivery, report.subject)]
            return [record_bounce(failed, delivery, source) for failed in report.failed]
        row = ReturnedMail.objects.create(
            source=source,
            kind=ReturnedMailKind.UNATTRIBUTED,
            email=report.failed[0].address if report.failed else "",
            diagnostic=_("Read as: %(kind)s. Subject: %(subject)s")
            % {"kind": report.kind, "subject": report.subject},
            message=raw.decode("utf-8", "replace"),
        )
        logger.warning("Kept returned mail %s for review: not attributed to a delivery", row.pk)
        return [row]


def record(source, kind, delivery, diagnostic):
    return ReturnedMail.objects.create(
        source=source,
        kind=kind,
        email=delivery_address(delivery),
        diagnostic=diagnostic,
        delivery=delivery,
    )


def record_bounce(failed, delivery, source):
    address = delivery_address(delivery) or failed.address
    hard = failed.severity == bounces.Severity.HARD
    kind = ReturnedMailKind.HARD_BOUNCE if hard else ReturnedMailKind.SOFT_BOUNCE
    row = ReturnedMail.objects.create(
        source=source,
        kind=kind,
        email=address,
        status=failed.status,
        diagnostic=failed.diagnostic,
        delivery=delivery,
    )
    evidence = " ".join(part for part in (failed.status, failed.diagnostic) if part)
    act_on(kind, address, evidence, delivery)
    return row


def record_complaint(report, delivery, source):
    address = delivery_address(delivery)
    row = ReturnedMail.objects.create(
        source=source,
        kind=ReturnedMailKind.COMPLAINT,
        email=address,
        diagnostic=_("Feedback type: %(type)s") % {"type": report.detail},
        delivery=delivery,
    )
    if address:
        evidence = _("Complaint (%(type)s) about the issue sent on %(date)s") % {
            "type": report.detail,
            "date": f"{delivery.sent_at:%Y-%m-%d}" if delivery.sent_at else "?",
        }
        act_on(ReturnedMailKind.COMPLAINT, address, evidence, delivery)
    return row


def delivery_address(delivery):
    return delivery.subscriber.email if delivery and delivery.subscriber else ""


def attributed_delivery(report):
    """The delivery `report` is about, or None."""
    for address in [*report.addressed_to, report.original_return_path]:
        pk = return_paths.delivery_pk_in(address)
        if pk is not None:
            return Delivery.objects.select_related("subscriber").filter(pk=pk).first()
    match = ISSUE_MESSAGE_ID.search(report.original_message_id)
    if match is None:
        return None
    delivery = (
        Delivery.objects.select_related("subscriber")
        .filter(issue_id=match["issue"], subscriber_id=match["subscriber"])
        .order_by("-pk")
        .first()
    )
    if delivery is None or delivery.subscriber is None:
        return None
    named = {failed.address.lower() for failed in report.failed}
    if report.kind == bounces.Kind.COMPLAINT:
        named = {address.lower() for address in report.complained_about}
    return delivery if delivery.subscriber.email.lower() in named else None


# Erasure


def forget_erased_subscriber(sender, instance, **kwargs):
    """Before a subscriber's row is erased: the mail servers' replies kept
    on their deliveries lose the address, and the mail that came back about
    them keeps its kind, status and date (for the counts) but nothing that
    names them. Their suppression stays, address included: it is what keeps
    the portal from mailing the address again if it comes back on a list."""
    address = re.compile(re.escape(instance.email), re.IGNORECASE)
    for delivery in instance.deliveries.exclude(last_error="").only("pk", "last_error"):
        Delivery.objects.filter(pk=delivery.pk).update(
            last_error=address.sub(_("(erased address)"), delivery.last_error)
        )
    ReturnedMail.objects.filter(email__iexact=instance.email).update(
        email="", diagnostic="", message=""
    )
