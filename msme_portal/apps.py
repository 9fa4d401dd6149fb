from django.apps import AppConfig


class MsmePortalConfig(AppConfig):
    """Project-wide pieces: templates tags, checks and commands shared by the apps."""

    name = "msme_portal"
    verbose_name = "MSME portal"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from msme_portal import shared_cache

        # post_migrate is sent once per app that has models, which this one
        # has not: hang the cache table on contenttypes, always installed.
        post_migrate.connect(
            shared_cache.create_cache_tables,
            sender=apps.get_app_config("contenttypes"),
            dispatch_uid="msme-cache-tables",
        )
