"""Sitemaps: published issues and the site's fixed pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from newsletters.models import Issue


class IssueSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class StaticPageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return [
            "newsletters:home",
            "newsletters:issue_list",
            "network:member_list",
            "network:organization_list",
            "guides:guide_list",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"issues": IssueSitemap, "pages": StaticPageSitemap}
