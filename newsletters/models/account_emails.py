"""The queue of account emails ("confirm your address", "you are already
subscribed") that the public subscription pages ask for.

A request writes one row, whatever the address, and neither reads nor
writes the subscriber list: a sign-up's details wait in the row, and the
send worker (`newsletters/mail/outbox.py`) records the sign-up and decides
what, if anything, the address gets. So neither the answer nor its timing
tells whether an address is on the list, or whether it was confirmed. A row
that has left the queue keeps no address and no details: one that was
mailed points to its subscriber instead, and one for an address nobody
subscribed with keeps nothing that identifies anyone.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .subscribers import normalize_email


class AccountEmailKind(models.TextChoices):
    """What the visitor asked for."""

    SIGN_UP = "sign_up", _("Sign-up form")
    NEW_LINK = "new_link", _("New confirmation link")
    WELCOME = "welcome", _("Welcome, once confirmed")


class AccountEmailStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing to send")
    HELD = "held", _("Not sent: the address had enough emails")
    FAILED = "failed", _("Failed")


class AccountEmailQuerySet(models.QuerySet):
    def queue(self, kind, email, sign_up=None):
        """Record that `email` asked for an account email of `kind`; a
        sign-up brings what the form said (`SubscribeForm.sign_up_details`)."""
        return self.create(kind=kind, email=normalize_email(email), sign_up=sign_up or {})

    def due(self, now):
        return self.filter(status=AccountEmailStatus.QUEUED).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )


class AccountEmail(models.Model):
    kind = models.CharField(_("asked for"), max_length=10, choices=AccountEmailKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccountEmailStatus.choices,
        default=AccountEmailStatus.QUEUED,
    )
    email = models.EmailField(
        _("email address"),
        max_length=254,
        blank=True,
        help_text=_("Kept only while the email waits to be sent."),
    )
    sign_up = models.JSONField(
        _("sign-up details"),
        default=dict,
        blank=True,
        help_text=_("What the sign-up form said, kept until the worker records the sign-up."),
    )
    subscriber = models.ForeignKey(
        "newsletters.Subscriber",
        verbose_name=_("subscriber"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_emails",
        help_text=_("Whom the email went to, once the worker found them."),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_token = models.CharField(_("claimed by"), max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("reason"), blank=True)

    objects = AccountEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("account email")
        verbose_name_plural = _("account emails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="account_email_queue_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_status_display()}"
