"""The public list of Trade4MSMEs guides, filterable by audience and topic:
one card per guide (guides/jinja2/guides/guide_card.html)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db.models import Q
from django.shortcuts import render
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from guides.models import Audience, Guide, Topic
from msme_portal.page_cache import cache_public_page

MAX_TEXT_LENGTH = 200
DESCRIPTION_WORDS = 40

AUDIENCE_LABELS = {
    Audience.MSMES: _("For MSMEs"),
    Audience.POLICYMAKERS: _("For policymakers"),
}
# The line a card shows while a guide has no summary of its own.
AUDIENCE_DESCRIPTIONS = {
    Audience.MSMES: _("A practical guide for micro, small and medium-sized enterprises."),
    Audience.POLICYMAKERS: _("A guide for policymakers and trade officials."),
}


class GuideFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Audience"), choices=[("", _("All audiences")), *Audience.choices], required=False
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        empty_label=_("All topics"),
        required=False,
    )
    text = forms.CharField(label=_("Title contains"), max_length=MAX_TEXT_LENGTH, required=False)

    def clean_text(self):
        # NUL cannot be stored or searched by PostgreSQL.
        return self.cleaned_data["text"].replace("\x00", "").strip()


@dataclass(frozen=True)
class GuideCard:
    """A guide as its card shows it."""

    guide: Guide
    audience: str  # "For MSMEs"
    description: str  # its summary, shortened, or a line about its audience
    has_summary: bool
    site: str  # "trade4msmes.org": where the link goes
    title_language: str  # "en" while the title is not translated, else ""
    summary_language: str


def fallback_language(guide, field, language):
    """English when `field` shows its English text for want of a translation."""
    if language == settings.LANGUAGE_CODE or getattr(guide, f"{field}_{language}", ""):
        return ""
    return settings.LANGUAGE_CODE


def guide_card(guide, language):
    summary = " ".join(guide.summary.split())
    return GuideCard(
        guide=guide,
        audience=str(AUDIENCE_LABELS.get(guide.audience, guide.get_audience_display())),
        description=(
            Truncator(summary).words(DESCRIPTION_WORDS, truncate="…")
            if summary
            else str(AUDIENCE_DESCRIPTIONS.get(guide.audience, ""))
        ),
        has_summary=bool(summary),
        site=(urlsplit(guide.url).hostname or "").removeprefix("www."),
        title_language=fallback_language(guide, "title", language),
        summary_language=fallback_language(guide, "summary", language) if summary else "",
    )


@cache_public_page
def guide_list(request):
    form = GuideFilterForm(request.GET or None)
    guides = Guide.objects.select_related("topic").order_by("title", "audience")
    if form.is_bound and form.is_valid():
        if audience := form.cleaned_data["audience"]:
            guides = guides.filter(audience=audience)
        if topic := form.cleaned_data["topic"]:
            guides = guides.filter(topic=topic)
        if text := form.cleaned_data["text"]:
            guides = guides.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    elif form.is_bound:
        guides = guides.none()
    language = translation.get_language()
    cards = [guide_card(guide, language) for guide in guides]
    return render(
        request,
        "guides/guide_list.html",
        {"form": form, "cards": cards, "filtered": form.is_bound},
    )
