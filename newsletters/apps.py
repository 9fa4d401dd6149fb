from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletter")

    def ready(self):
        from newsletters import page_cache, thumbnails

        page_cache.connect_signals()
        thumbnails.connect_signals()
