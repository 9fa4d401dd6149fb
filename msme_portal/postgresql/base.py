"""Django's PostgreSQL backend, with a health check that costs no round trip
while the connection is sound, and prepared statements for the SQL the
portal runs again and again.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` before the first query of
every request that reuses a connection: on an issue page served from its
stored edition that was a second round trip beside the page's one query,
about an eighth of the request. A connection the server has closed, or is
closing (a restart, `pg_terminate_backend()`, an idle timeout), has its
error message or the end of the stream waiting on its socket, and an idle
sound connection has nothing: so `SELECT 1` is sent only when the socket has
something to read.

`prepared_cursor()` runs SQL that is the same text on every request, only
its parameters new (msme_portal/compiled_queries.py, the issue page's
look-up), as a statement the server parses and plans once per connection:
planning the lists' small queries took one to two times as long as running
them (docs/architecture.md, "Queries compiled once, addresses worked out
once"). Django
turns prepared statements off by default, and so does the portal with
DJANGO_DB_PREPARED_STATEMENTS=0, for a connection pooler that cannot keep
them (PgBouncer before 1.21 in transaction mode; docs/deployment.md).

ENGINE: msme_portal.postgresql (set by the settings for a postgres:// URL).
"""

import select
import sys

from django.conf import settings
from django.db.backends.postgresql import base, operations
from psycopg.pq import Format


class PreparingCursor(base.ServerBindingCursor):
    """Binds parameters on the server, and prepares each statement the
    first time it runs on its connection (psycopg keeps the latest 100)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # As Django tells it for its own server-binding cursors: the SQL with
        # its parameters written in (what a query log or a test shows).
        if isinstance(cursor, PreparingCursor):
            return self.compose_sql(sql, params)
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        if not readable:
            return True
        # A notice, or the server's goodbye: only a query can tell.
        return super().is_usable()

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if settings.DATABASE_PREPARED_STATEMENTS:
            # Django leaves psycopg's preparing off (None). On, but never by
            # a count of runs: only what a PreparingCursor asks for.
            connection.prepare_threshold = sys.maxsize
        return connection

    def prepared_cursor(self):
        """A cursor, as cursor() gives, whose statements are prepared: for
        SQL whose text never changes, only its parameters."""
        if not settings.DATABASE_PREPARED_STATEMENTS:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparingCursor(self.connection)
            # As Django's create_cursor() does for its own cursors.
            loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)
            if self.timezone != loader.timezone:
                base.register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)
