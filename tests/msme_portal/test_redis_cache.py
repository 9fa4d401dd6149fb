"""The Redis cache backend (msme_portal/redis_cache.py) against a real Redis:
it works as Django's, keeps one client instead of making one per call, and
keeps a watched key's copy exactly as long as Redis reports no change."""

import os
import threading
import time

import pytest
import redis as redis_lib
from django.core.cache.backends import redis as django_redis

from msme_portal import page_cache
from msme_portal import redis_cache as redis_cache_module
from msme_portal.redis_cache import RedisCache, WatchedKey
from tests.deployment import services


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = services.start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_cache(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "test"})
    yield cache
    cache.clear()


def test_it_stores_reads_and_deletes_like_djangos(redis_cache, redis_url):
    djangos = django_redis.RedisCache(redis_url, {"KEY_PREFIX": "test"})

    redis_cache.set("version", 41)
    assert djangos.get("version") == 41
    assert redis_cache.add("version", 42) is False
    assert redis_cache.get_many(["version", "missing"]) == {"version": 41}
    assert redis_cache.incr("version") == 42
    redis_cache.delete("version")
    assert djangos.get("version") is None
    assert redis_cache.add("version", 43) is True


def test_every_call_uses_the_same_client(redis_cache, monkeypatch):
    client = redis_cache._cache
    made = []
    real = client._client

    def counting(**kwargs):
        made.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(client, "_client", counting)
    for n in range(5):
        redis_cache.set(f"key-{n}", n)
        assert redis_cache.get(f"key-{n}") == n

    assert len(made) == 1


def told(writer):
    """Return once Redis has written the invalidations of `writer`'s writes
    (a Django cache), as RedisCache.flush_invalidations() does."""
    writer._cache.get_client(None, write=True).ping()


def redis_calls(redis_url, command):
    stats = redis_lib.Redis.from_url(redis_url).info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


def test_a_watched_key_is_read_once_until_someone_changes_it(redis_cache, redis_url):
    elsewhere = django_redis.RedisCache(redis_url, {"KEY_PREFIX": "test"})
    elsewhere.set("version", 1)

    before = redis_calls(redis_url, "get")
    assert [redis_cache.watched_get("version") for _ in range(20)] == [1] * 20
    assert redis_calls(redis_url, "get") == before + 1

    # No pause: once the writer has flushed the invalidations, the next read
    # sees the change.
    elsewhere.set("version", 2)
    told(elsewhere)
    assert redis_cache.watched_get("version") == 2
    elsewhere.delete("version")
    told(elsewhere)
    assert redis_cache.watched_get("version") is None
    assert elsewhere.add("version", 3) is True
    told(elsewhere)
    assert redis_cache.watched_get("version") == 3
    redis_lib.Redis.from_url(redis_url).flushdb()
    told(elsewhere)
    assert redis_cache.watched_get("version") is None
    # Other keys do not count as changes.
    elsewhere.set("version", 4)
    told(elsewhere)
    assert redis_cache.watched_get("version") == 4
    before = redis_calls(redis_url, "get")
    elsewhere.set("another-key", 5)
    assert redis_cache.watched_get("version") == 4
    assert redis_calls(redis_url, "get") == before


def test_replacing_the_content_version_returns_once_every_watch_is_told(redis_url, settings):
    """Redis answers the write before it writes the invalidations: the
    PING that follows it is answered only after they are written."""
    settings.CACHES = {
        "default": {
            "BACKEND": "msme_portal.redis_cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "replaced",
        }
    }
    before = redis_calls(redis_url, "ping")
    page_cache.replace_version()
    assert redis_calls(redis_url, "ping") == before + 1
    assert page_cache.read_version() is not None


