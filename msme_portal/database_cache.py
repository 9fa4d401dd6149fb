"""Django's database cache, with keys that a process may keep a copy of for
as long as PostgreSQL reports no change to them: the counterpart of
msme_portal/redis_cache.py for the cache the portal keeps by default.

Every page read the content version from the table, a round trip that was
most of what a page served from memory cost, and that waited behind an
editor's save for the database's attention. Keys kept without a timeout
(the content version) are written with a NOTIFY in the same transaction,
which PostgreSQL delivers when it commits: each process LISTENs on a
connection of its own, and reads the table again only after a change. See
WatchedRow.

On another database the cache is Django's as it is, and so it is with
DJANGO_DB_CACHE_WATCH=0: a pooler in transaction mode (PgBouncer) hands
each transaction another server session, and a LISTEN would hear nothing.

DJANGO_CACHE_BACKEND=msme_portal.database_cache.DatabaseCache (the default)
"""

import contextlib
import logging
import os
import select
import threading
import time
import uuid

import psycopg
from django.conf import settings
from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, router, transaction

logger = logging.getLogger(__name__)

CHANNEL = "msme_portal_cache"
# How long a process reads the key from the table every time after it could
# not watch it, before it tries again.
RETRY_WATCH_AFTER = 1.0
# How long a writer waits for its own change to come back to it.
FLUSH_PATIENCE = 1.0
# Seconds a copy is kept, whatever the watch says, before the table is read
# again: a notification lost without an error (a firewall that dropped the
# idle connection, a pooler in transaction mode set up by mistake) leaves
# pages stale for this long at most, not until the process restarts.
COPY_MAX_AGE = 30.0
# The listening connection sends nothing of its own: TCP keepalives find a
# server that is gone, and keep the connection alive through firewalls. It
# is made with every thread of the process waiting: never for long.
LISTENING_OPTIONS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
MISSING = object()


class WatchedRow:
    """This process's copy of one key of the cache table, kept until a
    notification says the key was written.

    A connection of its own LISTENs on CHANNEL; each read first takes the
    notifications that have arrived (without a round trip), and a value read
    from the table is kept only if none arrived for the key meanwhile. A
    notification is sent in the writer's transaction, so it arrives after
    the commit that made the new value visible. A copy is kept for
    COPY_MAX_AGE at most. While the connection is down, nothing can be
    trusted: every read goes to the table until the key is watched again."""

    def __init__(self, key, connect):
        self.key = key
        self.connect = connect
        # gunicorn's threaded workers read from several threads at once.
        self.lock = threading.Lock()
        self.connection = None
        self.pid = None
        self.retry_at = 0.0
        self.value = MISSING
        self.read_at = 0.0
        self.generation = 0
        self.received = set()

    def get(self, read):
        with self.lock:
            watching = self._watching()
            fresh = time.monotonic() - self.read_at < COPY_MAX_AGE
            if watching and fresh and self.value is not MISSING:
                return self.value
            generation = self.generation
            read_at = time.monotonic()
        value = read()
        if watching and value is not None:
            with self.lock:
                if self.generation == generation:
                    self.value = value
                    self.read_at = read_at
        return value

    def forget(self):
        """Drop the copy: this process has just written the key."""
        with self.lock:
            self.value = MISSING
            self.generation += 1

    def wait_for(self, token, patience):
        """Wait until the notification carrying `token` has come back, for
        `patience` seconds at most; whether it came."""
        deadline = time.monotonic() + patience
        with self.lock:
            # A watch started after the write would wait for nothing.
            if self.connection is None or not self._watching():
                return False
            while token not in self.received:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                try:
                    self._take(self.connection.notifies(timeout=remaining, stop_after=1))
                except (psycopg.Error, OSError) as error:
                    return self._lost(error)
            self.received.discard(token)
            return True

    def _watching(self):
        """Whether the copy may be trusted. Called with the lock held."""
        if self.pid != os.getpid():
            # A forked process must not read the parent's connection.
            self.pid = os.getpid()
            self.connection = None
            self.retry_at = 0.0
            self.value = MISSING
        if self.connection is None:
            if time.monotonic() < self.retry_at:
                return False
            try:
                self.connection = self.connect()
                self.connection.execute(f"LISTEN {CHANNEL}")
            except (psycopg.Error, OSError) as error:
                return self._lost(error)
            self.value = MISSING
            self.generation += 1
            return True
        try:
            self._take(self.connection.notifies(timeout=0))
            # A session the server ended sends its error and then closes:
            # psycopg takes the error quietly, and raises at the close.
            if select.select([self.connection.fileno()], [], [], 0)[0]:
                self._take(self.connection.notifies(timeout=0))
        except (psycopg.Error, OSError) as error:
            return self._lost(error)
        return True

    def _take(self, notifications):
        for notification in notifications:
            key, _, token = notification.payload.partition("\n")
            if key == self.key:
                self.value = MISSING
                self.generation += 1
                self.received.add(token)
                # Tokens of other processes' writes are never waited for.
                if len(self.received) > 1000:
                    self.received.clear()

    def _lost(self, error):
        logger.warning("Reading %s from the table every time for now: %s", self.key, error)
        if self.connection is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                self.connection.close()
        self.connection = None
        self.value = MISSING
        self.generation += 1
        self.retry_at = time.monotonic() + RETRY_WATCH_AFTER
        return False


