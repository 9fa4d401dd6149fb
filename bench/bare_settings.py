"""The bare-Django reference: the portal's own settings and middleware (less
the two middleware that serve and store the cached pages, which are part
of what is measured), with one view
that returns the saved bytes of the issue page and touches no database.

Served by gunicorn exactly as the portal is; the page's path comes from
BENCH_PAGE_FILE.
"""

from msme_portal.settings import *  # noqa: F403
from msme_portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.bare_urls"
PAGE_CACHING = (
    "msme_portal.sent_pages.SentPageMiddleware",
    "msme_portal.http_cache.HttpCacheMiddleware",
)
MIDDLEWARE = [name for name in MIDDLEWARE if name not in PAGE_CACHING]
