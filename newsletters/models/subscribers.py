"""Newsletter subscribers, their consent, and the count of erased records.

A subscriber is confirmed only through double opt-in (or a staff import with
consent given elsewhere). Erasure deletes the row outright; only the number of
erased records is kept, per day, without any personal data. The emails of
the sign-up are queued as `AccountEmail` rows (`account_emails.py`).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import MemberEconomy


def normalize_email(address):
    """Trim the address and lower-case its domain.

    The local part keeps its case: RFC 5321 lets a mail server treat it as
    case-sensitive. Uniqueness is case-insensitive all the same (see the
    constraint on Subscriber), so "Ana@x.org" and "ana@x.org" are one person.
    """
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local}@{domain.lower()}"


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class SubscriberLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Sign-up form")
    IMPORT = "import", _("Staff import, consent given elsewhere")
    ADMIN = "admin", _("Added by staff; consent given on confirmation")


class SignUpOutcome(models.TextChoices):
    """What a sign-up did. The public form does not act on it: the send
    worker chooses the email from the subscriber's status when it sends."""

    NEEDS_CONFIRMATION = "needs_confirmation"
    ALREADY_CONFIRMED = "already_confirmed"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """The one definition of "receives the newsletter"."""
        return self.filter(status=SubscriberStatus.CONFIRMED)

    def with_email(self, address):
        return self.filter(email__iexact=normalize_email(address))

    def status_counts(self):
        """Subscribers per status, every status present (zero when none)."""
        counts = dict.fromkeys(SubscriberStatus.values, 0)
        for row in self.order_by().values("status").annotate(n=Count("pk")):
            counts[row["status"]] = row["n"]
        return counts

    def sign_up(self, *, email, consent_version, consent_given_at=None, **details):
        """Record a sign-up from the public form and say what it did.

        New, pending and unsubscribed addresses (re)start the double opt-in
        with fresh consent; a confirmed subscriber is left untouched, since
        the person submitting the form has not proved they own the address.
        Two simultaneous sign-ups for one address make one subscriber: the
        loser of the race on the unique constraint re-reads the winner's row.
        """
        email = normalize_email(email)
        fresh_consent = {
            **details,
            "status": SubscriberStatus.PENDING,
            "consent_given_at": consent_given_at or timezone.now(),
            "privacy_statement_version": consent_version,
            "consent_source": ConsentSource.FORM,
            "confirmed_at": None,
        }
        with transaction.atomic():
            try:
                with transaction.atomic():
                    subscriber, created = self.get_or_create(
                        email__iexact=email, defaults={"email": email, **fresh_consent}
                    )
            except IntegrityError:
                subscriber, created = self.get(email__iexact=email), False
            if created:
                return subscriber, SignUpOutcome.NEEDS_CONFIRMATION
            subscriber = self.select_for_update().get(pk=subscriber.pk)
            if subscriber.status == SubscriberStatus.CONFIRMED:
                return subscriber, SignUpOutcome.ALREADY_CONFIRMED
            for field, value in fresh_consent.items():
                setattr(subscriber, field, value)
            subscriber.save()
        return subscriber, SignUpOutcome.NEEDS_CONFIRMATION


class Subscriber(models.Model):
    email = models.EmailField(
        _("email address"),
        max_length=254,
        help_text=_("Unique regardless of letter case."),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    economy = models.ForeignKey(
        MemberEconomy,
        verbose_name=_("economy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscribers",
    )
    economy_other = models.CharField(
        _("other economy"),
        max_length=120,
        blank=True,
        help_text=_("When the economy is not a member of the Group."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=SubscriberLanguage.choices,
        default=SubscriberLanguage.ENGLISH,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    privacy_statement_version = models.CharField(
        _("privacy statement version"),
        max_length=20,
        blank=True,
        help_text=_("The version of the privacy statement the person agreed to."),
    )
    consent_wording = models.ForeignKey(
        "newsletters.ConsentWording",
        verbose_name=_("words agreed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The privacy statement and consent sentence the person was shown."),
    )
    consent_source = models.CharField(
        _("consent given through"),
        max_length=10,
        choices=ConsentSource.choices,
        default=ConsentSource.FORM,
    )
    confirmation_sent_at = models.DateTimeField(_("confirmation email sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("last unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="unique_subscriber_email_ci",
                violation_error_message=_("This address is already on the list."),
            ),
            models.CheckConstraint(
                condition=models.Q(economy__isnull=True) | models.Q(economy_other=""),
                name="subscriber_one_economy",
                violation_error_message=_("Choose a member economy or name another one, not both."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed")
                | models.Q(confirmed_at__isnull=False, consent_given_at__isnull=False),
                name="confirmed_subscriber_has_consent",
                violation_error_message=_(
                    "A confirmed subscriber needs a consent and a confirmation time."
                ),
            ),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)
        if self.economy_id is not None and self.economy_other.strip():
            raise ValidationError(
                {"economy_other": _("Choose a member economy or name another one, not both.")}
            )

    @property
    def economy_display(self):
        return str(self.economy) if self.economy_id else self.economy_other

    def confirm(self, wording=None):
        """Confirm the address; confirming twice is harmless. Returns whether
        anything changed. People added by staff without recorded consent give
        it here, to the `wording` (a ConsentWording) the page showed them."""
        if self.status != SubscriberStatus.PENDING:
            return False
        now = timezone.now()
        self.status = SubscriberStatus.CONFIRMED
        self.confirmed_at = now
        if self.consent_given_at is None:
            self.consent_given_at = now
            self.consent_wording = wording
            self.privacy_statement_version = wording.version if wording else ""
        self.save()
        return True

    def unsubscribe(self):
        """Stop sending to this address; unsubscribing twice is harmless."""
        if self.status == SubscriberStatus.UNSUBSCRIBED:
            return False
        self.status = SubscriberStatus.UNSUBSCRIBED
        self.unsubscribed_at = timezone.now()
        self.save()
        return True


class ErasureRecord(models.Model):
    """How many subscriber records were erased on a day: a count, nothing
    that identifies anyone, kept to account for erasure requests."""

    date = models.DateField(_("date"), unique=True)
    count = models.PositiveIntegerField(_("records erased"), default=0)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}: {self.count}"

    @classmethod
    def add(cls, count, date=None):
        if count <= 0:
            return
        date = date or timezone.localdate()
        with transaction.atomic():
            record, created = cls.objects.select_for_update().get_or_create(
                date=date, defaults={"count": count}
            )
            if not created:
                cls.objects.filter(pk=record.pk).update(count=F("count") + count)

    @classmethod
    def total(cls):
        return cls.objects.aggregate(total=models.Sum("count"))["total"] or 0
