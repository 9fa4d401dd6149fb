"""Publishing and unpublishing reach every worker and every reader behind the proxy."""

import re
import time

import pytest

from tests.deployment import services
from tests.deployment.services import ISSUE_SLUG, PASSWORD, PUBLIC_MAX_AGE, PUBLISHER

ISSUE_LINK = f'href="/en/issues/{ISSUE_SLUG}/"'
REQUESTS = 60


@pytest.fixture
def publisher(site):
    """A Publishers-group member signed in through the proxy."""
    visitor = site.visitor(source="127.0.0.30")
    assert visitor.sign_in(PUBLISHER, PASSWORD).status == 302
    return visitor


def issue_id(site):
    return site.query("SELECT id FROM newsletters_issue WHERE slug = %s", [ISSUE_SLUG])[0][0]


def run_action(site, staff, action):
    """Run an issues-list action as the admin's form does; returns the page
    the redirect lands on."""
    changelist = "/admin/newsletters/issue/"
    token = staff.csrf_token(changelist)
    response = staff.post(
        changelist,
        {"csrfmiddlewaretoken": token, "action": action, "_selected_action": issue_id(site),
         "index": "0"},
    )  # fmt: skip
    assert response.status == 302, response.text[:500]
    location = response.header("location").removeprefix(f"https://localhost:{staff.port}")
    landing = staff.get(location)
    assert landing.status == 200
    return landing


def publish_again(site, staff):
    """Publish the issue again as a Publisher does: the action asks about its
    2022 publication date, and the Publisher keeps it."""
    landing = run_action(site, staff, "publish")
    assert "is in the past" in landing.text
    confirm = f"/admin/newsletters/issue/{issue_id(site)}/publish/"
    token = staff.csrf_token(confirm)
    response = staff.post(confirm, {"csrfmiddlewaretoken": token, "date": "keep"})
    assert response.status == 302, response.text[:500]
    location = response.header("location").removeprefix(f"https://localhost:{staff.port}")
    landing = staff.get(location)
    assert landing.status == 200
    return landing


def anonymous_pages(site, gunicorn, path, count=REQUESTS):
    """`count` anonymous requests to `gunicorn`, each on a new connection so
    they spread over its workers."""
    return [site.uncached(gunicorn=gunicorn).get(path) for _ in range(count)]


def test_unpublishing_and_publishing_reach_every_worker_at_once(site, app_server):
    publisher = site.uncached(client="198.51.100.30", gunicorn=app_server)
    assert publisher.sign_in(PUBLISHER, PASSWORD).status == 302
    # Every worker renders and keeps the archive with the issue in it.
    served_before = services.logged_requests(app_server)
    before = anonymous_pages(site, app_server, "/en/issues/")
    assert all(ISSUE_LINK in page.text for page in before)
    assert len(services.workers_that_answered(app_server, "/en/issues/", served_before)) >= 2

    landing = run_action(site, publisher, "unpublish")
    assert "Unpublished 1 issue" in landing.text
    served_before = services.logged_requests(app_server)

    after = anonymous_pages(site, app_server, "/en/issues/")
    assert [page.status for page in after] == [200] * REQUESTS
    assert not [page for page in after if ISSUE_LINK in page.text]
    issue_pages = anonymous_pages(site, app_server, f"/en/issues/{ISSUE_SLUG}/", count=20)
    assert {page.status for page in issue_pages} == {404}
    # The answers came from several workers, not one that happened to see the edit.
    assert len(services.workers_that_answered(app_server, since=served_before)) >= 2

    landing = publish_again(site, publisher)
    assert "“Summer 2022” is published." in landing.text
    again = anonymous_pages(site, app_server, "/en/issues/")
    assert all(ISSUE_LINK in page.text for page in again)


def test_an_unpublished_issue_leaves_the_proxy_cache_within_its_freshness(site, publisher):
    reader = site.visitor(source="127.0.0.31")
    path = f"/en/issues/{ISSUE_SLUG}/"
    for _ in range(3):
        page = reader.get(path)
        assert page.status == 200
    assert re.search(rf"max-age={PUBLIC_MAX_AGE}\b", page.header("cache-control"))

    run_action(site, publisher, "unpublish")
    try:
        unpublished_at = time.monotonic()
        statuses = []
        # The documented window: one max-age, then the refresh that fetches
        # the 404 (served stale once while it does). Poll well past it.
        while time.monotonic() - unpublished_at < PUBLIC_MAX_AGE + 8:
            statuses.append((time.monotonic() - unpublished_at, reader.get(path).status))
            time.sleep(0.2)
        first_404 = next(moment for moment, status in statuses if status == 404)
        assert first_404 <= PUBLIC_MAX_AGE + 3
        # Once withdrawn, it stays withdrawn: no stale copy comes back.
        assert {status for moment, status in statuses if moment > first_404} == {404}
    finally:
        publish_again(site, publisher)
    # And it comes back as soon as it is published again, within the same window.
    deadline = time.monotonic() + PUBLIC_MAX_AGE + 5
    while reader.get(path).status != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)
