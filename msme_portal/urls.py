"""Root URL configuration.

The public pages carry their language in the address (/en/, /fr/, /es/);
the admin, the editor's views, the health check, robots.txt, the sitemap and
the meetings' calendar at /meetings.ics (in English) do not. Addresses from
before the prefix keep working: see docs/architecture.md, "Languages in the
address".
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from msme_portal import views
from msme_portal.sitemaps import SITEMAPS

admin.site.site_header = _("MSME Group newsletter")
admin.site.site_title = _("MSME Group newsletter")
admin.site.index_title = _("Home")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Ahead of the admin's own URLs, whose last pattern catches every path.
    path("admin/guide/", include("newsletters.admin.staff_guide")),
    path("admin/", admin.site.urls),
    # The rich-text editor's upload and browse views (staff only).
    path("editor/", include("msme_portal.editor")),
]

if settings.ANYMAIL_WEBHOOK_SECRET:
    # An email provider's bounce and complaint reports; without a secret
    # anyone could post them, so there is no webhook.
    urlpatterns += [path("anymail/", include("anymail.urls"))]

urlpatterns += i18n_patterns(
    path("", include("network.urls")),
    path("", include("guides.urls")),
    path("", include("newsletters.subscriber_urls")),
    path("", include("newsletters.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Addresses without a language, as they were before the prefix. Last, so
# that none of them hides an address above; the catch-all leaves alone what
# starts with a language, so those addresses can be missing (a 404).
NOT_MOVED = "|".join([*(code for code, _name in settings.LANGUAGES), "unsubscribe"])
urlpatterns += [
    path("", views.choose_language, name="choose_language"),
    # Calendar clients subscribed to the programme keep its address and
    # follow no language negotiation: it answers in place, in English.
    path("", include("newsletters.calendar_urls")),
    # Every other one moves to its English address, except unsubscription:
    # mail clients POST one-click unsubscriptions (RFC 8058) to the address
    # in emails already sent and follow no redirect, so it answers in place.
    re_path(
        rf"^(?!(?:{NOT_MOVED})/)(?P<path>.+)$",
        views.old_address,
        name="old_address",
    ),
    path(
        "",
        include(("newsletters.subscriber_urls", "subscribers"), namespace="unprefixed_subscribers"),
    ),
]
