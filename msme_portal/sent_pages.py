"""A public page sent once is sent again as it was, headers and all, before
the rest of the middleware runs.

HttpCacheMiddleware answers a stored page before the URL is resolved, but
after the security, session, locale, CSRF and sign-in middleware: for a
page served from a worker's memory, they were a third of its cost. What
they add to an anonymous visitor's public page depends only on the page
(its ETag: address, language, content version, day, release) and on
whether the request came over HTTPS, so the response they finished is kept
under both and replayed to the next such visitor. Anything else goes the
whole way: a conditional request (HttpCacheMiddleware answers 304), a
cookie that may be a signed-in visitor's, an address without a language,
an address to redirect to HTTPS, a host that is not allowed.

Under a WSGI server, SentPagesApplication sends those pages again before
Django handles the request at all (msme_portal/wsgi.py). Design:
docs/architecture.md, "The page and HTTP caches".
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.http.response import ResponseHeaders
from django.utils.translation import get_language_from_path

from msme_portal import http_cache
from msme_portal.page_cache import RecentPages
from msme_portal.paths import PRIVATE_PATH_PREFIXES
from msme_portal.proxies import trust_forwarded_headers

# The same pages as the page cache keeps in memory (page_cache.recent_pages):
# their bytes are shared, only the headers are this module's own.
sent_pages = RecentPages(max_bytes=32 * 1024 * 1024)


def replay_key(request):
    """The key a finished answer to `request` is kept under, (ETag, HTTPS),
    or None when the request must go through every middleware."""
    if request.method not in ("GET", "HEAD"):
        return None
    meta = request.META
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        return None
    if meta.get("HTTP_COOKIE") and any(
        name in request.COOKIES for name in http_cache.PRIVATE_COOKIES
    ):
        return None
    path = request.path_info
    if path.startswith(PRIVATE_PATH_PREFIXES):
        return None
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    language = get_language_from_path(path)
    if language is None:
        return None
    try:
        request.get_host()
    except DisallowedHost:
        return None
    page_validators = http_cache.validators(request, language)
    if page_validators is None:
        return None
    return page_validators[0], secure


class SentHeaders(ResponseHeaders):
    """A sent page's headers, as they were sent. Each was checked (ASCII
    names, Latin-1 values, no line breaks) when first set: for the 13
    headers of a page, checking them again cost an eighth of a replay."""

    def __init__(self, sent):
        self._store = dict(sent._store)


def replayed(content, headers):
    response = HttpResponse(content)
    response.headers = SentHeaders(headers)
    return response


def replayable(request, response, key):
    """Whether `response` is the page stored under the key's ETag as every
    middleware left it: not when the content changed while it was made."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and getattr(response, "stored_page_etag", None) == key[0]
        and not response.streaming
        and not response.cookies
    )


class SentPageMiddleware:
    """Right after ForwardedHeadersMiddleware, which says whether the
    request came over HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = replay_key(request)
        if key is not None:
            sent = sent_pages.get(key)
            if sent is not None:
                return replayed(*sent)
        response = self.get_response(request)
        if key is not None and replayable(request, response, key):
            sent_pages.put(key, (response.content, SentHeaders(response.headers)))
        return response


class SentPagesApplication:
    """The WSGI application in front of Django's: a page SentPageMiddleware
    keeps is sent again from here, before Django makes the request its
    signals, URL configuration and response. For a page served from memory,
    those cost as much again as the rest of the replay.

    The key is worked out as the middleware works it out, from a copy of
    the request's environment with the forwarded headers resolved as
    ForwardedHeadersMiddleware resolves them; whatever else comes, or
    anything that fails on the way, goes to Django untouched, and Django
    answers it (and reports a failure) as it answers any request."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        sent = self.sent_page(environ)
        if sent is None:
            return self.application(environ, start_response)
        content, headers = sent
        start_response("200 OK", list(headers.items()))
        return [content]

    @staticmethod
    def sent_page(environ):
        try:
            meta = dict(environ)
            trust_forwarded_headers(meta)
            key = replay_key(WSGIRequest(meta))
        except Exception:  # Django meets it again, answers and reports it.
            return None
        return None if key is None else sent_pages.get(key)


def wsgi_application(application):
    """`application` with SentPagesApplication in front of it when the
    middleware that keeps the pages is installed."""
    if "msme_portal.sent_pages.SentPageMiddleware" in settings.MIDDLEWARE:
        return SentPagesApplication(application)
    return application
