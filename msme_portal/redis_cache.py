"""Django's Redis cache, with one Redis client per server kept for the
process instead of one made for every cache operation, and keys that the
process may keep a copy of for as long as Redis reports no change to them.

Making a `redis.Redis` client builds its table of reply handlers, which
took about 0.2 ms on this project's machine: more than the round trip to
Redis, and paid on every request, since every page reads the content
version. A client is safe to share between threads (each command takes a
connection from the pool), so one per connection pool is enough. Django's
own client leaves `get_client()` to be replaced for this kind of need.

The content version itself is read with `watched_get()`: the round trip
for it was most of what a page served from the cache cost (about 0.2 of
0.4 ms in-process). See WatchedKey.

DJANGO_CACHE_BACKEND=msme_portal.redis_cache.RedisCache
"""

import logging
import os
import threading
import time

from django.core.cache.backends import redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Where Redis sends the invalidations of a connection that tracks keys and
# speaks RESP2 (https://redis.io/docs/latest/develop/reference/client-side-caching/).
INVALIDATIONS_CHANNEL = "__redis__:invalidate"
# How long a process reads the key from Redis every time after it could not
# watch it, before it tries again.
RETRY_WATCH_AFTER = 1.0
MISSING = object()


class WatchedKey:
    """This process's copy of one Redis key, kept until Redis says the key
    changed.

    A connection of its own asks Redis to track the key (CLIENT TRACKING in
    broadcast mode, Redis 6 or later) and to send it an invalidation
    whenever anyone writes, deletes, expires, evicts or flushes the key.
    Redis sends the invalidation in the turn of its event loop that answers
    the write, and a writer that then calls RedisCache.flush_invalidations()
    knows it has been sent; each read looks whether one has arrived (a
    system call, without a round trip), so such a change is not missed.

    While the connection is down (Redis restarted, the connection killed)
    nothing can be trusted: every read goes to Redis until the key is
    watched again.
    """

    def __init__(self, key, make_connection):
        self.key = key
        self.make_connection = make_connection
        # gunicorn's threaded workers read from several threads at once.
        self.lock = threading.Lock()
        self.connection = None
        self.pid = None
        self.retry_at = 0.0
        self.value = MISSING
        # Counts the invalidations: a value read from Redis is kept only if
        # none arrived while it was read.
        self.generation = 0

    def get(self, read):
        """The key's value: the copy while Redis has reported no change, or
        else `read()`'s answer, kept as the copy (None, a missing key, is not
        kept)."""
        with self.lock:
            watching = self._watching()
            if watching and self.value is not MISSING:
                return self.value
            generation = self.generation
        value = read()
        if watching and value is not None:
            with self.lock:
                if self.generation == generation:
                    self.value = value
        return value

    def _watching(self):
        """Whether the copy may be trusted: the key is watched and every
        invalidation Redis sent has been taken into account. Called with the
        lock held."""
        if self.pid != os.getpid():
            # A forked process must not read the parent's connection: it
            # starts its own, leaving the parent's socket alone.
            self.pid = os.getpid()
            self.connection = None
            self.retry_at = 0.0
            self.value = MISSING
        if self.connection is None:
            if time.monotonic() < self.retry_at:
                return False
            try:
                self.connection = self._track()
            except (RedisError, OSError) as error:
                return self._lost(error)
            self.value = MISSING
            self.generation += 1
            return True
        try:
            while self.connection.can_read(timeout=0):
                self.connection.read_response()
                self.value = MISSING
                self.generation += 1
        except (RedisError, OSError) as error:
            return self._lost(error)
        return True

    def _track(self):
        connection = self.make_connection()
        try:
            connection.connect()
            connection.send_command("CLIENT", "ID")
            client_id = connection.read_response()
            # The invalidations go to this same connection, subscribed to them.
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", self.key
            )
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATIONS_CHANNEL)
            connection.read_response()
        except BaseException:
            connection.disconnect()
            raise
        return connection

    def _lost(self, error):
        logger.warning("Reading %s from Redis every time for now: %s", self.key, error)
        if self.connection is not None:
            self.connection.disconnect()
        self.connection = None
        self.value = MISSING
        self.generation += 1
        self.retry_at = time.monotonic() + RETRY_WATCH_AFTER
        return False


# The process's watched keys, by (server, key).
WATCHED_KEYS = {}
WATCHED_KEYS_LOCK = threading.Lock()


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

    def watched_get(self, key):
        # Django makes a cache, and so a client, for each thread: the watch is
        # the process's, shared by its threads.
        server = self._servers[0]
        watched = WATCHED_KEYS.get((server, key))
        if watched is None:
            with WATCHED_KEYS_LOCK:
                watched = WATCHED_KEYS.setdefault(
                    (server, key), WatchedKey(key, self._tracking_connection)
                )
        # Read from the first server, the one writes go to and whose
        # invalidations the key's watch receives.
        return watched.get(lambda: self._read_first_server(key))

    def _read_first_server(self, key):
        value = self.get_client(key, write=True).get(key)
        return None if value is None else self._serializer.loads(value)

    def _tracking_connection(self):
        # RESP2, whatever the pools speak: its invalidations then come as
        # messages of a channel, read like any reply.
        pool = self._pool_class.from_url(self._servers[0], **{**self._pool_options, "protocol": 2})
        return pool.make_connection()


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def watched_get(self, key, version=None):
        """Like get(), from this process's copy while Redis reports no change
        to the key (WatchedKey). For keys kept without a timeout: an expired
        key is reported only when Redis removes it."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.watched_get(key)

    def flush_invalidations(self):
        """Return once Redis has sent every watch the invalidations of the
        writes made so far. Redis writes them in the turn of its event loop
        that answers the write, but after that answer: a PING, read in a
        later turn, is answered once they are all written."""
        self._cache.get_client(write=True).ping()
