"""Cache of the public pages, invalidated by any change to what they show.

A page is stored under its ETag (msme_portal.http_cache.validators()), which
is derived from everything the page depends on: its address, a site-wide
content version, today's date, what the apps add (the newsletter: the latest
publication time that has come) and the code release. Saving or deleting
anything a public page shows replaces the version, so every ETag changes and
the next request renders afresh: an edit in the admin is visible at once.
Each app names those models from its AppConfig.ready(), with
`invalidate_on()` and `invalidate_on_m2m()`. The version is a fresh
timestamp rather than a counter, so a version evicted from the cache can
never resurrect pages stored under an older one.

HttpCacheMiddleware looks pages up before the URL is even resolved, and
stores the answers of views decorated with `cache_public_page` that are
public (anonymous visitors, no cookie set, 200): logged-in users (staff
checking their edits) are never served from, nor stored into, this cache.

With several app servers the cache must be shared (Redis, Memcached) for an
edit on one server to reach the others; see CACHES in the settings.
"""

import functools
import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "public-pages:version"
PAGE_KEY = "public-pages:page:{etag}"
PAGE_TIMEOUT = 60 * 60


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def invalidate(**kwargs):
    """Signal receiver: every cached public page is stale from now on."""
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def invalidate_on(*models):
    """Make every save or delete of these models replace the content version."""
    for model in models:
        uid = f"public-pages-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")


def invalidate_on_m2m(*throughs):
    """Likewise for changes to these many-to-many relations (their `through`)."""
    for through in throughs:
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"public-pages-{through}")


def stored_page(etag):
    """A new response with the page stored under `etag`, or None."""
    stored = cache.get(PAGE_KEY.format(etag=etag))
    if stored is None:
        return None
    content, content_type = stored
    return HttpResponse(content, content_type=content_type)


def store_page(etag, response):
    stored = (response.content, response["Content-Type"])
    cache.set(PAGE_KEY.format(etag=etag), stored, PAGE_TIMEOUT)


def cache_public_page(view=None, *, allowed_params=()):
    """Let HttpCacheMiddleware store the view's pages (see the module's
    docstring for which). Requests with query parameters other than
    `allowed_params` are not stored, so arbitrary query strings cannot fill
    the cache."""

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            response = view_func(request, *args, **kwargs)
            response.public_page = all(param in allowed_params for param in request.GET)
            return response

        return wrapper

    if view is not None:
        return decorator(view)
    return decorator