# The process's watched rows, by (database, key).
WATCHED_ROWS = {}
WATCHED_ROWS_LOCK = threading.Lock()
# The token of each thread's last notifying write, for flush_invalidations().
last_write = threading.local()


class DatabaseCache(db.DatabaseCache):
    def _database(self):
        return router.db_for_write(self.cache_model_class)

    def _watches(self):
        return (
            settings.DATABASE_CACHE_WATCH and connections[self._database()].vendor == "postgresql"
        )

    def watched_get(self, key, version=None):
        """Like get(), from this process's copy while PostgreSQL reports no
        change to the key (WatchedRow). For keys kept without a timeout:
        only their writes are notified."""
        database = self._database()
        if not self._watches() or connections[database].in_atomic_block:
            # Inside a transaction the table may show a write of this very
            # transaction, which a rollback would take back: never kept.
            return self.get(key, version=version)
        made_key = self.make_and_validate_key(key, version=version)
        watched = WATCHED_ROWS.get((database, made_key))
        if watched is None:
            with WATCHED_ROWS_LOCK:
                watched = WATCHED_ROWS.setdefault(
                    (database, made_key), WatchedRow(made_key, self._listening_connection)
                )
        return watched.get(lambda: self.get(key, version=version))

    def _listening_connection(self):
        parameters = connections[self._database()].get_connection_params()
        return psycopg.connect(**{**LISTENING_OPTIONS, **parameters}, autocommit=True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._notifying(key, timeout, version):
            super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._notifying(key, timeout, version):
            return super().add(key, value, timeout, version)

    @contextlib.contextmanager
    def _notifying(self, key, timeout, version):
        """A write of a key kept without a timeout, and its notification, in
        one transaction: the watchers hear of it when it commits, and only
        if it does."""
        if timeout is not None or not self._watches():
            yield
            return
        database = self._database()
        made_key = self.make_and_validate_key(key, version=version)
        token = uuid.uuid4().hex
        with transaction.atomic(using=database):
            yield
            with connections[database].cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"{made_key}\n{token}"])
        last_write.token = (database, made_key, token)
        if watched := WATCHED_ROWS.get((database, made_key)):
            watched.forget()

    def flush_invalidations(self):
        """Return once this thread's last notifying write has come back to
        this process's own watch, or at once inside a transaction, whose
        commit sends it (the on_commit write flushes again). PostgreSQL has
        then signalled every listening session, and each passes the
        notification on to its process as soon as it runs: unlike Redis's
        PING (msme_portal/redis_cache.py), this cannot tell that the others
        have. A process may serve the old version for that moment, well
        within the minute a proxy may keep a page (docs/deployment.md,
        "How fresh")."""
        written = getattr(last_write, "token", None)
        if written is None:
            return
        database, made_key, token = written
        if connections[database].in_atomic_block:
            return
        last_write.token = None
        watched = WATCHED_ROWS.get((database, made_key))
        if watched is not None and not watched.wait_for(token, FLUSH_PATIENCE):
            logger.warning(
                "The change to %s did not come back within %s s", made_key, FLUSH_PATIENCE
            )
