"""Cache of the public pages, stored under their ETag and invalidated by any
change to what they show: each app names the models whose changes count
(`invalidate_on()`, `invalidate_on_m2m()`) from its AppConfig.ready().
Design: docs/architecture.md, "The page and HTTP caches".

Pages are kept in the shared cache and, for the pages a process served
last, in that process's memory too: the ETag names everything a page
depends on, so a copy kept under it is current wherever it is kept, and
a page served again costs the process only the look-up of the content
version, and with the cache in Redis not even that (`read_version()`).
"""

import functools
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "public-pages:version"
PAGE_KEY = "public-pages:page:{etag}"
PAGE_TIMEOUT = 60 * 60


def content_version():
    version = read_version()
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = read_version()
    return version


def read_version():
    # The Redis backend keeps a copy in each process for as long as Redis
    # reports no change to the key (msme_portal/redis_cache.py): a page
    # served from the cache then costs no round trip at all.
    watched_get = getattr(cache, "watched_get", None)
    if watched_get is not None:
        return watched_get(VERSION_KEY)
    return cache.get(VERSION_KEY)


class VersionNotReplaced(Exception):
    """The cache would not keep a new content version: the pages stored
    under the old one would go on being served as current."""


# Seconds to wait before writing the version again, after each refusal.
VERSION_RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0)


def replace_version():
    # Django's database cache swallows any DatabaseError in set(), such as
    # SQLite's "database is locked" after its busy timeout: read the
    # version back, and write it again until the cache keeps it.
    for delay in (*VERSION_RETRY_DELAYS, None):
        version = time.time_ns()
        cache.set(VERSION_KEY, version, timeout=None)
        if version_kept(version):
            break
        if delay is None:
            raise VersionNotReplaced(f"The cache refused the content version {version}.")
        time.sleep(delay)
    if flush_invalidations := getattr(cache, "flush_invalidations", None):
        # The processes watching the version (Redis, or the database cache
        # on PostgreSQL) hear of the change before the edit's save returns.
        flush_invalidations()


def version_kept(version):
    if isinstance(caches["default"], DummyCache):
        # It keeps no page to invalidate, and no version either.
        return True
    kept = cache.get(VERSION_KEY)
    # Another edit's later write counts too: it made the old pages stale.
    return kept is not None and kept >= version


def invalidate(**kwargs):
    """Signal receiver: every cached public page is stale from now on, and
    again once the edit is committed: a page rendered in between, from the
    content before the commit, was stored under the first new version."""
    replace_version()
    transaction.on_commit(replace_version)


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


class RecentPages:
    """The pages a process stored or served last, by ETag, up to a number of
    bytes: the least recently served go first."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages = OrderedDict()
        # gunicorn's threaded workers serve several requests at once.
        self.lock = threading.Lock()

    def get(self, etag):
        with self.lock:
            stored = self.pages.get(etag)
            if stored is not None:
                self.pages.move_to_end(etag)
            return stored

    def put(self, etag, stored):
        size = len(stored[0])
        if size > self.max_bytes:
            return
        with self.lock:
            if etag in self.pages:
                return
            self.pages[etag] = stored
            self.size += size
            while self.size > self.max_bytes:
                _, (content, _) = self.pages.popitem(last=False)
                self.size -= len(content)

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


# About 400 issue pages of 80 KB per worker.
recent_pages = RecentPages(max_bytes=32 * 1024 * 1024)


def stored_page(etag):
    """A new response with the page stored under `etag`, or None."""
    stored = recent_pages.get(etag)
    if stored is None:
        stored = cache.get(PAGE_KEY.format(etag=etag))
        if stored is None:
            return None
        recent_pages.put(etag, stored)
    content, content_type = stored
    return HttpResponse(content, content_type=content_type)


def store_page(etag, response):
    stored = (response.content, response["Content-Type"])
    cache.set(PAGE_KEY.format(etag=etag), stored, PAGE_TIMEOUT)
    recent_pages.put(etag, stored)


class OneRenderAtATime:
    """While one of a process's threads makes the page for an ETag, the
    others that ask for it wait, then read the page it stored. After an
    edit every request in flight misses the cache at once: each of a
    worker's threads rendered the same page, and stored it again, just as
    readers arrived in numbers.

    A thread waits at most `patience` seconds, then makes the page itself:
    a render that hangs holds up only its own request."""

    def __init__(self, patience):
        self.patience = patience
        self.guard = threading.Lock()
        self.turns = {}  # ETag: [its lock, the threads holding or waiting for it]

    @contextmanager
    def turn(self, etag):
        """Gives whether another thread had the turn first (and so may
        have stored the page)."""
        with self.guard:
            turn = self.turns.setdefault(etag, [threading.Lock(), 0])
            turn[1] += 1
        lock = turn[0]
        acquired = lock.acquire(blocking=False)
        waited = not acquired
        if waited:
            acquired = lock.acquire(timeout=self.patience)
        try:
            yield waited
        finally:
            if acquired:
                lock.release()
            with self.guard:
                turn[1] -= 1
                if not turn[1]:
                    del self.turns[etag]


one_render = OneRenderAtATime(patience=10)


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
