"""Cache of the public pages, stored under their ETag and invalidated by any
change to what they show: each app names the models whose changes count
(`invalidate_on()`, `invalidate_on_m2m()`) from its AppConfig.ready().
Design: docs/architecture.md, "The page and HTTP caches".
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
    """Let HttpCacheMiddleware store the view's public answers (anonymous
    visitor, 200, no cookie set). Requests with query parameters other than
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
