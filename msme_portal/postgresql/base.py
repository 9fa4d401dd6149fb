"""Django's PostgreSQL backend, with a health check that costs no round trip
while the connection is sound.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` before the first query of
every request that reuses a connection: on an issue page served from its
stored edition that was a second round trip beside the page's one query,
about an eighth of the request. A connection the server has closed, or is
closing (a restart, `pg_terminate_backend()`, an idle timeout), has its
error message or the end of the stream waiting on its socket, and an idle
sound connection has nothing: so `SELECT 1` is sent only when the socket has
something to read.

ENGINE: msme_portal.postgresql (set by the settings for a postgres:// URL).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        if not readable:
            return True
        # A notice, or the server's goodbye: only a query can tell.
        return super().is_usable()
