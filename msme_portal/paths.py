"""Path prefixes of the pages that are never public.

The HTTP cache keeps every one of them private (msme_portal/http_cache.py);
the content security policy loosens itself for the editor's pages only
(msme_portal/middleware.py).
"""

from django.conf import settings

# The public pages' language prefixes (msme_portal/urls.py): "/en", "/fr"...
LANGUAGE_PREFIXES = tuple(f"/{code}" for code, _name in settings.LANGUAGES)

# Staff pages that embed the rich-text editor.
EDITOR_PATH_PREFIXES = ("/admin/", "/editor/")

# The sign-up, confirmation, preferences and unsubscribe pages.
SUBSCRIBER_PATH_PREFIXES = ("/subscribe", "/unsubscribe")

# Pages no shared cache may keep: staff pages, the subscriber's pages in
# every language and at their addresses without one, and the health check.
PRIVATE_PATH_PREFIXES = (
    *EDITOR_PATH_PREFIXES,
    *SUBSCRIBER_PATH_PREFIXES,
    *(language + path for language in LANGUAGE_PREFIXES for path in SUBSCRIBER_PATH_PREFIXES),
    "/healthz",
)
