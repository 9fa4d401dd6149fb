"""Cache of the public pages, invalidated by any change to what they show.

Every cached page is stored under a key that includes a site-wide content
version. Saving or deleting anything a public page shows (an issue, a section,
a meeting, a guide, a member economy...) replaces the version, so the next
request renders afresh: an edit in the admin is visible at once. The version
is a fresh timestamp rather than a counter, so a version evicted from the
cache can never resurrect pages stored under an older one.

With several app servers the cache must be shared (Redis, Memcached) for an
edit on one server to reach the others; see CACHES in the settings.

A scheduled issue comes out without any edit, so keys also count the
scheduled publication times that have passed: the archive, the home page and
the previous issue's "next issue" link change the moment it appears.

Logged-in users (staff checking their edits) are never served from, nor
stored into, this cache.
"""

import functools
import hashlib
import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

VERSION_KEY = "public-pages:version"
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


def connect_signals():
    from guides.models import Guide, Topic
    from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
    from newsletters.models import Issue, Meeting, Question, Section, SectionLink

    models = [
        Issue, Section, Question, SectionLink, Meeting,
        Guide, Topic, MemberEconomy, NetworkOrganization, GroupOfficer,
    ]  # fmt: skip
    for model in models:
        uid = f"public-pages-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Issue.featured_guides.through, Issue.featured_organizations.through):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"public-pages-{through}")


def publications_passed(version):
    """How many of the publication times still to come, as of the last edit,
    have now passed. Shares the HTTP validators' record of publication times,
    loaded once per content version."""
    from newsletters.http_cache import publication_times

    _latest, scheduled = publication_times(version)
    now = timezone.now().timestamp()
    return sum(1 for moment in scheduled if moment <= now)


def page_key(request, *parts):
    version = content_version()
    raw = "|".join(
        [request.get_full_path(), str(publications_passed(version)), *(str(p) for p in parts)]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"public-pages:{version}:{digest}"


def cache_public_page(view=None, *, extra_key=None, allowed_params=()):
    """Cache a GET view's successful responses for anonymous visitors.

    `extra_key(request)` adds what the page depends on besides content edits
    (the date, the latest issue). Requests with query parameters other than
    `allowed_params` are not cached, so arbitrary query strings cannot fill
    the cache.
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or request.user.is_authenticated
                or any(param not in allowed_params for param in request.GET)
            ):
                return view_func(request, *args, **kwargs)
            extra = extra_key(request) if extra_key else ""
            key = page_key(request, extra)
            cached = cache.get(key)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
            return response

        return wrapper

    if view is not None:
        return decorator(view)
    return decorator
