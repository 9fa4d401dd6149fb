"""The second bare-Django reference: the same view as bench/bare_settings.py,
with no middleware at all, so the table shows what the portal's middleware
(proxies, locale, CSP, security, sessions…) costs on its own."""

from bench.bare_settings import *  # noqa: F403

MIDDLEWARE = []
