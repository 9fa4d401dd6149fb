"""The published issue pages stored whole, one per issue and language, and
each issue's page generation (newsletters/issue_documents.py makes, serves
and drops them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .subscribers import SubscriberLanguage


class IssueDocument(models.Model):
    issue = models.ForeignKey(
        "newsletters.Issue",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    language = models.CharField(_("language"), max_length=2, choices=SubscriberLanguage.choices)
    body = models.TextField(_("page"))
    # The code release it was rendered by (msme_portal/http_cache.py): a
    # deployment that changes templates or translations renders it again.
    release = models.CharField(_("release"), max_length=32)
    built_at = models.DateTimeField(_("made"))
    # The next scheduled publication when it was made: its pager may name
    # that issue from then on, with no edit to say so.
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    # What the page shows besides its own issue, so an edit elsewhere drops
    # only the documents that show it: {"guides": [pk], "organizations": [pk],
    # "economies": [pk], "neighbours": [pk], "members": bool, "meetings": bool}.
    shows = models.JSONField(_("shows"), default=dict)
    # The day the page's registers and meetings are read as of.
    as_of = models.DateField(_("registers as of"))
    # The issue's generation when rendering began: a page whose content
    # changed meanwhile is never served, however late it was stored.
    generation = models.PositiveBigIntegerField(_("generation"))

    class Meta:
        verbose_name = _("stored issue page")
        verbose_name_plural = _("stored issue pages")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "language"], name="one_document_per_issue_and_language"
            ),
        ]

    def __str__(self):
        return f"{self.issue} ({self.language})"


class IssuePageGeneration(models.Model):
    """Raised by every change to what an issue's page shows."""

    issue = models.OneToOneField(
        "newsletters.Issue",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="page_generation",
    )
    number = models.PositiveBigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("issue page generation")
        verbose_name_plural = _("issue page generations")

    def __str__(self):
        return f"{self.issue}: {self.number}"
