"""The WSGI application in front of Django's sends a page again before
Django handles the request, as SentPageMiddleware would have sent it, and
leaves every other request to Django."""

import io
import socket
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from msme_portal import sent_pages
from msme_portal.sent_pages import SentPagesApplication, wsgi_application
from tests.factories import make_issue

pytestmark = pytest.mark.django_db

VISITOR = "192.0.2.1"
PROXY = "127.0.0.1"  # trusted by default (settings.TRUSTED_PROXIES)


@pytest.fixture
def application():
    # As Django's test client does: the test's transaction holds the
    # connection, which closing it between requests would lose.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    sent_pages.sent_pages.clear()
    yield SentPagesApplication(WSGIHandler())
    sent_pages.sent_pages.clear()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def handled_by_django():
    """The requests Django itself handled."""
    handled = []

    def count(sender, environ, **kwargs):
        handled.append(environ["PATH_INFO"])

    request_started.connect(count)
    yield handled
    request_started.disconnect(count)


def get(application, path, peer=VISITOR, **headers):
    """(status, headers, body) of a GET as a WSGI server makes it."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": peer,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    body = application(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return answer["status"], dict(answer["headers"]), content


def test_a_page_sent_once_is_sent_again_before_django_handles_the_request(
    application, handled_by_django, django_assert_num_queries
):
    url = make_issue().get_absolute_url()
    status, headers, content = get(application, url)  # rendered, stored and kept as sent
    assert handled_by_django == [url]

    with django_assert_num_queries(0):
        again = get(application, url)

    assert handled_by_django == [url]
    assert again == (status, headers, content)
    assert status == "200 OK"
    assert b"<html" in content
    assert "Content-Security-Policy" in headers
    assert headers["Content-Length"] == str(len(content))


@pytest.mark.parametrize(
    ("headers", "answer"),
    [
        ({"Cookie": "sessionid=abc"}, "200 OK"),
        ({"If-None-Match": "etag"}, "304 Not Modified"),
        ({"Host": "attacker.example"}, "400 Bad Request"),
    ],
    ids=["a session's cookie", "a conditional request", "a host not allowed"],
)
def test_a_request_the_whole_chain_must_answer_goes_to_django(
    application, handled_by_django, headers, answer
):
    url = make_issue().get_absolute_url()
    _, sent, _ = get(application, url)
    get(application, url)
    if "If-None-Match" in headers:
        headers = {"If-None-Match": sent["ETag"]}
    handled_by_django.clear()

    status, _, _ = get(application, url, **headers)

    assert handled_by_django == [url]
    assert status == answer


def test_the_visitor_is_told_apart_behind_the_proxy_as_django_tells_them_apart(
    application, handled_by_django
):
    url = make_issue().get_absolute_url()
    through_proxy = {"peer": PROXY, "X-Forwarded-For": VISITOR, "X-Forwarded-Proto": "https"}
    for _ in range(2):
        get(application, url, **through_proxy)
    handled_by_django.clear()

    _, over_https, _ = get(application, url, **through_proxy)
    # A client talking to gunicorn directly cannot pass itself off as HTTPS:
    # it is not sent the copy made for HTTPS.
    _, claimed_https, _ = get(application, url, **{"X-Forwarded-Proto": "https"})

    assert handled_by_django == [url]
    assert "Strict-Transport-Security" in over_https
    assert "Strict-Transport-Security" not in claimed_https


def test_a_cache_that_fails_is_left_to_django_which_answers_it(
    application, handled_by_django, settings
):
    url = make_issue().get_absolute_url()
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "msme_portal.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }

    status, _, _ = get(application, url)

    assert handled_by_django == [url]
    assert status == "500 Internal Server Error"


def test_the_portal_is_served_with_the_application_in_front_only_with_its_middleware(settings):
    from msme_portal import wsgi

    assert isinstance(wsgi.application, SentPagesApplication)
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "msme_portal.sent_pages.SentPageMiddleware"
    ]
    django_application = WSGIHandler()
    assert wsgi_application(django_application) is django_application
