"""The send worker: claims queued deliveries in batches and mails them.

Run by `manage.py send_deliveries`. How each subscriber gets an issue once,
what a killed worker may cost, and how failures and mail-server outages are
handled: docs/architecture.md, "Sending an issue".
"""

import logging
import os
import smtplib
import socket
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters import issue_documents, sharing_images
from newsletters.mail import email_report, outbox
from newsletters.mail.bounce_handling import record_refusal, skip_suppressed
from newsletters.mail.issue_email import IssueEmail, message_id
from newsletters.mail.outages import OutageHandling
from newsletters.mail.send_queue import due, finish_sends, seconds_until_due, sendable
from newsletters.mail.smtp import (
    PermanentFailure,
    ServerUnavailable,
    TemporaryFailure,
    classify,
    close_backend,
    open_backend,
    transmit,
)
from newsletters.mail.throttle import Throttle
from newsletters.mail.worker_locks import worker_locks
from newsletters.models import Delivery, DeliveryStatus, SendWorker
from newsletters.models.subscribers import SubscriberStatus
from newsletters.pdf_builds import build_when_idle

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=1)
OUTAGE_DELAY = timedelta(seconds=5)
MAX_OUTAGE_DELAY = timedelta(minutes=5)


class LostLock(Exception):
    """This worker's lock is gone (its database session ended): other workers
    may already be taking its deliveries, so it must stop sending."""


