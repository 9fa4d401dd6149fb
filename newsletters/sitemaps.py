"""Sitemaps: published issues and the site's fixed pages.

Addresses are absolute under SITE_URL, never the request's Host header.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from newsletters.models import Issue


class SiteUrlSitemap(Sitemap):
    """A sitemap whose addresses take SITE_URL's scheme and host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class IssueSitemap(SiteUrlSitemap):
    changefreq = "yearly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class StaticPageSitemap(SiteUrlSitemap):
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
