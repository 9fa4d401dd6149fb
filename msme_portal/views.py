"""Site-wide views: health check, robots.txt, the CSRF failure page, and the
addresses without a language (docs/architecture.md, "Languages in the
address")."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import get_script_prefix, is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from msme_portal.paths import LANGUAGE_PREFIXES


@never_cache
@require_GET
def healthz(request):
    """200 only when the database answers; load balancers poll this."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# Pages behind emailed links, in every language and at their old addresses.
ROBOTS_DISALLOWED = ("/subscribe/confirm/", "/subscribe/preferences/", "/unsubscribe/")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /editor/",
        *(
            f"Disallow: {prefix}{path}"
            for prefix in ("", *LANGUAGE_PREFIXES)
            for path in ROBOTS_DISALLOWED
        ),
        # The configured address, not the Host header the request came with.
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)


def choose_language(request):
    """The site's root: off to the home page in the visitor's language (their
    language cookie, else Accept-Language, else English). The answer depends
    on those headers, so no shared cache may keep it."""
    language = translation.get_language_from_request(request)
    query = request.META.get("QUERY_STRING")
    response = HttpResponseRedirect(
        f"{get_script_prefix()}{language}/" + (f"?{query}" if query else "")
    )
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    response["Cache-Control"] = "private, no-store"
    return response


def old_address(request, path):
    """An address from before the language prefix (bookmarks, links in emails
    already sent): 301 to its English address, query string kept. This
    catch-all keeps CommonMiddleware from appending a slash, so it does."""
    if path in dict(settings.LANGUAGES):  # "/fr" without its slash
        return HttpResponsePermanentRedirect(f"{get_script_prefix()}{path}/")
    english = f"/{settings.LANGUAGE_CODE}/{path}"
    # The language prefix patterns match the active language's prefix only.
    with translation.override(settings.LANGUAGE_CODE):
        if not is_valid_path(english):
            if settings.APPEND_SLASH and not english.endswith("/") and is_valid_path(f"{english}/"):
                english += "/"
            else:
                raise Http404
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(
        get_script_prefix() + english[1:] + (f"?{query}" if query else "")
    )
