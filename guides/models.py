"""The Trade4MSMEs guides: a register that newsletters can point to."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The public list shows this many guides a page, in this order (guides/views.py):
# the title in the active language, and the row's id among equal titles.
GUIDES_PER_PAGE = 24
LIST_ORDER = ("title", "audience", "pk")


class Audience(models.TextChoices):
    MSMES = "msmes", _("MSMEs")
    POLICYMAKERS = "policymakers", _("Policymakers")


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Guide(models.Model):
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="guides"
    )
    url = models.URLField(_("link to the guide"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    added_on = models.DateField(_("added on"))

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = ["title", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "audience"],
                name="unique_guide_title_per_audience",
                violation_error_message=_(
                    "There is already a guide with this title for this audience."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_audience_display()})"

    def get_absolute_url(self):
        """Its card on the list, on the page that shows it."""
        order = list(Guide.objects.order_by(*LIST_ORDER).values_list("pk", flat=True))
        page = order.index(self.pk) // GUIDES_PER_PAGE + 1 if self.pk in order else 1
        query = f"?page={page}" if page > 1 else ""
        return reverse("guides:guide_list") + f"{query}#guide-{self.pk}"
