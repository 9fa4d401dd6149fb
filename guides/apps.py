from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Trade4MSMEs guides")

    def ready(self):
        from guides.models import Guide, Topic
        from msme_portal import page_cache, sitemaps

        # What the public pages show (msme_portal/page_cache.py).
        page_cache.invalidate_on(Guide, Topic)
        sitemaps.add_static_pages("guides:guide_list")
