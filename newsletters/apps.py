from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletter")

    def ready(self):
        from msme_portal import thumbnails
        from newsletters import page_cache
        from newsletters.models import Issue, Section

        page_cache.connect_signals()
        thumbnails.delete_replaced_thumbnails_of(Issue, Section)
