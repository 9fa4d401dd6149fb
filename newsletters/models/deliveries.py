"""Sending an issue by email: one IssueSend per send, one Delivery per recipient.

Starting a send only writes rows; the worker (`newsletters/mail/worker.py`,
run by the `send_deliveries` command) does the mailing. The rows are the queue, so a
worker that stops can be restarted and carries on where it stopped.

A delivery moves PENDING -> SENDING (claimed by a worker) -> SENT, FAILED or
SKIPPED; a temporary failure puts it back to PENDING with a later
`next_attempt_at`. A partial unique constraint allows at most one delivery
per issue and subscriber that is pending, sending or sent: that is the
database's half of "each subscriber receives an issue once". Failed and
skipped rows stay as history, so a re-send can queue those people again.

Each send is in one language: it goes to the confirmed subscribers who chose
that language, and the worker renders its email in it. The constraint is per
issue and subscriber whatever the language, so someone who changes language
after receiving an issue is not queued for it again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from newsletters.models.subscribers import SubscriberLanguage


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")

    @classmethod
    def live(cls):
        """States in which a delivery counts as "this person gets the issue"."""
        return [cls.PENDING, cls.SENDING, cls.SENT]


class IssueSendQuerySet(models.QuerySet):
    def with_counts(self):
        """Each send with its deliveries counted per status, in one query."""
        return self.annotate(
            total_count=Count("deliveries"),
            **{
                f"{status}_count": Count("deliveries", filter=Q(deliveries__status=status))
                for status in DeliveryStatus.values
            },
        )


class IssueSend(models.Model):
    """Staff asked for an issue to go to the confirmed subscribers."""

    issue = models.ForeignKey(
        "newsletters.Issue",
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        related_name="sends",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(
        _("finished"),
        null=True,
        blank=True,
        help_text=_("When the last delivery left the queue (sent, failed or skipped)."),
    )
    is_resend = models.BooleanField(
        _("re-send"),
        default=False,
        help_text=_("Sent only to confirmed subscribers who had not received the issue."),
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=SubscriberLanguage.choices,
        default=SubscriberLanguage.ENGLISH,
        help_text=_("The edition sent, to the confirmed subscribers who chose this language."),
    )
    # The email's report (newsletters/mail/email_report.py) at the start:
    # a send with problems that block starts only with a publisher's reason.
    report_problems = models.JSONField(
        _("problems the email's report found"),
        default=list,
        blank=True,
        help_text=_("The problems that block a send, as the report found them when it started."),
    )
    report_override_reason = models.TextField(
        _("reason to send despite the report"),
        blank=True,
        help_text=_("Why the publisher sent it although the report found problems."),
    )

    objects = IssueSendQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue send")
        verbose_name_plural = _("issue sends")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        if self.started_at is None:
            return str(self.issue)
        return f"{self.issue}, {self.get_language_display()} ({self.started_at:%Y-%m-%d %H:%M})"

    def counts(self):
        """Deliveries per status, every status present."""
        counts = dict.fromkeys(DeliveryStatus.values, 0)
        for row in self.deliveries.order_by().values("status").annotate(n=Count("pk")):
            counts[row["status"]] = row["n"]
        return counts


class Delivery(models.Model):
    """One issue to one subscriber."""

    send = models.ForeignKey(
        IssueSend, verbose_name=_("send"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # Repeats send.issue so the database can enforce one delivery per person.
    issue = models.ForeignKey(
        "newsletters.Issue",
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    # Erasing a subscriber keeps the row (for the counts) but nothing about them.
    subscriber = models.ForeignKey(
        "newsletters.Subscriber",
        verbose_name=_("subscriber"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_token = models.CharField(_("claimed by"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    last_error = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["send", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"],
                condition=Q(status__in=DeliveryStatus.live()),
                name="one_live_delivery_per_issue_subscriber",
                violation_error_message=_("This subscriber already receives this issue."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_queue_idx"),
        ]

    def __str__(self):
        return f"{self.issue_id}/{self.subscriber_id}: {self.get_status_display()}"


class SendWorker(models.Model):
    """A running `send_deliveries` process, for the admin and for other workers.

    A worker claims deliveries under its `token` and holds a lock named after
    it for as long as the process lives (see docs/architecture.md); this row
    says who it is and whether it can reach the mail server. The worker
    deletes its row when it stops, and the next worker deletes the rows of
    workers that died.
    """

    token = models.CharField(_("token"), max_length=32, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    last_seen_at = models.DateTimeField(_("last seen"))
    smtp_down_since = models.DateTimeField(
        _("mail server down since"),
        null=True,
        blank=True,
        help_text=_(
            "Since when the worker has found the mail server not answering; empty while it answers."
        ),
    )
    smtp_retry_seconds = models.FloatField(
        _("retries every (seconds)"),
        null=True,
        blank=True,
        help_text=_("The worker's current delay between two tries to reach the mail server."),
    )
    smtp_error = models.TextField(_("mail server error"), blank=True)

    class Meta:
        verbose_name = _("send worker")
        verbose_name_plural = _("send workers")
        ordering = ["started_at", "pk"]

    def __str__(self):
        return f"{self.host} (pid {self.pid})"

    @property
    def retry_delay_display(self):
        """The delay between two tries, in seconds, as "5", "0.2" or "160"."""
        return f"{self.smtp_retry_seconds:g}" if self.smtp_retry_seconds is not None else ""
