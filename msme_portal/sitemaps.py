"""The sitemap: the site's fixed pages and whatever sitemaps the apps add.

Each app names its fixed pages (`add_static_pages()`) and registers its own
sitemaps (`register()`) from its AppConfig.ready(). Addresses are absolute
under SITE_URL, never the request's Host header.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

# URL names of the fixed pages, added by the apps.
STATIC_PAGES = []


class SiteUrlSitemap(Sitemap):
    """A sitemap whose addresses take SITE_URL's scheme and host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StaticPageSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


# The sitemaps served at /sitemap.xml, by name.
SITEMAPS = {"pages": StaticPageSitemap}


def add_static_pages(*url_names):
    """List these fixed pages (URL names, e.g. "guides:guide_list")."""
    STATIC_PAGES.extend(name for name in url_names if name not in STATIC_PAGES)


def register(name, sitemap):
    SITEMAPS[name] = sitemap
