"""RSS and Atom feeds of published issues, in each language under its
prefix (/fr/feeds/issues/rss/): the channel's language is the address's, its
title and description are translated, and the issues' titles and summaries
are in that language, or in English while they are not translated
(django-modeltranslation's fallback). The links point to the same language.

Every link in them (the channel's, the feed's own, each issue's link and
guid) is absolute under SITE_URL: Django would build them from the request's
Host header, which the client chooses and a caching proxy would keep. Text
goes through `clean_text`, so a row holding a character XML 1.0 cannot carry
(written before the models cleaned their text, or past the ORM) costs that
character, not the whole feed.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from msme_portal.plain_text import clean_text
from newsletters.models import Issue

FEED_LENGTH = 20


def site_url(path):
    """`path` as an absolute address on the configured site."""
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme}://{site.netloc}{path}"


class LatestIssuesFeed(Feed):
    title = _("WTO MSME Group Newsletter")
    description = _(
        "New issues of the newsletter of the WTO Informal Working Group on Micro, Small "
        "and Medium-Sized Enterprises."
    )
    feed_url_name = "newsletters:feed_rss"

    def link(self):
        return site_url(reverse("newsletters:issue_list"))

    def feed_url(self):
        return site_url(reverse(self.feed_url_name))

    def items(self):
        return Issue.objects.published()[:FEED_LENGTH]

    def item_link(self, item):
        return site_url(item.get_absolute_url())

    def item_title(self, item):
        return clean_text(item.title, multi_line=False)

    def item_description(self, item):
        return clean_text(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestIssuesAtomFeed(LatestIssuesFeed):
    feed_type = Atom1Feed
    subtitle = LatestIssuesFeed.description
    feed_url_name = "newsletters:feed_atom"
