"""Sending an issue: starting a send, and the worker that mails the deliveries.

Starting a send (`start_send`, from the admin or `manage.py send_issue`)
writes one IssueSend and one PENDING Delivery per confirmed subscriber, in one
transaction, and mails nothing. The worker (`Worker`, run by
`manage.py send_deliveries`) does the mailing, outside any web request.

How each subscriber gets an issue once
--------------------------------------
1. The database holds at most one pending, sending or sent delivery per issue
   and subscriber (a partial unique constraint), so nothing can queue a
   person twice, whoever starts the send and however often.
2. A worker claims a batch by moving it from PENDING to SENDING under a fresh
   claim token, in one short transaction. On PostgreSQL the claim selects the
   rows with `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers take
   disjoint batches and never wait for each other. SQLite has no row locks:
   the conditional UPDATE (only rows still PENDING) keeps claims disjoint, but
   SQLite serializes writers, so run one worker there.
3. The batch goes out over one SMTP connection. Each delivery is marked SENT
   in its own commit the moment the server has accepted the message, before
   the next message is sent.
4. A worker that dies leaves its unfinished batch in SENDING. Rows that have
   been SENDING for longer than `stale_after` (10 minutes by default) are put
   back to PENDING by the next worker. A live worker renews its claim every
   third of that, so a slow server cannot make its batch look abandoned; it
   must only be longer than one message can take (a few EMAIL_TIMEOUTs).

The one case this cannot decide is a worker killed after the SMTP server
accepted a message and before the SENT commit (the time of one UPDATE). That
delivery is sent again: at most one duplicate per killed worker, never more,
and it carries the same Message-ID (`<issue-N.sub-M@domain>`) as the first
copy, so servers and mail clients that de-duplicate on it show it once. SMTP
itself has the same kind of gap (RFC 1047): a connection lost after the
server accepted a message but before its reply arrived looks like a failure,
and the retry carries the same Message-ID too. Everything else is sent
exactly once.

Failures
--------
A temporary failure (a 4xx reply, a dropped connection, a network error) puts
the delivery back to PENDING with `next_attempt_at` doubling from
`retry_delay`; after `max_attempts` it is FAILED. A permanent failure (a 5xx
reply, a refused recipient) is FAILED at once with the server's reply. A
subscriber no longer confirmed when their batch is claimed is SKIPPED.
Deliveries of an issue that has been unpublished wait until it is published
again.
"""

import logging
import smtplib
import time
import uuid
from datetime import timedelta

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.mail.issue_email import IssueEmail, message_id
from newsletters.models import Delivery, DeliveryStatus, Issue, IssueSend, Subscriber
from newsletters.models.subscribers import SubscriberStatus

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=1)
STALE_AFTER = timedelta(minutes=10)
CREATE_BATCH_SIZE = 1000


class SendRefused(Exception):
    """The send cannot be started; the message says why, for staff."""


def missing_recipients(issue):
    """Confirmed subscribers who neither have nor are about to get `issue`."""
    already = Delivery.objects.filter(
        issue=issue, subscriber=OuterRef("pk"), status__in=DeliveryStatus.live()
    )
    return Subscriber.objects.confirmed().exclude(Exists(already))


def check_can_send(issue, *, resend_missing=False):
    """Raise SendRefused when `issue` cannot be sent now."""
    if not Issue.objects.published().filter(pk=issue.pk).exists():
        raise SendRefused(_("Only a published issue can be sent."))
    if resend_missing:
        if not IssueSend.objects.filter(issue=issue).exists():
            raise SendRefused(_("This issue has not been sent yet: send it normally."))
    elif IssueSend.objects.filter(issue=issue).exists():
        raise SendRefused(
            _(
                "This issue has already been sent. To send it to the confirmed "
                "subscribers who have not received it, start a re-send."
            )
        )


def start_send(issue, *, user=None, resend_missing=False):
    """Queue `issue` for every confirmed subscriber (or, for a re-send, every
    confirmed subscriber without it) and return the IssueSend."""
    with transaction.atomic():
        # Locks the issue row on PostgreSQL so two starts cannot interleave;
        # SQLite serializes write transactions anyway.
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        check_can_send(issue, resend_missing=resend_missing)
        recipients = list(missing_recipients(issue).order_by("pk").values_list("pk", flat=True))
        if not recipients:
            raise SendRefused(
                _("Every confirmed subscriber has received this issue or is about to.")
                if resend_missing
                else _("There is no confirmed subscriber to send it to.")
            )
        send = IssueSend.objects.create(
            issue=issue,
            started_by=user,
            is_resend=resend_missing,
            recipient_count=len(recipients),
        )
        for start in range(0, len(recipients), CREATE_BATCH_SIZE):
            Delivery.objects.bulk_create(
                Delivery(send=send, issue=issue, subscriber_id=pk)
                for pk in recipients[start : start + CREATE_BATCH_SIZE]
            )
    logger.info("Queued %s for %d subscribers (send %s)", issue, len(recipients), send.pk)
    return send


