from django.apps import AppConfig


class MsmePortalConfig(AppConfig):
    """Project-wide pieces: templates tags, checks and commands shared by the apps."""

    name = "msme_portal"
    verbose_name = "MSME portal"