class Worker(OutageHandling):
    """Claims pending deliveries in batches and mails them; docs/architecture.md
    has the guarantees. `on_progress(delivery)` is called for each delivery
    dealt with (sent, failed, skipped or put off), for a progress bar;
    `notify(text)` tells the operator when the mail server stops and starts
    answering."""

    def __init__(
        self,
        *,
        batch_size=DEFAULT_BATCH_SIZE,
        max_attempts=MAX_ATTEMPTS,
        retry_delay=RETRY_DELAY,
        poll_interval=5.0,
        outage_delay=OUTAGE_DELAY,
        max_outage_delay=MAX_OUTAGE_DELAY,
        give_up_after=None,
        connection_factory=get_connection,
        on_progress=None,
        notify=None,
        throttle=None,
    ):
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.poll_interval = poll_interval
        self.outage_delay = outage_delay
        self.max_outage_delay = max(max_outage_delay, outage_delay)
        self.give_up_after = give_up_after
        self.connection_factory = connection_factory
        self.on_progress = on_progress or (lambda delivery: None)
        self.notify = notify or logger.warning
        self.token = uuid.uuid4().hex
        self.locks = None
        self.outage = None
        self.emails = {}
        self.stopping = False
        self.clock = time.monotonic
        self.throttle = throttle or Throttle()

    # This worker, as the other workers and the admin see it

    def register(self):
        """Take this worker's lock, then enter it in the registry. Call it
        before claiming anything: a claim under a token whose lock nobody
        holds is taken back by the next worker that looks."""
        self.locks = worker_locks(db_connection)
        self.locks.take(self.token)
        now = timezone.now()
        SendWorker.objects.create(
            token=self.token,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            last_seen_at=now,
        )

    def unregister(self):
        """Put back what this worker claimed and did not send (it was stopped
        or failed), leave the registry, and drop the lock."""
        self.release_claims()
        SendWorker.objects.filter(token=self.token).delete()
        self.locks.release(self.token)

    def requeue_abandoned(self):
        """Put the deliveries of workers that died back in the queue, at once,
        and forget those workers. A worker is dead when nothing holds its
        lock; this worker's own lock must still be held."""
        SendWorker.objects.filter(token=self.token).update(last_seen_at=timezone.now())
        claimed = (
            Delivery.objects.filter(status=DeliveryStatus.SENDING)
            .order_by()
            .values_list("claim_token", flat=True)
            .distinct()
        )
        tokens = {*claimed, *SendWorker.objects.values_list("token", flat=True), self.token}
        alive = self.locks.alive(tokens)
        if self.token not in alive:
            raise LostLock(
                _(
                    "This worker's lock is no longer held (was its database connection "
                    "lost?); stopping before another worker takes its deliveries."
                )
            )
        dead = tokens - alive
        if not dead:
            return 0
        count = Delivery.objects.filter(status=DeliveryStatus.SENDING, claim_token__in=dead).update(
            status=DeliveryStatus.PENDING, claim_token="", claimed_at=None
        )
        SendWorker.objects.filter(token__in=dead).delete()
        self.locks.forget(dead)
        if count:
            logger.warning("Put %d deliveries of a stopped worker back in the queue", count)
        return count

    # The queue

    def claim(self):
        """Take up to `batch_size` due deliveries; returns them with their subscribers."""
        now = timezone.now()
        with transaction.atomic():
            candidates = due(now).order_by("pk")
            if db_connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(candidates.values_list("pk", flat=True)[: self.batch_size])
            if not ids:
                return []
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, claimed_at=now, claim_token=self.token
            )
        return list(
            Delivery.objects.filter(
                pk__in=ids, claim_token=self.token, status=DeliveryStatus.SENDING
            )
            .select_related("subscriber", "send")
            .order_by("pk")
        )

    def release_claims(self):
        """Put this worker's unsent claims back in the queue, as they were:
        no attempt is counted."""
        outbox.release_claims(self.token)
        return Delivery.objects.filter(
            claim_token=self.token, status=DeliveryStatus.SENDING
        ).update(status=DeliveryStatus.PENDING, claim_token="", claimed_at=None)

    def others_sending(self):
        """Whether other live workers hold claims: should one of them die,
        this worker takes its deliveries over."""
        return (
            sendable()
            .filter(status=DeliveryStatus.SENDING)
            .exclude(claim_token=self.token)
            .exists()
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
        """The issue's IssueEmail, which renders it once per language."""
        if issue_id not in self.emails:
            self.emails[issue_id] = IssueEmail.for_issue(issue_id)
        return self.emails[issue_id]

    def send_batch(self, deliveries):
        """Send `deliveries` over one SMTP connection. If the mail server
        stops answering, the rest of the batch goes back to the queue."""
        unavailable = None
        deliveries = skip_suppressed(deliveries, self.mark_skipped, self.on_progress)
        smtp = self.connection_factory()
        try:
            for delivery in deliveries:
                if self.stopping:
                    break
                try:
                    answered = self.send_one(smtp, delivery)
                except ServerUnavailable as error:
                    logger.info("Delivery %s not sent: %s", delivery.pk, error)
                    unavailable = error
                    break
                if answered and self.outage is not None:
                    self.server_back()
                self.on_progress(delivery)
        finally:
            close_backend(smtp)
            self.release_claims()
        if unavailable is not None:
            self.server_down(str(unavailable))

    def send_one(self, smtp, delivery):
        """Send or settle one delivery; returns whether the mail server
        answered about it. Raises ServerUnavailable, leaving the delivery as
        it is, when the server could not be reached."""
        subscriber = delivery.subscriber
        if subscriber is None:
            self.mark_skipped(delivery, _("The subscriber's record was erased."))
            return False
        if subscriber.status != SubscriberStatus.CONFIRMED:
            self.mark_skipped(
                delivery,
                _("The subscriber's status became “%(status)s”.")
                % {"status": subscriber.get_status_display()},
            )
            return False
        email = self.email_for(delivery.issue_id)
        # The send's edition, even if the subscriber chose another language since.
        language = delivery.send.language
        try:
            reused = not open_backend(smtp)
            self.throttle.wait_for_slot()
            with self.throttle.place_for(subscriber.email):
                try:
                    transmit(smtp, email, subscriber, language, delivery.pk)
                except ServerUnavailable:
                    close_backend(smtp)
                    if not reused:
                        raise
                    # A connection that carried earlier messages may have been
                    # closed by the server since: only a new one failing means
                    # the server is down.
                    open_backend(smtp)
                    transmit(smtp, email, subscriber, language, delivery.pk)
        except ServerUnavailable:
            close_backend(smtp)
            raise
        except (smtplib.SMTPException, OSError) as error:
            failure = classify(error, subscriber.email)
            if isinstance(failure, TemporaryFailure) and not isinstance(
                error, smtplib.SMTPRecipientsRefused
            ):
                # The connection may be unusable: start the next message afresh.
                close_backend(smtp)
            if isinstance(failure, PermanentFailure):
                self.mark_failed(delivery, str(failure))
            else:
                self.retry_later(delivery, str(failure))
            logger.info("Delivery %s not sent: %s", delivery.pk, failure)
            record_refusal(subscriber.email, error, delivery)
            return True
        except ValueError as error:
            # The message cannot be built for this address (a line break in
            # it, say): retrying would only fail again.
            self.mark_failed(delivery, _("Not a usable address: %(error)s") % {"error": error})
            logger.warning("Delivery %s not sent: %s", delivery.pk, error)
            return False
        self.mark_sent(delivery, message_id(delivery.issue_id, subscriber.pk))
        return True

    # The loop

    def run(self, *, loop=False):
        """Send until nothing is pending (waiting for retries that are due
        later and for other workers' claims), or forever with `loop`, polling
        every `poll_interval` seconds."""
        self.register()
        try:
            self._work(loop)
        finally:
            self.unregister()
        finish_sends()

    def _work(self, loop):
        while not self.stopping:
            self.requeue_abandoned()
            if self.outage is not None:
                left = self.outage.retry_at - self.clock()
                if left > 0:
                    time.sleep(min(left, self.poll_interval))
                    continue
                if not self.server_answers():
                    continue
            # Account emails (confirmations and the like) go first: someone
            # is waiting for them.
            queued = outbox.send_queued(
                self.connection_factory, worker_token=self.token, alive=self.locks.alive
            )
            batch = self.claim()
            if batch:
                self.send_batch(batch)
                continue
            if queued:
                continue
            finish_sends()
            # The next piece of work may be another issue, or an edited one.
            self.emails.clear()
            if settings.NEWSLETTER_PDF_EDITIONS:
                # Idle: the PDF editions of what changed (newsletters/pdf_builds.py).
                build_when_idle()
            # And the issues' sharing images (newsletters/sharing_images.py),
            # and the report on the latest emails for the send page.
            sharing_images.build_when_idle()
            email_report.check_when_idle()
            # And the published issues' pages, stored ahead of readers.
            issue_documents.build_when_idle()
            wait = seconds_until_due()
            if wait is None and not loop and not self.others_sending():
                return
            pause = self.poll_interval if wait is None else min(wait, self.poll_interval)
            time.sleep(max(pause, 0.01))
