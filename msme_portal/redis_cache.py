"""Django's Redis cache, with one Redis client per server kept for the
process instead of one made for every cache operation.

Making a `redis.Redis` client builds its table of reply handlers, which
took about 0.2 ms on this project's machine: more than the round trip to
Redis, and paid on every request, since every page reads the content
version. A client is safe to share between threads (each command takes a
connection from the pool), so one per connection pool is enough. Django's
own client leaves `get_client()` to be replaced for this kind of need.

DJANGO_CACHE_BACKEND=msme_portal.redis_cache.RedisCache
"""

from django.core.cache.backends import redis


class SharedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        # Pools are kept for the life of the process, so their ids are too.
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
