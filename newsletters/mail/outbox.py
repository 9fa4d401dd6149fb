"""Account emails queued by the public pages and sent by the worker.

The sign-up and "send me a new link" pages write one `AccountEmail` row per
request and mail nothing (`newsletters/models/account_emails.py` says why).
The send worker (`manage.py send_deliveries`) calls `send_queued` once per
turn of its loop. For each row it claims, it first records a sign-up the
row brings (`Subscriber.objects.sign_up`, with the consent given when the
form was sent), then decides what the address gets, from the subscriber's
status at that moment: a confirmation link when they wait for confirmation,
"you are already subscribed" when confirmed (or, for a row queued by the
confirmation itself, a welcome), nothing for an address nobody
subscribed with, that unsubscribed or that is suppressed
(newsletters/models/suppressions.py). Then it clears the address from the row.

Rows are claimed like issue deliveries (`newsletters/mail/worker.py`): with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers take
disjoint rows; each row is recorded as sent in its own commit right after the
server accepted it; temporary failures are retried with growing delays, and
permanent ones recorded with the server's reply. Claims carry the worker's
token, so rows a killed worker held are taken over by the next worker at
once, as its deliveries are (newsletters/mail/worker_locks.py).

An address receives at most one account email per 5 minutes and 5 per day
(`PER_ADDRESS_LIMITS`; the welcome, queued once by the confirmation itself,
is not held back), however many requests name it and from wherever:
later requests are answered as usual and recorded as held, since the link in
the email already sent still works. The subscriber's row is locked while
this is decided, so two workers cannot both decide to mail the same person.
"""

import logging
import smtplib
import uuid
from datetime import timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.models import MemberEconomy
from newsletters.models import (
    AccountEmail,
    AccountEmailKind,
    AccountEmailStatus,
    ConsentWording,
    Subscriber,
    SubscriberStatus,
)

from . import bounce_handling
from .smtp import PermanentFailure, classify
from .subscriber_emails import (
    already_subscribed_message,
    confirmation_message,
    record_confirmation_sent,
    welcome_message,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=1)
# Longer than one message can take (a few EMAIL_TIMEOUTs).
STALE_AFTER = timedelta(minutes=10)
# Rows that left the queue are kept this long (the daily limit needs one day).
KEEP_FOR = timedelta(days=7)
# (emails, window): at most that many account emails to one address per window.
PER_ADDRESS_LIMITS = [(1, timedelta(minutes=5)), (5, timedelta(days=1))]


def send_queued(connection_factory, *, batch_size=BATCH_SIZE, worker_token=None, alive=None):
    """Send every account email that is due, in batches of `batch_size`, each
    over one connection made by `connection_factory` (Django's
    `get_connection`, or the like); returns how many were sent.

    The send worker passes its own token, which its claims carry, and
    `alive(tokens)`, which tells the tokens of workers still running
    (newsletters/mail/worker_locks.py): rows a dead worker claimed are then taken
    over at once, as its deliveries are. Without them, claims get a token of
    their own and are taken back after STALE_AFTER."""
    requeue_stale(alive)
    forget_old()
    sent = 0
    while rows := claim(batch_size, worker_token):
        mail_connection = connection_factory()
        try:
            for row in rows:
                sent += send_one(mail_connection, row)
        finally:
            close(mail_connection)
    return sent


# The queue


def requeue_stale(alive=None):
    """Give back rows left SENDING by a worker that stopped: at once if
    `alive` tells which workers run, else once their claim is STALE_AFTER old."""
    sending = AccountEmail.objects.filter(status=AccountEmailStatus.SENDING)
    if alive is None:
        abandoned = sending.filter(claimed_at__lt=timezone.now() - STALE_AFTER)
    else:
        tokens = set(sending.order_by().values_list("claim_token", flat=True).distinct())
        abandoned = sending.filter(claim_token__in=tokens - alive(tokens))
    count = abandoned.update(status=AccountEmailStatus.QUEUED, claim_token="", next_attempt_at=None)
    if count:
        logger.warning("Put %d account emails left by a stopped worker back in the queue", count)


def release_claims(token):
    """Put the rows the worker with `token` claimed and did not send back in
    the queue (a worker stopping cleanly)."""
    return AccountEmail.objects.filter(status=AccountEmailStatus.SENDING, claim_token=token).update(
        status=AccountEmailStatus.QUEUED, claim_token=""
    )


def forget_old():
    in_queue = [AccountEmailStatus.QUEUED, AccountEmailStatus.SENDING]
    AccountEmail.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).exclude(
        status__in=in_queue
    ).delete()


def claim(batch_size, token=None):
    token = token or uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        candidates = AccountEmail.objects.due(now).order_by("pk")
        if db_connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return []
        AccountEmail.objects.filter(pk__in=ids, status=AccountEmailStatus.QUEUED).update(
            status=AccountEmailStatus.SENDING, claimed_at=now, claim_token=token
        )
    return list(
        AccountEmail.objects.filter(
            pk__in=ids, claim_token=token, status=AccountEmailStatus.SENDING
        ).order_by("pk")
    )


# Recording outcomes: one UPDATE, committed at once, and only while this
# worker's claim holds.


def record(row, **fields):
    return AccountEmail.objects.filter(
        pk=row.pk, claim_token=row.claim_token, status=AccountEmailStatus.SENDING
    ).update(**fields)


