from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save


class MsmePortalConfig(AppConfig):
    """Project-wide pieces: templates tags, checks and commands shared by the apps."""

    name = "msme_portal"
    verbose_name = "MSME portal"

    def ready(self):
        from django.db.models.signals import post_migrate

        from msme_portal import shared_cache
        from msme_portal.images import replace_uploads_with_clean_images
        from msme_portal.plain_text import clean_text_fields

        # `migrate` creates the database cache's table (msme_portal/shared_cache.py).
        # post_migrate is sent once per app that has models, which this one
        # has not: hang it on contenttypes, always installed.
        post_migrate.connect(
            shared_cache.create_cache_tables,
            sender=apps.get_app_config("contenttypes"),
            dispatch_uid="msme-cache-tables",
        )

        for model in project_models():
            # Text fields drop control characters (msme_portal/plain_text.py).
            clean_text_fields(model)
            # Images are stored re-encoded, whatever path saves them
            # (msme_portal/images.py).
            if any(isinstance(field, models.ImageField) for field in model._meta.fields):
                pre_save.connect(
                    replace_uploads_with_clean_images,
                    sender=model,
                    dispatch_uid=f"clean_images_{model._meta.label_lower}",
                )


def project_app_configs():
    """The apps that are this project's own packages, not Django's or a
    library's: the ones whose folder sits in BASE_DIR."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        app_config
        for app_config in apps.get_app_configs()
        if Path(app_config.path).resolve().parent == base
    ]


def project_models():
    for app_config in project_app_configs():
        yield from app_config.get_models()
