"""Path prefixes of the pages that are never public.

The HTTP cache keeps every one of them private (msme_portal/http_cache.py);
the content security policy loosens itself for the editor's pages only
(msme_portal/middleware.py).
"""

# Staff pages that embed the rich-text editor.
EDITOR_PATH_PREFIXES = ("/admin/", "/editor/")

# Pages no shared cache may keep: staff pages, the sign-up and unsubscribe
# forms, and the health check.
PRIVATE_PATH_PREFIXES = (*EDITOR_PATH_PREFIXES, "/subscribe", "/unsubscribe", "/healthz")
