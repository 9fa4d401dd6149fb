"""The stored PDF editions of the published issues, one per issue and
language that has an edition (newsletters/pdf_builds.py makes them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .subscribers import SubscriberLanguage


class PdfEdition(models.Model):
    issue = models.ForeignKey(
        "newsletters.Issue",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="pdf_editions",
    )
    language = models.CharField(_("language"), max_length=2, choices=SubscriberLanguage.choices)
    file = models.CharField(_("stored as"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    # The digest of the HTML it was typeset from: a PDF is made again only
    # when something it shows changed.
    source_digest = models.CharField(_("source digest"), max_length=64)
    built_at = models.DateTimeField(_("made"))

    class Meta:
        verbose_name = _("PDF edition")
        verbose_name_plural = _("PDF editions")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "language"], name="one_pdf_edition_per_issue_and_language"
            ),
        ]

    def __str__(self):
        return f"{self.issue} ({self.language})"
