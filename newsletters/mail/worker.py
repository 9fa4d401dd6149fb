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
2. Each worker process has one claim token, and holds a lock named after it
   for its whole life, which the system releases when the process dies,
   however it dies (newsletters/worker_locks.py: a session-level advisory
   lock on PostgreSQL, an flock()ed file beside the database on SQLite).
   The worker takes the lock before it claims anything.
3. A worker claims a batch by moving it from PENDING to SENDING under its
   token, in one short transaction. On PostgreSQL the claim selects the rows
   with `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers take
   disjoint batches and never wait for each other. SQLite has no row locks:
   the conditional UPDATE (only rows still PENDING) keeps claims disjoint, but
   SQLite serializes writers, so run one worker there.
4. The batch goes out over one SMTP connection. Each delivery is marked SENT
   in its own commit the moment the server has accepted the message, before
   the next message is sent.
5. When a worker starts, and before each batch, it looks at the tokens of
   the SENDING rows and of the registry (`SendWorker`): a token whose lock
   nobody holds belongs to a dead worker, whose rows go back to PENDING at
   once. A live worker's lock is never free, so its claims are never taken,
   however slow its mail server. A worker that stops (SIGTERM, an error)
   puts its unsent claims back itself. Without --loop a worker exits only
   when nothing is pending and no other worker holds claims, so a single
   restart after a `kill -9` finishes the send.

The one case this cannot decide is a worker killed after the SMTP server
accepted a message and before the SENT commit (the time of one UPDATE). That
delivery is sent again: at most one duplicate per killed worker, never more,
and it carries the same Message-ID (`<issue-N.sub-M@domain>`) as the first
copy, so servers and mail clients that de-duplicate on it show it once. SMTP
itself has the same kind of gap (RFC 1047): a connection lost after the
server accepted a message but before its reply arrived looks like a failure,
and the retry carries the same Message-ID too. Everything else is sent
exactly once.

The limits: the PostgreSQL lock lives in the worker's database session, so
the workers need a session of their own (a direct connection, or PgBouncer
in session mode: in transaction mode the lock stays with a pooled server
connection, and a dead worker looks alive, its claims stuck until the pool
closes that connection). A worker that finds its own lock gone stops
(`LostLock`). On SQLite the lock files are only seen on the database's host.
Claims made under tokens of an older version of this code have no lock and
are taken back at once: stop the old workers before starting new ones.

Failures
--------
A recipient-level temporary failure (a 4xx reply to the recipient or the
message, a connection dropped after the server answered for the recipient)
puts the delivery back to PENDING with `next_attempt_at` doubling from
`retry_delay`; after `max_attempts` it is FAILED. A permanent failure (a 5xx
reply, a refused recipient) is FAILED at once with the server's reply. A
subscriber no longer confirmed when their batch is claimed is SKIPPED.
Deliveries of an issue that has been unpublished wait until it is published
again.

A mail server that does not answer (refused, timed out, greeting, EHLO or
login refused, a 421 "closing" reply, or a connection lost before the server
answered for the recipient) is the server's problem, not the recipient's:
the worker puts its batch back without counting an attempt and waits,
`outage_delay` doubling up to `max_outage_delay`, trying a new connection
each time. The outage is in its registry row (the admin shows it) and in the
command's output. Without `give_up_after` it keeps trying, with or without
--loop.
"""

import contextlib
import logging
import os
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.mail import outbox
from newsletters.mail.issue_email import IssueEmail, message_id
from newsletters.models import Delivery, DeliveryStatus, Issue, IssueSend, SendWorker, Subscriber
from newsletters.models.subscribers import SubscriberStatus
from newsletters.worker_locks import worker_locks

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=1)
OUTAGE_DELAY = timedelta(seconds=5)
MAX_OUTAGE_DELAY = timedelta(minutes=5)
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


def running_workers():
    """The registered workers that are alive (their lock is held), oldest
    first: a worker killed with no other started since is still registered."""
    workers = list(SendWorker.objects.all())
    if not workers:
        return []
    alive = worker_locks(db_connection).alive({worker.token for worker in workers})
    return [worker for worker in workers if worker.token in alive]


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class ServerUnavailable(Exception):
    """The mail server could not be reached, or went away before it answered
    for the recipient: nothing was decided about the recipient."""


class MailServerDown(Exception):
    """The mail server has not answered for longer than the worker may wait."""


class LostLock(Exception):
    """This worker's lock is gone (its database session ended): other workers
    may already be taking its deliveries, so it must stop sending."""


def describe(error):
    return f"{type(error).__name__}: {error}"


def classify(error, address):
    """The SMTP error as a TemporaryFailure or PermanentFailure with the
    server's reply as its message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = error.recipients.get(address, next(iter(error.recipients.values()), (0, b"")))
        return _failure(code, reply)
    if isinstance(error, smtplib.SMTPResponseException):
        return _failure(error.smtp_code, error.smtp_error)
    return TemporaryFailure(describe(error))


def _failure(code, reply):
    text = reply_text(code, reply)
    return TemporaryFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def reply_text(code, reply):
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return f"{code} {reply}".strip()


def deliver(connection, sender, recipient, message):
    """Mail `message` (bytes) over an open smtplib connection, as smtplib's
    sendmail() does for one recipient, but raise ServerUnavailable when the
    server fails before it has answered for the recipient, so that a server
    that went away is not taken for a refusal of this recipient. Replies
    about this message raise smtplib's usual exceptions."""
    try:
        connection.ehlo_or_helo_if_needed()
        options = []
        if connection.does_esmtp and connection.has_extn("size"):
            options.append(f"size={len(message)}")
        code, reply = connection.mail(sender, options)
        if code == 250:
            code, reply = connection.rcpt(recipient)
            refusal = smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            accepted = code in (250, 251)
        else:
            refusal = smtplib.SMTPSenderRefused(code, reply, sender)
            accepted = False
    except OSError as error:
        # A lost or refused connection, an EHLO refused (smtplib's own
        # exceptions are OSErrors too).
        raise ServerUnavailable(describe(error)) from error
    if code == 421:
        # "Service not available, closing transmission channel": the server
        # turns everyone away, whoever the recipient (RFC 5321, 3.8).
        raise ServerUnavailable(reply_text(code, reply))
    if not accepted:
        _reset(connection)
        raise refusal
    code, reply = connection.data(message)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)


def _reset(connection):
    """Clear the refused transaction so the connection can carry the next one."""
    # If the server has hung up, the next message finds the connection gone
    # and opens another.
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        connection.rset()


@dataclass
class Outage:
    """The mail server stopped answering: since when, and how long this
    worker now waits between two tries."""

    since: datetime
    delay: timedelta
    retry_at: float = 0.0  # on the worker's clock


class Worker:
    """Claims pending deliveries in batches and mails them; see the module
    docstring for the guarantees. `on_progress(delivery)` is called after each
    delivery has an outcome (for a progress bar); `notify(text)` tells the
    operator when the mail server stops and starts answering."""

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

    def due(self, now):
        return (
            sendable()
            .filter(status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        )

    def claim(self):
        """Take up to `batch_size` due deliveries; returns them with their subscribers."""
        now = timezone.now()
        with transaction.atomic():
            candidates = self.due(now).order_by("pk")
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
            .select_related("subscriber")
            .order_by("pk")
        )

    def release_claims(self):
        """Put this worker's unsent claims back in the queue, as they were:
        no attempt is counted."""
        outbox.release_claims(self.token)
        return Delivery.objects.filter(
            claim_token=self.token, status=DeliveryStatus.SENDING
        ).update(status=DeliveryStatus.PENDING, claim_token="", claimed_at=None)

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

    def others_sending(self):
        """Whether other live workers hold claims: should one of them die,
        this worker takes its deliveries over."""
        return (
            sendable()
            .filter(status=DeliveryStatus.SENDING)
            .exclude(claim_token=self.token)
            .exists()
        )

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

    # The mail server's outages: the worker as a whole waits, the deliveries
    # keep their attempts.

    def server_down(self, reason):
        """Start or prolong an outage; the wait doubles with each failed try."""
        now = timezone.now()
        if self.outage is None:
            self.outage = Outage(since=now, delay=self.outage_delay)
        else:
            self.outage.delay = min(self.outage.delay * 2, self.max_outage_delay)
        self.outage.retry_at = self.clock() + self.outage.delay.total_seconds()
        delay = self.outage.delay.total_seconds()
        updated = SendWorker.objects.filter(token=self.token).update(
            smtp_down_since=self.outage.since,
            smtp_retry_seconds=delay,
            smtp_error=reason,
            last_seen_at=now,
        )
        if self.outage.since == now:
            self.notify(
                _(
                    "The mail server is not answering since %(since)s (%(reason)s); "
                    "the worker retries in %(delay)g s, then less and less often."
                )
                % {"since": local_time(now), "reason": reason, "delay": delay}
            )
        logger.info("Mail server not answering: %s (next try in %g s)", reason, delay)
        if self.give_up_after is not None and now - self.outage.since >= self.give_up_after:
            raise MailServerDown(
                _(
                    "The mail server has not answered since %(since)s: the worker stops. "
                    "The deliveries stay queued for the next run."
                )
                % {"since": local_time(self.outage.since)}
            )
        return updated

    def server_back(self):
        since = self.outage.since
        self.outage = None
        SendWorker.objects.filter(token=self.token).update(
            smtp_down_since=None, smtp_retry_seconds=None, smtp_error=""
        )
        self.notify(
            _("The mail server answers again (it did not from %(since)s to %(now)s).")
            % {"since": local_time(since), "now": local_time(timezone.now())}
        )

    def server_answers(self):
        """During an outage: whether a new connection to the mail server opens."""
        smtp = self.connection_factory()
        try:
            self._open(smtp)
        except ServerUnavailable as error:
            self.server_down(str(error))
            return False
        finally:
            self._close(smtp)
        return True

    # Sending

    def email_for(self, issue_id):
        if issue_id not in self.emails:
            self.emails[issue_id] = IssueEmail.for_issue(issue_id)
        return self.emails[issue_id]

    def send_batch(self, deliveries):
        """Send `deliveries` over one SMTP connection. If the mail server
        stops answering, the rest of the batch goes back to the queue."""
        unavailable = None
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
            self._close(smtp)
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
        try:
            reused = not self._open(smtp)
            try:
                self._transmit(smtp, email, subscriber)
            except ServerUnavailable:
                self._close(smtp)
                if not reused:
                    raise
                # A connection that carried earlier messages may have been
                # closed by the server since: only a new one failing means the
                # server is down.
                self._open(smtp)
                self._transmit(smtp, email, subscriber)
        except ServerUnavailable:
            self._close(smtp)
            raise
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
            return True
        except ValueError as error:
            # The message cannot be built for this address (a line break in
            # it, say): retrying would only fail again.
            self.mark_failed(delivery, _("Not a usable address: %(error)s") % {"error": error})
            logger.warning("Delivery %s not sent: %s", delivery.pk, error)
            return False
        self.mark_sent(delivery, message_id(delivery.issue_id, subscriber.pk))
        return True

    @staticmethod
    def _open(smtp):
        """Open the connection if it is not; returns whether it was opened now."""
        try:
            return smtp.open()
        except OSError as error:
            # Refused, timed out, greeting or login refused (smtplib's
            # exceptions are OSErrors too).
            raise ServerUnavailable(describe(error)) from error

    @staticmethod
    def _transmit(smtp, email, subscriber):
        if not isinstance(smtp, SMTPBackend):
            smtp.send_messages([email.message_for(subscriber, connection=smtp)])
            return
        envelope = email.raw_for(subscriber)
        if envelope is None:
            # What the SMTP backend's send_messages() would send.
            message = email.message_for(subscriber, connection=smtp)
            encoding = message.encoding or settings.DEFAULT_CHARSET
            envelope = (
                sanitize_address(message.from_email, encoding),
                sanitize_address(subscriber.email, encoding),
                message.message().as_bytes(linesep="\r\n"),
            )
        deliver(smtp.connection, *envelope)

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
        later and for other workers' claims), or forever with `loop`, polling
        every `poll_interval` seconds."""
        self.register()
        try:
            self._work(loop)
        finally:
            self.unregister()
        self.finish_sends()

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
            self.finish_sends()
            # The next piece of work may be another issue, or an edited one.
            self.emails.clear()
            wait = self.seconds_until_due()
            if wait is None and not loop and not self.others_sending():
                return
            pause = self.poll_interval if wait is None else min(wait, self.poll_interval)
            time.sleep(max(pause, 0.01))


def local_time(moment):
    """HH:MM in the site's time zone, with the date if it is not today."""
    moment = timezone.localtime(moment)
    if moment.date() == timezone.localdate():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")
