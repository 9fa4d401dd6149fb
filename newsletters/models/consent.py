"""The words people agree to when they subscribe, kept version by version.

A `ConsentWording` is one version of the privacy statement and of the
sign-up form's consent sentence, in one language, in force from a date. The
sign-up page shows the version in force in its language; each subscriber's
consent points at the exact version they were shown, so what they agreed to
can be shown word for word years later. A version is never rewritten: new
words are a new version (the admin only adds).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .subscribers import SubscriberLanguage


class ConsentWordingQuerySet(models.QuerySet):
    def in_force(self, language, at=None):
        """The version in force at `at` (default: now) in `language`, else in
        English; None before any version."""
        at = at or timezone.now()
        in_force = self.filter(valid_from__lte=at).order_by("-valid_from", "-pk")
        return (
            in_force.filter(language=language).first()
            or in_force.filter(language=SubscriberLanguage.ENGLISH).first()
        )


class ConsentWording(models.Model):
    version = models.CharField(
        _("version"), max_length=20, help_text=_('A name for this wording, e.g. "2026-11".')
    )
    language = models.CharField(_("language"), max_length=2, choices=SubscriberLanguage.choices)
    statement = models.TextField(
        _("privacy statement"),
        help_text=_("As shown above the consent box. A blank line starts a new paragraph."),
    )
    agreement = models.CharField(
        _("consent sentence"),
        max_length=300,
        help_text=_("The label of the box people tick to agree."),
    )
    valid_from = models.DateTimeField(_("in force from"), default=timezone.now)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsentWordingQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent wording")
        verbose_name_plural = _("consent wordings")
        ordering = ["-valid_from", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"],
                name="one_wording_per_version_and_language",
                violation_error_message=_("This version already has a wording in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.version} ({self.get_language_display()})"

    @property
    def paragraphs(self):
        return [part.strip() for part in self.statement.split("\n\n") if part.strip()]
