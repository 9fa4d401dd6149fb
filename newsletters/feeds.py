"""RSS and Atom feeds of published issues."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from newsletters.models import Issue

FEED_LENGTH = 20


class LatestIssuesFeed(Feed):
    title = _("WTO MSME Group Newsletter")
    description = _(
        "New issues of the newsletter of the WTO Informal Working Group on Micro, Small "
        "and Medium-Sized Enterprises."
    )

    def link(self):
        return reverse("newsletters:issue_list")

    def items(self):
        return Issue.objects.published()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestIssuesAtomFeed(LatestIssuesFeed):
    feed_type = Atom1Feed
    subtitle = LatestIssuesFeed.description
