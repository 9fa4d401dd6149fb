"""Whether a send worker is alive, told by a lock the system releases when it dies.

Each worker process holds one lock, named after its claim token, from its
start to its end (newsletters/mail/worker.py). Another worker that finds the lock
free knows the process is gone, however it ended (`kill -9`, a crash, a
reboot), and can take its deliveries over at once; a live worker's lock is
never free, so its claims are never taken.

- PostgreSQL: a session-level advisory lock on the worker's connection; the
  server releases it when the connection ends, and the connection ends with
  the process. Others look the lock up in `pg_locks`, which only reads: a
  session that took a lock can take it again (advisory locks are
  re-entrant), so trying to take a lock could never tell a worker that its
  own token is alive. A connection pooler that hands one session to several
  clients (PgBouncer in transaction or statement mode) breaks this: the
  workers need a direct connection or session pooling.
  https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
- SQLite: `flock()` on one file per token in a folder beside the database
  file (an SQLite database is only used from one host); the kernel releases
  it when the process dies. flock() locks belong to an open file, not to a
  process, so a worker testing its own token finds it held too.
"""

import fcntl
import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def advisory_key(token):
    """The bigint naming `token`'s advisory lock, None for a token that is
    not a worker's (an empty one, say): such a token is never alive."""
    try:
        return int(token[:15], 16) if len(token) >= 15 else None
    except ValueError:
        return None


class AdvisoryLocks:
    """Worker locks as PostgreSQL session-level advisory locks."""

    def __init__(self, connection):
        self.connection = connection

    def take(self, token):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [advisory_key(token)])
            (taken,) = cursor.fetchone()
        if not taken:
            raise RuntimeError(f"Another session holds the lock of worker token {token}.")

    def release(self, token):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [advisory_key(token)])

    def alive(self, tokens):
        """The tokens among `tokens` whose lock some session holds."""
        keys = {advisory_key(token): token for token in tokens}
        keys.pop(None, None)
        if not keys:
            return set()
        # A bigint key shows as its high half in classid and its low half in
        # objid, with objsubid 1.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT classid::bigint, objid::bigint FROM pg_locks"
                " WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
                " AND database = (SELECT oid FROM pg_database"
                " WHERE datname = current_database())"
            )
            held = {(high << 32) | low for high, low in cursor.fetchall()}
        return {token for key, token in keys.items() if key in held}

    def forget(self, tokens):
        """Nothing to tidy: a dead session's locks are gone with it."""


class FileLocks:
    """Worker locks as flock()ed files, one per token, in `folder`."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.held = {}  # token -> open file descriptor

    def path(self, token):
        # Tokens are hex; anything else names no file.
        return self.folder / f"{token}.lock" if token.isalnum() else None

    def take(self, token):
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path(token), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise RuntimeError(f"Another process holds the lock of worker token {token}.") from None
        self.held[token] = descriptor

    def release(self, token):
        descriptor = self.held.pop(token, None)
        if descriptor is not None:
            self.path(token).unlink(missing_ok=True)
            os.close(descriptor)

    def alive(self, tokens):
        """The tokens among `tokens` whose file some open file has locked."""
        return {token for token in tokens if self._is_locked(token)}

    def _is_locked(self, token):
        path = self.path(token)
        if path is None:
            return False
        try:
            descriptor = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            # Closing the file drops the lock this look may have taken.
            os.close(descriptor)
        return False

    def forget(self, tokens):
        """Delete the files of dead workers."""
        for token in tokens:
            path = self.path(token)
            if path is not None and token not in self.held:
                path.unlink(missing_ok=True)


def lock_folder(connection):
    """The folder for the SQLite database's worker locks: beside the file, or
    for an in-memory database (tests), which only its own process can open,
    in the temporary folder."""
    if connection.is_in_memory_db():
        return Path(tempfile.gettempdir()) / "msme-portal-send-workers"
    database = Path(connection.settings_dict["NAME"])
    return database.with_name(database.name + ".send-workers")


def worker_locks(connection):
    """The worker locks for the database behind `connection`."""
    if connection.vendor == "postgresql":
        return AdvisoryLocks(connection)
    if connection.vendor == "sqlite":
        return FileLocks(lock_folder(connection))
    raise ImproperlyConfigured(
        f"The send worker runs on PostgreSQL or SQLite, not {connection.vendor}."
    )
