"""HTTP caching: public pages a proxy may keep and revalidate, everything
else private; conditional requests answered before the view runs."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from msme_portal.http_cache import HttpCacheMiddleware, release
from msme_portal.page_cache import cache_public_page
from newsletters.views.issue_views import IssueDetailView
from tests.factories import make_issue, make_section

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=60, stale-while-revalidate=300"


@pytest.fixture
def issue():
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Trade finance for small firms")
    make_section(issue, title="MSME Voices")
    return issue


def cache_control(response):
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def assert_private(response):
    assert {"private", "no-store"} <= cache_control(response)
    assert "public" not in cache_control(response)
    assert "ETag" not in response.headers


def test_a_published_page_is_public_with_validators(client, issue):
    response = client.get(issue.get_absolute_url())

    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=60", "stale-while-revalidate=300"}
    assert response.headers["ETag"].startswith('W/"')
    assert "Last-Modified" in response.headers
    assert not response.cookies


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_current_copy_gets_304_without_queries_or_the_view(
    client, issue, django_assert_num_queries, method
):
    etag = client.get(issue.get_absolute_url()).headers["ETag"]

    with (
        mock.patch.object(IssueDetailView, "get", side_effect=AssertionError("view ran")),
        django_assert_num_queries(0),
    ):
        response = getattr(client, method)(
            issue.get_absolute_url(), headers={"If-None-Match": etag}
        )

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag
    assert cache_control(response) == {"public", "max-age=60", "stale-while-revalidate=300"}


def test_if_modified_since_alone_gets_304(client, issue):
    last_modified = client.get(issue.get_absolute_url()).headers["Last-Modified"]

    response = client.get(issue.get_absolute_url(), headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304


def test_an_edit_changes_the_etag_at_once(client, issue):
    first = client.get(issue.get_absolute_url())
    section = issue.sections.get(title="MSME Voices")
    section.title = "Voices of small business"
    section.save()

    response = client.get(issue.get_absolute_url(), headers={"If-None-Match": first["ETag"]})

    assert response.status_code == 200
    assert "Voices of small business" in response.content.decode()
    assert response.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("zone", ["Europe/Zurich", "America/Montevideo"])
def test_the_validators_change_at_the_sites_midnight(client, issue, settings, zone):
    """Upcoming meetings become past ones with the day: a copy of one day is
    never current the next. Geneva's clocks go forward the night after."""
    settings.TIME_ZONE = zone
    local = ZoneInfo(zone)
    url = issue.get_absolute_url()
    with time_machine.travel(datetime(2027, 3, 27, 23, 59, 30, tzinfo=local), tick=False):
        evening = client.get(url)
        assert client.get(url)["ETag"] == evening["ETag"]
    with time_machine.travel(datetime(2027, 3, 28, 0, 0, 30, tzinfo=local), tick=False):
        morning = client.get(url)
        copy_of_the_evening = client.get(url, headers={"If-None-Match": evening["ETag"]})

    assert morning["ETag"] != evening["ETag"]
    assert copy_of_the_evening.status_code == 200
    midnight = datetime(2027, 3, 27, tzinfo=local).timestamp()
    assert parse_http_date(evening["Last-Modified"]) == midnight
    assert parse_http_date(morning["Last-Modified"]) == midnight + 24 * 60 * 60


def test_the_etag_differs_by_query_string(client, issue):
    plain = client.get("/en/search/", {"q": "trade"})
    other = client.get("/en/search/", {"q": "voices"})

    assert plain.headers["ETag"] != other.headers["ETag"]
    crossed = client.get("/en/search/", {"q": "voices"}, headers={"If-None-Match": plain["ETag"]})
    assert crossed.status_code == 200


def test_a_scheduled_issue_coming_out_changes_the_home_page_etag(client, issue):
    coming = make_issue(title="Autumn 2022", published_at=timezone.now() + timedelta(hours=1))
    before = client.get("/en/")
    assert coming.title not in before.content.decode()

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get("/en/", headers={"If-None-Match": before["ETag"]})

    assert response.status_code == 200
    assert coming.title in response.content.decode()


def test_staff_get_private_pages(staff_client, issue):
    response = staff_client.get(issue.get_absolute_url())

    assert response.status_code == 200
    assert_private(response)


def test_a_visitor_with_a_session_is_not_answered_from_a_shared_cache(client, issue):
    etag = client.get(issue.get_absolute_url()).headers["ETag"]
    client.cookies["sessionid"] = "not-a-session"

    response = client.get(issue.get_absolute_url(), headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "public" not in cache_control(response)


def test_the_admin_and_the_preview_are_private(staff_client, issue):
    admin_page = staff_client.get(reverse("admin:index"))
    preview = staff_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))

    assert admin_page.status_code == 200
    # never_cache's own header stands.
    assert {"no-store", "private", "no-cache", "must-revalidate"} <= cache_control(admin_page)
    assert preview.status_code == 200
    assert_private(preview)


def test_the_subscribe_form_is_private(client):
    try:
        url = reverse("subscribers:subscribe")
    except NoReverseMatch:
        pytest.skip("no subscription form yet")

    response = client.get(url)

    assert response.status_code == 200
    assert_private(response)