def test_a_lost_watch_reads_from_redis_until_it_watches_again(redis_cache, redis_url, monkeypatch):
    elsewhere = django_redis.RedisCache(redis_url, {"KEY_PREFIX": "test"})
    elsewhere.set("version", 1)
    assert redis_cache.watched_get("version") == 1
    server = redis_lib.Redis.from_url(redis_url)
    server.client_kill_filter(_type="pubsub")
    # Changed while nobody could tell this process.
    elsewhere.set("version", 2)

    before = redis_calls(redis_url, "get")
    assert [redis_cache.watched_get("version") for _ in range(3)] == [2, 2, 2]
    assert redis_calls(redis_url, "get") == before + 3

    # Once RETRY_WATCH_AFTER has passed, it watches the key again.
    later = time.monotonic() + redis_cache_module.RETRY_WATCH_AFTER
    monkeypatch.setattr(redis_cache_module.time, "monotonic", lambda: later)
    assert redis_cache.watched_get("version") == 2
    before = redis_calls(redis_url, "get")
    assert redis_cache.watched_get("version") == 2
    assert redis_calls(redis_url, "get") == before
    assert len(server.client_list(_type="pubsub")) == 1


def test_a_value_read_while_the_key_changed_is_not_kept(redis_cache, redis_url):
    elsewhere = django_redis.RedisCache(redis_url, {"KEY_PREFIX": "test"})
    elsewhere.set("version", 1)
    key = redis_cache.make_and_validate_key("version")
    client = redis_cache._cache
    watched = WatchedKey(key, client._tracking_connection)

    def read():
        return client._read_first_server(key)

    def read_then_see_a_change():
        value = read()
        elsewhere.set("version", 2)
        told(elsewhere)
        # Another thread takes the invalidation in, and keeps the new value.
        other_thread = threading.Thread(target=watched.get, args=(read,))
        other_thread.start()
        other_thread.join()
        return value

    assert watched.get(read_then_see_a_change) == 1
    assert watched.get(read) == 2
    assert watched.value == 2


def test_a_forked_process_watches_on_its_own_connection(redis_cache, redis_url):
    elsewhere = django_redis.RedisCache(redis_url, {"KEY_PREFIX": "test"})
    elsewhere.set("version", 1)
    assert redis_cache.watched_get("version") == 1
    server = redis_lib.Redis.from_url(redis_url)
    watchers_before = len(server.client_list(_type="pubsub"))
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            value = redis_cache.watched_get("version")
            watchers = len(server.client_list(_type="pubsub"))
            os.write(writing, f"{value} {watchers}".encode())
        finally:
            os._exit(0)
    os.close(writing)
    _, status = os.waitpid(child, 0)
    answer = os.read(reading, 100).decode()
    os.close(reading)
    assert os.waitstatus_to_exitcode(status) == 0
    assert answer == f"1 {watchers_before + 1}"
    # The parent's watch still works.
    elsewhere.set("version", 2)
    told(elsewhere)
    assert redis_cache.watched_get("version") == 2


def test_a_redis_that_refuses_tracking_is_read_every_time(redis_url, monkeypatch):
    """As a Redis older than 6, or an account without CLIENT, answers: the
    key is read from Redis on every call, and no connection is left behind."""
    server = redis_lib.Redis.from_url(redis_url)
    server.acl_setuser(
        "no-tracking", enabled=True, passwords=["+secret"], keys=["*"], channels=["*"],
        commands=["+@all", "-client"],
    )  # fmt: skip
    url = redis_url.replace("redis://", "redis://no-tracking:secret@")
    cache = RedisCache(url, {"KEY_PREFIX": "refused"})
    cache.set("version", 1)
    later = time.monotonic()
    monkeypatch.setattr(redis_cache_module.time, "monotonic", lambda: later)

    before = redis_calls(redis_url, "get")
    for _ in range(3):
        later += redis_cache_module.RETRY_WATCH_AFTER  # it tries again each time
        assert cache.watched_get("version") == 1
    assert redis_calls(redis_url, "get") == before + 3
    connections = [client for client in server.client_list() if client["user"] == "no-tracking"]
    assert len(connections) == 1  # the cache's own pool
    server.acl_deluser("no-tracking")
