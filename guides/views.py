"""The public list of Trade4MSMEs guides, filterable by audience and topic,
GUIDES_PER_PAGE at a time: one card per guide
(guides/jinja2/guides/guide_card.html)."""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.renderers import Jinja2
from django.shortcuts import render
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from guides.models import GUIDES_PER_PAGE, LIST_ORDER, Audience, Guide, Topic
from msme_portal.compiled_queries import CompiledValues
from msme_portal.page_cache import cache_public_page

MAX_TEXT_LENGTH = 200
DESCRIPTION_WORDS = 40
FILTERS = ("audience", "topic", "text")

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
    # Rendered by Jinja2 like the page around it: Django's template language
    # took half of the guides page's time drawing these three fields. One
    # renderer for every form, which compiles the widgets' templates once.
    default_renderer = Jinja2()

    audience = forms.ChoiceField(
        label=_("Audience"), choices=[("", _("All audiences")), *Audience.choices], required=False
    )
    # The topics' slugs, from a query compiled once (topic_choices()).
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    text = forms.CharField(label=_("Title contains"), max_length=MAX_TEXT_LENGTH, required=False)

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics")), *topic_choices(language)]

    def clean_text(self):
        # NUL cannot be stored or searched by PostgreSQL.
        return self.cleaned_data["text"].replace("\x00", "").strip()


TOPIC_VALUES = CompiledValues(
    lambda language: Topic.objects.rewrite(False).values_list(
        "slug", *dict.fromkeys([f"name_{language}", f"name_{settings.LANGUAGE_CODE}"])
    )
)


def topic_choices(language):
    """(slug, name) of every topic, named in `language` or else in English,
    in the order of those names (the database would put the untranslated
    ones first, by their empty translation)."""
    choices = [(slug, names[0] or names[-1]) for slug, *names in TOPIC_VALUES.rows(language)]
    return sorted(choices, key=lambda choice: choice[1].casefold())


@dataclass(frozen=True)
class GuideCard:
    """A guide as its card shows it."""

    pk: int
    url: str
    title: str
    audience: str  # "msmes": the card's class
    audience_label: str  # "For MSMEs"
    topic: str
    description: str  # its summary, shortened, or a line about its audience
    has_summary: bool
    site: str  # "trade4msmes.org": where the link goes
    title_language: str  # "en" while the title is not translated, else ""
    summary_language: str


def card_columns(language):
    """The columns a card shows: translated ones in `language` and in
    English, the fallback of a text not yet translated."""
    translated = ("title", "summary", "topic__name")
    return [
        "pk",
        "url",
        "audience",
        *dict.fromkeys(f"{name}_{code}" for name in translated for code in (language, "en")),
    ]


def in_language(row, name, language):
    """Translated field `name` of a row as the page shows it, and the
    language it is in when that is not the page's ("" otherwise)."""
    if row[f"{name}_{language}"]:
        return row[f"{name}_{language}"], ""
    return row[f"{name}_{settings.LANGUAGE_CODE}"] or "", settings.LANGUAGE_CODE


def guide_card(row, language):
    title, title_language = in_language(row, "title", language)
    summary, summary_language = in_language(row, "summary", language)
    summary = " ".join(summary.split())
    audience = row["audience"]
    return GuideCard(
        pk=row["pk"],
        url=row["url"],
        title=title,
        audience=audience,
        audience_label=str(AUDIENCE_LABELS.get(audience, audience)),
        topic=in_language(row, "topic__name", language)[0],
        description=(
            Truncator(summary).words(DESCRIPTION_WORDS, truncate="…")
            if summary
            else str(AUDIENCE_DESCRIPTIONS.get(audience, ""))
        ),
        has_summary=bool(summary),
        site=(urlsplit(row["url"]).hostname or "").removeprefix("www."),
        title_language=title_language,
        summary_language=summary_language if summary else "",
    )


# Every guide as its card reads it, in list order: the unfiltered list,
# the page most visitors see, is paged from it in one query.
EVERY_GUIDE = CompiledValues(
    lambda language: (
        Guide.objects.order_by(*LIST_ORDER).rewrite(False).values_list(*card_columns(language))
    )
)


def filtered_guides(form, language):
    """The guides the filters select, as tuples of card_columns(): the page
    shown makes cards of its rows only."""
    if not form.is_bound:
        return EVERY_GUIDE.rows(language)
    if not form.is_valid():
        return []
    guides = Guide.objects.order_by(*LIST_ORDER)
    if audience := form.cleaned_data["audience"]:
        guides = guides.filter(audience=audience)
    if topic := form.cleaned_data["topic"]:
        guides = guides.filter(topic__slug=topic)
    if text := form.cleaned_data["text"]:
        guides = guides.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    return guides.values_list(*card_columns(language))


@cache_public_page(allowed_params=("page",))
def guide_list(request):
    # The page number is not a filter: ?page=2 alone lists every guide.
    filters = {name: request.GET[name] for name in FILTERS if name in request.GET}
    language = translation.get_language()
    form = GuideFilterForm(filters or None, language=language)
    guides = filtered_guides(form, language)
    page = Paginator(guides, GUIDES_PER_PAGE).get_page(request.GET.get("page"))
    columns = card_columns(language)
    # Links to other pages keep the filters.
    page_query = urlencode({name: value for name, value in filters.items() if value})
    return render(
        request,
        "guides/guide_list.html",
        {
            "form": form,
            "cards": [guide_card(dict(zip(columns, row, strict=True)), language) for row in page],
            "page": page,
            "page_query": f"{page_query}&" if page_query else "",
            "total": page.paginator.count,
            "filtered": form.is_bound,
        },
    )
