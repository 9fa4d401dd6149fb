"""Site-wide behaviour: security headers, health check, error pages."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_security_headers_on_a_public_page(client):
    response = client.get("/en/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_admin_policy_allows_the_editor_but_still_forbids_other_hosts(client):
    response = client.get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "http" not in policy


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_production_redirects_to_https_and_sends_hsts(client):
    response = client.get("/en/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    secure_response = client.get("/en/", secure=True)
    assert "max-age=31536000" in secure_response["Strict-Transport-Security"]


def test_healthz_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_fails_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import DatabaseError

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"site.css" in response.content


def test_a_form_sent_without_its_security_token_gets_the_styled_explanation():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/en/subscribe/", {"email": "a@example.org"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "security token was missing or out of date" in html
    # The site's shell, with its navigation, around it.
    assert 'href="/en/issues/"' in html and "site.css" in html


def test_robots_txt_points_to_the_sitemap_and_keeps_admin_out(client, settings):
    settings.SITE_URL = "https://newsletter.example.org"
    # Whatever host the request names, the sitemap is at the site's address.
    response = client.get("/robots.txt", HTTP_HOST="localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://newsletter.example.org/sitemap.xml" in body


def test_a_server_error_gets_the_styled_page_in_the_sites_fonts(settings):
    settings.ROOT_URLCONF = "tests.msme_portal.failing_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert [Path(address).name.split(".")[0] for address in stylesheets] == ["fonts", "site"]
