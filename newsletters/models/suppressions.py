"""The suppression list, and what came back about the mail that was sent.

`Suppression` is the one place that says an address must not be mailed:
why, since when, and from what evidence. The send worker skips a suppressed
address (recording why on the delivery), account emails are not sent to it,
and signing up again does not lift it: only staff do, in the admin, and
the lifting is kept on the row.

`ReturnedMail` is every report about a delivery: a refusal by the mail
server during the send, a bounce, a complaint, an auto-reply, or a message
nobody could attribute, which is kept whole for review
(`newsletters/mail/bounce_handling.py` writes them).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .subscribers import normalize_email


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    SOFT_BOUNCES = "soft_bounces", _("Repeated soft bounces")
    COMPLAINT = "complaint", _("Complaint")
    MANUAL = "manual", _("Added by staff")


class SuppressionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at=None)

    def of(self, address):
        return self.filter(email__iexact=normalize_email(address))

    def suppresses(self, address):
        return self.active().of(address).exists()

    def suppress(self, address, reason, evidence, delivery=None):
        """Suppress `address`, or keep its standing suppression (its first
        reason and evidence stay: they say why mail stopped)."""
        email = normalize_email(address)
        suppression, _created = self.active().get_or_create(
            email__iexact=email,
            defaults={"email": email, "reason": reason, "evidence": evidence, "delivery": delivery},
        )
        return suppression


class Suppression(models.Model):
    email = models.EmailField(_("email address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=20, choices=SuppressionReason.choices)
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("The mail server's reply, or the status and diagnostic of the bounce."),
    )
    delivery = models.ForeignKey(
        "newsletters.Delivery",
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now, db_index=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_note = models.TextField(_("why it was lifted"), blank=True)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(lifted_at=None),
                name="one_active_suppression_per_address",
                violation_error_message=_("This address is already suppressed."),
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_reason_display()})"

    @property
    def is_active(self):
        return self.lifted_at is None

    def lift(self, user, note=""):
        self.lifted_at = timezone.now()
        self.lifted_by = user
        self.lift_note = note
        self.save(update_fields=["lifted_at", "lifted_by", "lift_note"])


class ReturnedMailKind(models.TextChoices):
    HARD_BOUNCE = "hard", _("Hard bounce")
    SOFT_BOUNCE = "soft", _("Soft bounce")
    COMPLAINT = "complaint", _("Complaint")
    AUTO_REPLY = "auto_reply", _("Auto-reply")
    NO_FAILURE = "no_failure", _("Report without a failure")
    UNATTRIBUTED = "unattributed", _("Not attributed: to review")


class ReturnedMailSource(models.TextChoices):
    SMTP = "smtp", _("Refused during the send")
    PIPE = "pipe", _("Delivered to receive_bounce")
    LMTP = "lmtp", _("Delivered over LMTP")
    MAILBOX = "mailbox", _("Fetched from the bounce mailbox")
    PROVIDER = "provider", _("Reported by the email provider")


class ReturnedMail(models.Model):
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    source = models.CharField(_("came"), max_length=10, choices=ReturnedMailSource.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=ReturnedMailKind.choices)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    status = models.CharField(_("status code"), max_length=12, blank=True)
    diagnostic = models.TextField(_("diagnostic"), blank=True)
    delivery = models.ForeignKey(
        "newsletters.Delivery",
        verbose_name=_("delivery"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="returned_mail",
    )
    message = models.TextField(
        _("message"),
        blank=True,
        help_text=_("The message as it came, kept when nobody could attribute it."),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("returned mail")
        verbose_name_plural = _("returned mail")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email or '?'}"
