"""The published issues' sitemap (registered in msme_portal/sitemaps.py):
each issue's address in every language, with the others as alternates."""

from msme_portal.sitemaps import SiteUrlSitemap
from newsletters.models import Issue


class IssueSitemap(SiteUrlSitemap):
    changefreq = "yearly"
    priority = 0.8

    def items(self):
        return Issue.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at