def sendable():
    """Deliveries the worker may take: those of issues that are public now."""
    return Delivery.objects.filter(issue__in=Issue.objects.published().values("pk"))


def outstanding_count():
    return sendable().filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]).count()


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def classify(error, address):
    """The SMTP error as a TemporaryFailure or PermanentFailure with the
    server's reply as its message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = error.recipients.get(address, next(iter(error.recipients.values()), (0, b"")))
        return _failure(code, reply)
    if isinstance(error, smtplib.SMTPResponseException):
        return _failure(error.smtp_code, error.smtp_error)
    return TemporaryFailure(f"{type(error).__name__}: {error}")


def _failure(code, reply):
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    text = f"{code} {reply}".strip()
    return TemporaryFailure(text) if 400 <= code < 500 else PermanentFailure(text)


class Worker:
    """Claims pending deliveries in batches and mails them; see the module
    docstring for the guarantees. `on_sent(delivery)` is called after each
    delivery is recorded as sent (for a progress bar)."""

    def __init__(
        self,
        *,
        batch_size=DEFAULT_BATCH_SIZE,
        max_attempts=MAX_ATTEMPTS,
        retry_delay=RETRY_DELAY,
        stale_after=STALE_AFTER,
        poll_interval=5.0,
        connection_factory=get_connection,
        on_progress=None,
    ):
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.stale_after = stale_after
        self.poll_interval = poll_interval
        self.connection_factory = connection_factory
        self.on_progress = on_progress or (lambda delivery: None)
        self.emails = {}
        self.stopping = False
        self.clock = time.monotonic

    # The queue

    def requeue_stale(self):
        """Give back deliveries left SENDING by a worker that stopped."""
        count = Delivery.objects.filter(
            status=DeliveryStatus.SENDING, claimed_at__lt=timezone.now() - self.stale_after
        ).update(status=DeliveryStatus.PENDING, claim_token="", next_attempt_at=None)
        if count:
            logger.warning("Put %d deliveries left by a stopped worker back in the queue", count)
        return count

    def due(self, now):
        return (
            sendable()
            .filter(status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        )

    def claim(self):
        """Take up to `batch_size` due deliveries; returns them with their subscribers."""
        token = uuid.uuid4().hex
        now = timezone.now()
        with transaction.atomic():
            candidates = self.due(now).order_by("pk")
            if db_connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(candidates.values_list("pk", flat=True)[: self.batch_size])
            if not ids:
                return []
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, claimed_at=now, claim_token=token
            )
        return list(
            Delivery.objects.filter(claim_token=token, status=DeliveryStatus.SENDING)
            .select_related("subscriber")
            .order_by("pk")
        )

    def seconds_until_due(self):
        """Seconds until the next retry is due, 0 if one is due now, None if
        nothing is waiting."""
        pending = sendable().filter(status=DeliveryStatus.PENDING)
        if not pending.exists():
            return None
        earliest = pending.aggregate(at=Min("next_attempt_at"))["at"]
        if earliest is None or pending.filter(next_attempt_at__isnull=True).exists():
            return 0
        return max(0.0, (earliest - timezone.now()).total_seconds())

    def finish_sends(self):
        """Stamp the end time of sends with nothing left to do."""
        open_deliveries = Delivery.objects.filter(
            send=OuterRef("pk"), status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
        )
        IssueSend.objects.filter(finished_at=None).exclude(Exists(open_deliveries)).update(
            finished_at=timezone.now()
        )

    # Recording outcomes: one UPDATE, committed at once, and only if this
    # worker's claim still holds.

    def _record(self, delivery, **fields):
        return Delivery.objects.filter(
            pk=delivery.pk, claim_token=delivery.claim_token, status=DeliveryStatus.SENDING
        ).update(**fields)

    def mark_sent(self, delivery, message_id_value):
        self._record(
            delivery,
            status=DeliveryStatus.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            message_id=message_id_value,
            last_error="",
        )

    def mark_skipped(self, delivery, reason):
        self._record(delivery, status=DeliveryStatus.SKIPPED, last_error=reason)

    def mark_failed(self, delivery, reason):
        self._record(
            delivery, status=DeliveryStatus.FAILED, attempts=F("attempts") + 1, last_error=reason
        )

    def retry_later(self, delivery, reason):
        attempts = delivery.attempts + 1
        if attempts >= self.max_attempts:
            self.mark_failed(
                delivery,
                _("Gave up after %(count)d attempts. Last error: %(reason)s")
                % {"count": attempts, "reason": reason},
            )
            return
        self._record(
            delivery,
            status=DeliveryStatus.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + self.retry_delay * 2 ** (attempts - 1),
            claim_token="",
            last_error=reason,
        )

    # Sending

    def email_for(self, issue_id):
        if issue_id not in self.emails:
            self.emails[issue_id] = IssueEmail.for_issue(issue_id)
        return self.emails[issue_id]

    def renew_claim(self, token):
        """Tell other workers this batch is still being worked on (a slow
        SMTP server can make a batch outlast `stale_after`); returns the ids
        still held, in case some were taken back all the same."""
        held = Delivery.objects.filter(claim_token=token, status=DeliveryStatus.SENDING)
        held.update(claimed_at=timezone.now())
        return set(held.values_list("pk", flat=True))

    def send_batch(self, deliveries):
        """Send `deliveries` over one SMTP connection."""
        renew_every = self.stale_after.total_seconds() / 3
        renewed = self.clock()
        held = None
        smtp = self.connection_factory()
        try:
            for delivery in deliveries:
                if self.stopping:
                    break
                if renew_every and self.clock() - renewed > renew_every:
                    held = self.renew_claim(delivery.claim_token)
                    renewed = self.clock()
                if held is not None and delivery.pk not in held:
                    continue
                self.send_one(smtp, delivery)
                self.on_progress(delivery)
        finally:
            self._close(smtp)

    def send_one(self, smtp, delivery):
        subscriber = delivery.subscriber
        if subscriber is None:
            self.mark_skipped(delivery, _("The subscriber's record was erased."))
            return
        if subscriber.status != SubscriberStatus.CONFIRMED:
            self.mark_skipped(
                delivery,
                _("The subscriber's status became “%(status)s”.")
                % {"status": subscriber.get_status_display()},
            )
            return
        email = self.email_for(delivery.issue_id)
        try:
            smtp.open()
            raw = email.raw_for(subscriber) if isinstance(smtp, SMTPBackend) else None
            if raw is not None:
                # What the SMTP backend's send_messages() does, minus building
                # the MIME message again for every recipient.
                smtp.connection.sendmail(*raw)
            else:
                smtp.send_messages([email.message_for(subscriber, connection=smtp)])
        except (smtplib.SMTPException, OSError) as error:
            failure = classify(error, subscriber.email)
            if isinstance(failure, TemporaryFailure) and not isinstance(
                error, smtplib.SMTPRecipientsRefused
            ):
                # The connection may be unusable: start the next message afresh.
                self._close(smtp)
            if isinstance(failure, PermanentFailure):
                self.mark_failed(delivery, str(failure))
            else:
                self.retry_later(delivery, str(failure))
            logger.info("Delivery %s not sent: %s", delivery.pk, failure)
            return
        except ValueError as error:
            # The message cannot be built for this address (a line break in
            # it, say): retrying would only fail again.
            self.mark_failed(delivery, _("Not a usable address: %(error)s") % {"error": error})
            logger.warning("Delivery %s not sent: %s", delivery.pk, error)
            return
        self.mark_sent(delivery, message_id(delivery.issue_id, subscriber.pk))

    @staticmethod
    def _close(smtp):
        try:
            smtp.close()
        except (smtplib.SMTPException, OSError):
            # Closing a connection the server already dropped.
            smtp.connection = None

    # The loop

    def run(self, *, loop=False):
        """Send until nothing is pending (waiting for retries that are due
        later), or forever with `loop`, polling every `poll_interval` seconds."""
        while not self.stopping:
            self.requeue_stale()
            batch = self.claim()
            if batch:
                self.send_batch(batch)
                continue
            self.finish_sends()
            # The next piece of work may be another issue, or an edited one.
            self.emails.clear()
            wait = self.seconds_until_due()
            if wait is None and not loop:
                return
            pause = self.poll_interval if wait is None else min(wait, self.poll_interval)
            time.sleep(max(pause, 0.01))
        self.finish_sends()
