"""With the cache in Redis, a page served from the cache costs no round trip
to Redis. That an edit still reaches every worker at once is
test_publishing.py's, with the same server."""

import redis

from tests.deployment import services
from tests.deployment.services import ISSUE_SLUG

ISSUE_PAGE = f"/en/issues/{ISSUE_SLUG}/"


def redis_commands(client):
    """How many times Redis has run each command, by name."""
    stats = client.info("commandstats")
    return {name.removeprefix("cmdstat_"): figures["calls"] for name, figures in stats.items()}


def anonymous_pages(site, gunicorn, count):
    """`count` requests, each on a new connection so they spread over the workers."""
    return [site.uncached(gunicorn=gunicorn).get(ISSUE_PAGE) for _ in range(count)]


def test_pages_served_again_make_no_round_trip_to_redis(site, redis_gunicorn):
    # Until every worker has served the page once, and keeps it: once in this
    # test, since the earlier tests' edits made the pages they served stale.
    logged_before = services.logged_requests(redis_gunicorn)
    for _ in range(20):
        assert {page.status for page in anonymous_pages(site, redis_gunicorn, 10)} == {200}
        if len(services.workers_that_answered(redis_gunicorn, ISSUE_PAGE, logged_before)) == 3:
            break
    assert len(services.workers_that_answered(redis_gunicorn, ISSUE_PAGE, logged_before)) == 3

    # One connection, so that the only command of the test's own between
    # the two readings is the INFO that takes the first.
    client = redis.Redis.from_url(redis_gunicorn.redis_url)
    before = redis_commands(client)
    pages = anonymous_pages(site, redis_gunicorn, 60)
    after = redis_commands(client)

    assert {page.status for page in pages} == {200}
    assert len({page.header("etag") for page in pages}) == 1
    before["info"] = before.get("info", 0) + 1
    assert after == before
