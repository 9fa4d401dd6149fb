"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
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
    path("", include("network.urls")),
    path("", include("guides.urls")),
    path("", include("newsletters.subscriber_urls")),
    path("", include("newsletters.urls")),
]

if settings.DEBUG:
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
