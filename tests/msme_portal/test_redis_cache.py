"""The Redis cache backend (msme_portal/redis_cache.py) against a real Redis:
it works as Django's, and keeps one client instead of making one per call."""

import pytest
from django.core.cache.backends import redis as django_redis

from msme_portal.redis_cache import RedisCache
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
