"""The cache every app process shares: its table, and the check that it is shared.

Several gunicorn workers (or servers) are one site only if they agree on
the content version and count the rate limits together, both of which live
in Django's default cache (see CACHES in the settings). A per-process cache
breaks that silently, so the deploy checks refuse it.
"""

from django.conf import settings
from django.core import checks
from django.core.management import call_command

PER_PROCESS_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def create_cache_tables(using, **kwargs):
    """post_migrate receiver: `migrate` also creates the database cache's
    table (createcachetable makes only tables that are missing)."""
    call_command("createcachetable", database=using, verbosity=0)


@checks.register(checks.Tags.caches, deploy=True)
def check_cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_BACKENDS:
        return []
    return [
        checks.Warning(
            f"The default cache ({backend}) is not shared between processes.",
            hint=(
                "With several workers an edit or an unpublished issue reaches only the "
                "worker that made it, and the sign-up limits count per worker. Leave "
                "DJANGO_CACHE_BACKEND unset (a table in the database) or use Redis."
            ),
            id="msme_portal.W001",
        )
    ]