def test_the_health_check_keeps_its_own_no_store(client):
    response = client.get("/healthz")

    assert "no-store" in cache_control(response)
    assert "public" not in cache_control(response)


def test_a_missing_page_may_be_kept_briefly_so_a_proxy_replaces_a_withdrawn_copy(
    client, issue, settings
):
    settings.PUBLIC_PAGE_MAX_AGE = 7
    response = client.get("/en/issues/no-such-issue/")

    assert response.status_code == 404
    # No stale-while-revalidate, no validators: a proxy stores the 404 in
    # place of its old copy and keeps it no longer than a page.
    assert cache_control(response) == {"public", "max-age=7"}
    assert "ETag" not in response.headers


def test_a_withdrawn_issue_answers_a_public_404(client, issue):
    url = issue.get_absolute_url()
    assert client.get(url).status_code == 200
    issue.status = "draft"
    issue.save()

    response = client.get(url)
    assert response.status_code == 404
    assert cache_control(response) == {"public", "max-age=60"}


def test_a_missing_page_stays_private_for_staff(editor_client):
    response = editor_client.get("/en/issues/no-such-issue/")
    assert response.status_code == 404
    assert_private(response)


def test_a_conditional_request_for_a_missing_page_is_not_answered_304(client, issue):
    etag = client.get(issue.get_absolute_url()).headers["ETag"]

    for tag in (etag, "*"):
        response = client.get("/en/issues/no-such-issue/", headers={"If-None-Match": tag})

        assert response.status_code == 404


def middleware_response(view, path="/a-public-page/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return HttpCacheMiddleware(lambda request: view(request))(request)


def test_a_page_that_uses_a_csrf_token_is_private():
    def form_page(request):
        return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")

    assert_private(middleware_response(form_page))


def test_a_page_that_sets_a_cookie_is_private():
    def greeting(request):
        response = HttpResponse("Hello")
        response.set_cookie("seen", "1")
        return response

    assert_private(middleware_response(greeting))


def test_a_view_that_chose_no_store_keeps_it():
    def export(request):
        response = HttpResponse("a,b")
        response["Cache-Control"] = "no-store"
        return response

    assert middleware_response(export).headers["Cache-Control"] == "no-store"


def test_last_modified_is_never_in_the_future(client, issue):
    response = client.get(issue.get_absolute_url())

    assert parse_http_date(response.headers["Last-Modified"]) <= timezone.now().timestamp()


def test_without_a_working_cache_pages_are_public_but_never_304(client, issue, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    first = client.get(issue.get_absolute_url())

    response = client.get(issue.get_absolute_url(), headers={"If-Modified-Since": http_date()})

    assert cache_control(first) == {"public", "max-age=60", "stale-while-revalidate=300"}
    assert "ETag" not in first.headers
    assert response.status_code == 200


# The page cache, keyed by the ETag


def headers_but_date(response):
    return {name: value for name, value in response.headers.items() if name != "Date"}


def test_a_stored_page_is_served_without_the_view_and_with_the_same_headers(client, issue):
    rendered = client.get(issue.get_absolute_url())

    with mock.patch.object(IssueDetailView, "get", side_effect=AssertionError("view ran")):
        stored = client.get(issue.get_absolute_url())

    assert stored.status_code == 200
    assert stored.content == rendered.content
    assert headers_but_date(stored) == headers_but_date(rendered)
    assert stored.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in stored.headers["Content-Security-Policy"]


def test_pages_with_unexpected_query_parameters_are_never_stored(client, issue):
    url = issue.get_absolute_url() + "?utm_source=newsletter"
    client.get(url)
    render = IssueDetailView.get

    with mock.patch.object(IssueDetailView, "get", autospec=True, side_effect=render) as view:
        response = client.get(url)

    assert response.status_code == 200
    assert view.call_count == 1


def counting_view(answer):
    """A public page's view that counts its calls."""
    calls = []

    @cache_public_page
    def view(request):
        calls.append(request)
        return answer(request)

    return view, calls


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: HttpResponse(f"<input value={get_token(request)}>"),
        lambda request: HttpResponse("Gone", status=410),
    ],
    ids=["uses a CSRF token", "not 200"],
)
def test_only_public_answers_are_stored(answer):
    view, calls = counting_view(answer)

    middleware_response(view)
    middleware_response(view)

    assert len(calls) == 2


def test_a_public_answer_is_stored_once_and_served_after():
    view, calls = counting_view(lambda request: HttpResponse("Hello"))

    first, second = middleware_response(view), middleware_response(view)

    assert len(calls) == 1
    assert second.content == first.content == b"Hello"
    assert second.headers["ETag"] == first.headers["ETag"]


def test_a_worker_reads_its_release_when_it_starts_not_at_its_first_request(settings, tmp_path):
    # A copy of the project's files; the release is their digest.
    for folder in ["templates", "static"]:
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("before")
    settings.BASE_DIR = tmp_path
    release.cache_clear()
    try:
        before = release()
        release.cache_clear()
        HttpCacheMiddleware(lambda request: HttpResponse())  # what a worker does at start
        (tmp_path / "templates" / "page.html").write_text("after, before any request")

        assert release() == before
        release.cache_clear()  # a worker started after the change
        assert release() != before
    finally:
        release.cache_clear()
