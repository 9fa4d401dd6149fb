"""Starting a send, and what the queue of deliveries holds.

`start_send` (from the admin or `manage.py send_issue`) writes one IssueSend
for one language and one PENDING Delivery per confirmed subscriber of that
language, in one transaction, and mails nothing: the worker
(newsletters/mail/worker.py) does the mailing.
See docs/architecture.md, "Sending an issue".
"""

import logging

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.mail.worker_locks import worker_locks
from newsletters.models import Delivery, DeliveryStatus, Issue, IssueSend, SendWorker, Subscriber
from newsletters.models.subscribers import SubscriberLanguage

logger = logging.getLogger(__name__)

CREATE_BATCH_SIZE = 1000


class SendRefused(Exception):
    """The send cannot be started; the message says why, for staff."""


def missing_recipients(issue, language=settings.LANGUAGE_CODE):
    """Confirmed subscribers of `language` who neither have nor are about to
    get `issue`, in whatever language: the recipients of its next send in
    `language`."""
    already = Delivery.objects.filter(
        issue=issue, subscriber=OuterRef("pk"), status__in=DeliveryStatus.live()
    )
    return Subscriber.objects.confirmed().filter(language=language).exclude(Exists(already))


def has_been_sent(issue, language=settings.LANGUAGE_CODE):
    """Whether a send of `issue` in `language` was started: the next one is a re-send."""
    return IssueSend.objects.filter(issue=issue, language=language).exists()


def check_published(issue):
    """Raise SendRefused unless `issue` is public: the first condition of any send."""
    if not Issue.objects.published().filter(pk=issue.pk).exists():
        raise SendRefused(_("Only a published issue can be sent."))


def check_can_send(issue, *, language=settings.LANGUAGE_CODE, resend_missing=False):
    """Raise SendRefused when `issue` cannot be sent in `language` now."""
    check_published(issue)
    if language not in SubscriberLanguage.values:
        raise SendRefused(_("There is no such language to send the issue in."))
    if resend_missing:
        if not has_been_sent(issue, language):
            raise SendRefused(_("This issue has not been sent yet: send it normally."))
    elif has_been_sent(issue, language):
        raise SendRefused(
            _(
                "This issue has already been sent. To send it to the confirmed "
                "subscribers who have not received it, start a re-send."
            )
        )


def start_send(
    issue,
    *,
    language=settings.LANGUAGE_CODE,
    user=None,
    resend_missing=False,
    report_problems=(),
    report_override_reason="",
):
    """Queue `issue` in `language` for every confirmed subscriber of that
    language (or, for a re-send, every one without it) and return the
    IssueSend, which records the problems of the email's report that the
    sender chose to send despite, and why."""
    with transaction.atomic():
        # Locks the issue row on PostgreSQL so two starts cannot interleave;
        # SQLite serializes write transactions anyway.
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        check_can_send(issue, language=language, resend_missing=resend_missing)
        recipients = list(
            missing_recipients(issue, language).order_by("pk").values_list("pk", flat=True)
        )
        if not recipients:
            raise SendRefused(
                _("Every confirmed subscriber has received this issue or is about to.")
                if resend_missing
                else _("There is no confirmed subscriber to send it to.")
            )
        send = IssueSend.objects.create(
            issue=issue,
            language=language,
            started_by=user,
            is_resend=resend_missing,
            recipient_count=len(recipients),
            report_problems=list(report_problems),
            report_override_reason=report_override_reason,
        )
        for start in range(0, len(recipients), CREATE_BATCH_SIZE):
            Delivery.objects.bulk_create(
                Delivery(send=send, issue=issue, subscriber_id=pk)
                for pk in recipients[start : start + CREATE_BATCH_SIZE]
            )
    logger.info(
        "Queued %s in %s for %d subscribers (send %s)", issue, language, len(recipients), send.pk
    )
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


def due(now):
    """Pending deliveries whose time has come."""
    return (
        sendable()
        .filter(status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )


def seconds_until_due():
    """Seconds until the next retry is due, 0 if one is due now, None if
    nothing is waiting."""
    pending = sendable().filter(status=DeliveryStatus.PENDING)
    if not pending.exists():
        return None
    earliest = pending.aggregate(at=Min("next_attempt_at"))["at"]
    if earliest is None or pending.filter(next_attempt_at__isnull=True).exists():
        return 0
    return max(0.0, (earliest - timezone.now()).total_seconds())


def finish_sends():
    """Stamp the end time of sends with nothing left to do."""
    open_deliveries = Delivery.objects.filter(
        send=OuterRef("pk"), status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    IssueSend.objects.filter(finished_at=None).exclude(Exists(open_deliveries)).update(
        finished_at=timezone.now()
    )