def finish(row, status, reason=""):
    """Take the row out of the queue, and its address with it."""
    record(row, status=status, email="", last_error=reason)


def retry_later(row, reason):
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        record(
            row,
            status=AccountEmailStatus.FAILED,
            attempts=attempts,
            email="",
            last_error=_("Gave up after %(count)d attempts. Last error: %(reason)s")
            % {"count": attempts, "reason": reason},
        )
        return
    record(
        row,
        status=AccountEmailStatus.QUEUED,
        attempts=attempts,
        next_attempt_at=timezone.now() + RETRY_DELAY * 2 ** (attempts - 1),
        claim_token="",
        last_error=reason,
    )


# Deciding and sending


def recipient(row):
    """The subscriber to mail for `row`, or None after recording why not.

    The subscriber's row stays locked until the decision is committed, and a
    row decided for mailing counts toward the limits from then on, so
    another worker deciding for the same person sees it.
    """
    with transaction.atomic():
        if row.sign_up:
            record_sign_up(row)
        subscriber = (
            Subscriber.objects.select_for_update().with_email(row.email).order_by("pk").first()
        )
        if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            finish(row, AccountEmailStatus.SKIPPED)
            return None
        if row.kind == AccountEmailKind.WELCOME and subscriber.status != SubscriberStatus.CONFIRMED:
            finish(row, AccountEmailStatus.SKIPPED)
            return None
        # Signing up again does not lift a suppression: staff do.
        suppressed = bounce_handling.suppression_reasons([subscriber.email])
        if suppressed:
            record(row, subscriber=subscriber)
            finish(row, AccountEmailStatus.SKIPPED, next(iter(suppressed.values())))
            return None
        # A welcome follows its confirmation within minutes, once per person.
        reached = None if row.kind == AccountEmailKind.WELCOME else limit_reached(subscriber, row)
        if reached is not None:
            limit, window = reached
            now = timezone.now()
            record(
                row,
                status=AccountEmailStatus.HELD,
                subscriber=subscriber,
                email="",
                last_error=ngettext(
                    "At most %(count)d email per address in %(window)s.",
                    "At most %(count)d emails per address in %(window)s.",
                    limit,
                )
                % {"count": limit, "window": timesince(now - window, now)},
            )
            return None
        record(row, subscriber=subscriber)
    return subscriber


def record_sign_up(row):
    """Record the sign-up `row` brings, once: its details leave the row in
    the same transaction."""
    details = dict(row.sign_up)
    economy_id = details.pop("economy", None)
    economy = MemberEconomy.objects.filter(pk=economy_id).first() if economy_id else None
    if economy is not None:
        details["economy_other"] = ""
    details["economy"] = economy
    wording_id = details.pop("consent_wording", None)
    details["consent_wording"] = ConsentWording.objects.filter(pk=wording_id).first()
    Subscriber.objects.sign_up(
        email=row.email,
        consent_version=details.pop("privacy_statement_version"),
        consent_given_at=row.created_at,
        **details,
    )
    record(row, sign_up={})


def limit_reached(subscriber, row):
    """The first of PER_ADDRESS_LIMITS that `subscriber` has reached, or None."""
    now = timezone.now()
    others = AccountEmail.objects.filter(subscriber=subscriber).exclude(pk=row.pk)
    for limit, window in PER_ADDRESS_LIMITS:
        since = now - window
        mailed = others.filter(
            Q(status=AccountEmailStatus.SENT, sent_at__gte=since)
            | Q(status=AccountEmailStatus.SENDING, claimed_at__gte=since)
        )
        if mailed.count() >= limit:
            return limit, window
    return None


def send_one(mail_connection, row):
    """Mail `row` if its address is to get anything; returns 1 if it was sent."""
    subscriber = recipient(row)
    if subscriber is None:
        return 0
    is_confirmation = subscriber.status == SubscriberStatus.PENDING
    try:
        if row.kind == AccountEmailKind.WELCOME:
            message = welcome_message(subscriber)
        elif is_confirmation:
            message = confirmation_message(subscriber)
        else:
            message = already_subscribed_message(subscriber)
        mail_connection.open()
        mail_connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        failure = classify(error, subscriber.email)
        if not isinstance(error, smtplib.SMTPRecipientsRefused):
            # The connection may be unusable: the next message opens a new one.
            close(mail_connection)
        if isinstance(failure, PermanentFailure):
            finish(row, AccountEmailStatus.FAILED, str(failure))
        else:
            retry_later(row, str(failure))
        logger.info("Account email %s not sent: %s", row.pk, failure)
        bounce_handling.record_refusal(subscriber.email, error)
        return 0
    except ValueError as error:
        # The message cannot be built for this address: retrying would fail again.
        finish(
            row,
            AccountEmailStatus.FAILED,
            _("Not a usable address: %(error)s") % {"error": error},
        )
        logger.warning("Account email %s not sent: %s", row.pk, error)
        return 0
    record(
        row,
        status=AccountEmailStatus.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        email="",
        last_error="",
    )
    if is_confirmation:
        record_confirmation_sent(subscriber)
    return 1


def close(mail_connection):
    try:
        mail_connection.close()
    except (smtplib.SMTPException, OSError):
        # Closing a connection the server already dropped.
        mail_connection.connection = None
