"""HTTP caching headers that browsers and a caching proxy can act on.

Public pages get a public Cache-Control and an ETag derived from what they
depend on, answered 304 (or from the page cache) before the view runs;
everything else is private, no-store. Design: docs/architecture.md, "The
page and HTTP caches".
"""

import functools
import hashlib
import math
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language

from msme_portal import page_cache
from msme_portal.apps import project_app_configs
from msme_portal.paths import PRIVATE_PATH_PREFIXES

STALE_WHILE_REVALIDATE = 300
PRIVATE_CACHE_CONTROL = "private, no-store"

# Cookies whose bearer may see something of their own on a public page.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)

# Callables registered by the apps with add_validator().
LATEST_CHANGES = []

# Source files whose change can change a rendered page: those of the
# project's own apps, and the site-wide templates and styles.
SITE_FOLDERS = ("templates", "static")
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".mo"}


@functools.cache
def release():
    """A digest of the project's code, templates and styles.

    Part of every ETag, so a deployment that changes how pages look is not
    answered with 304 for copies rendered by the previous one. Computed from
    file contents, so servers running the same release agree.
    """
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    app_folders = [Path(app_config.path).name for app_config in project_app_configs()]
    for folder in [*app_folders, *SITE_FOLDERS]:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def add_validator(latest_change):
    """Make `latest_change(content_version)` part of every page's validators.

    It returns the POSIX timestamp of the latest change an app's pages show
    that came without an edit (a scheduled issue coming out): it goes into
    the ETag and counts for Last-Modified. It may cache its answer under the
    content version, which every edit replaces.
    """
    if latest_change not in LATEST_CHANGES:
        LATEST_CHANGES.append(latest_change)


# (time zone, the day's midnight and the next as POSIX timestamps, the day)
# of the day last asked about: every page's validators name it.
day_last_asked = None


def current_day():
    """Today's date in the current time zone, and its midnight as a POSIX
    timestamp: worked out again only when the day or the zone changes."""
    global day_last_asked
    zone = timezone.get_current_timezone()
    now = timezone.now().timestamp()
    known = day_last_asked
    if known is None or known[0] is not zone or not known[1] <= now < known[2]:
        today = timezone.localdate(timezone.now(), zone)
        midnight, next_midnight = (
            timezone.make_aware(datetime.combine(day, time.min), zone).timestamp()
            for day in (today, today + timedelta(days=1))
        )
        known = day_last_asked = (zone, midnight, next_midnight, today)
    return known[3], known[1]


def validators(request, language=None):
    """The page's (ETag, Last-Modified timestamp) for an anonymous visitor,
    in `language` (by default the active one), or None without a working
    cache (no content version to derive them from: the page is then sent
    without validators rather than with wrong ones), and with the page cache
    turned off (settings.PAGE_CACHE_ENABLED)."""
    if not settings.PAGE_CACHE_ENABLED:
        return None
    version = page_cache.content_version()
    if version is None:
        return None
    changes = tuple(latest_change(version) for latest_change in LATEST_CHANGES)
    today, midnight = current_day()
    # The language set by LocaleMiddleware: the address's, or for an address
    # without one the visitor's, so no page stored in one language is
    # served, or answered 304, in another.
    path, language = request.get_full_path(), language or get_language()
    etag = etag_of(path, language, version, today, changes, release())
    last_modified = max(version / 1e9, midnight, *changes)
    return etag, math.floor(last_modified)


# Worked out once for each page and content version: a page served again
# from memory costs no digest.
@functools.lru_cache(maxsize=4096)
def etag_of(full_path, language, version, today, changes, code_release):
    raw = "|".join(
        [
            full_path,
            language,
            str(version),
            today.isoformat(),
            *(repr(moment) for moment in changes),
            code_release,
        ]
    )
    return f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'


def may_be_public(request):
    """Whether the request could get a shared-cacheable answer at all."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIVATE_PATH_PREFIXES)
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
        and not request.user.is_authenticated
    )


def not_modified(request, etag, last_modified):
    """Whether the visitor's copy is current. If-None-Match decides when sent
    (RFC 9110, 13.2.2); If-Modified-Since only without it.

    "*" never matches: before the view runs nobody knows whether the page
    exists. Last-Modified counts whole seconds, so a client that sends only
    If-Modified-Since could keep a copy taken in the very second of a later
    edit; browsers and nginx send the ETag as well.
    """
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        wanted = etag.removeprefix("W/")
        return any(tag.removeprefix("W/") == wanted for tag in parse_etags(if_none_match))
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE") or "")
    return since is not None and last_modified <= since


def sets_cookie(request, response):
    """Whether this response will carry a cookie, counting the ones the CSRF
    and session middleware add after this one has run."""
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
    )


def public_cache_control():
    return (
        f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE}"
    )


def set_public_headers(response, page_validators):
    """For a response that has no Cache-Control of its own."""
    response.headers["Cache-Control"] = public_cache_control()
    if page_validators:
        etag, last_modified = page_validators
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)


class HttpCacheMiddleware:
    """Cache-Control, ETag and Last-Modified for every response; 304 for
    anonymous conditional requests whose copy is current."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Each worker reads the release from the files it started with, not
        # at its first request: files copied in place before a restart would
        # otherwise give workers of one release different ETags and stored
        # pages.
        release()

    def __call__(self, request):
        public = may_be_public(request)
        page_validators = validators(request) if public else None
        if page_validators:
            if not_modified(request, *page_validators):
                response = HttpResponseNotModified()
                set_public_headers(response, page_validators)
                return response
            # The ETag names everything the page depends on: a page stored
            # under it is current, and is served before the URL is resolved.
            response = self.stored(page_validators)
            if response is not None:
                return response
            with page_cache.one_render.turn(page_validators[0]) as waited:
                response = self.stored(page_validators) if waited else None
                if response is None:
                    response = self.answer(request, public, page_validators)
                return response
        return self.answer(request, public, page_validators)

    @staticmethod
    def stored(page_validators):
        response = page_cache.stored_page(page_validators[0])
        if response is not None:
            set_public_headers(response, page_validators)
            response.stored_page_etag = page_validators[0]
        return response

    def answer(self, request, public, page_validators):
        """The view's answer, with its caching headers, stored when public."""
        response = self.get_response(request)
        existing = response.headers.get("Cache-Control", "")
        if "no-store" in existing or (public and existing and "private" not in existing):
            # The view chose: no-store always stands, and so does its own
            # caching of a page anyone may see.
            return response
        if (
            public
            and not existing
            and response.status_code == 200
            and not sets_cookie(request, response)
        ):
            set_public_headers(response, page_validators)
            if (
                page_validators
                and getattr(response, "public_page", False)
                and not response.streaming
            ):
                page_cache.store_page(page_validators[0], response)
                # For SentPageMiddleware (msme_portal/sent_pages.py).
                response.stored_page_etag = page_validators[0]
            return response
        if (
            public
            and not existing
            and response.status_code == 404
            and not sets_cookie(request, response)
        ):
            # A caching proxy must be able to store "not found" too: it is
            # how a withdrawn page's copy gets replaced. nginx keeps serving
            # its stale copy while every refresh brings an answer it may not
            # store. No stale-while-revalidate: a 404 is not worth keeping.
            response.headers["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
            return response
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
