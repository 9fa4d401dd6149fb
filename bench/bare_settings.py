"""The bare-Django reference: the portal's own settings and middleware (less
the HTTP-cache middleware, which is part of what is measured), with one view
that returns the saved bytes of the issue page and touches no database.

Served by gunicorn exactly as the portal is; the page's path comes from
BENCH_PAGE_FILE.
"""

from msme_portal.settings import *  # noqa: F403
from msme_portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.bare_urls"
MIDDLEWARE = [name for name in MIDDLEWARE if name != "msme_portal.http_cache.HttpCacheMiddleware"]
