"""The sitemap: the site's fixed pages and whatever sitemaps the apps add.

Each app names its fixed pages (`add_static_pages()`) and registers its own
sitemaps (`register()`) from its AppConfig.ready(). Addresses are absolute
under SITE_URL, never the request's Host header. Every page is listed in
each language, with the others (and x-default, English) as alternates.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

# URL names of the fixed pages, added by the apps.
STATIC_PAGES = []


class SiteUrlSitemap(Sitemap):
    """A sitemap whose addresses take SITE_URL's scheme and host, one per
    language of settings.LANGUAGES for each item."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        # Django's x-default drops the default language's prefix, but ours
        # has one: an address without it only redirects.
        for url in urls:
            by_language = {alternate["lang_code"]: alternate for alternate in url["alternates"]}
            by_language["x-default"]["location"] = by_language[settings.LANGUAGE_CODE]["location"]
        return urls


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
