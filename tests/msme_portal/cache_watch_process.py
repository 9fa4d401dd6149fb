"""A portal process for tests/msme_portal/test_database_cache.py: reads
commands on its standard input, one a line, and answers each with a line
of JSON.

    read        the content version as a page reads it, and the queries it took
    write       replace the content version, as an edit does
    write-unheard   replace it in the table with no notification (as one lost)
    begin       open a transaction and replace the version in it (as the admin)
    commit      commit it
    rollback    roll it back
    listener    the server process id of this process's watching connection
"""

import json
import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402 (after setup)
from django.core.cache.backends import db  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from msme_portal import database_cache, page_cache  # noqa: E402

# The tests kill the watching connection, and see it watched again at once.
database_cache.RETRY_WATCH_AFTER = 0.0
# How long a copy is kept: the first argument, if given.
if len(sys.argv) > 1:
    database_cache.COPY_MAX_AGE = float(sys.argv[1])


def answer(**values):
    sys.stdout.write(json.dumps(values) + "\n")
    sys.stdout.flush()


def main():
    held = None
    for line in sys.stdin:
        command = line.strip()
        if command == "read":
            with CaptureQueriesContext(connection) as queries:
                version = page_cache.content_version()
            answer(version=version, queries=len(queries))
        elif command == "write":
            page_cache.replace_version()
            answer(version=page_cache.read_version())
        elif command == "write-unheard":
            plain = db.DatabaseCache(settings.CACHES["default"]["LOCATION"], {})
            version = time.time_ns()
            plain.set(page_cache.VERSION_KEY, version, timeout=None)
            answer(version=version)
        elif command == "begin":
            held = transaction.atomic()
            held.__enter__()
            page_cache.replace_version()
            answer(version=page_cache.read_version())
        elif command in ("commit", "rollback"):
            if command == "rollback":
                transaction.set_rollback(True)
            held.__exit__(None, None, None)
            held = None
            answer(done=command)
        elif command == "listener":
            watched = next(iter(database_cache.WATCHED_ROWS.values()))
            answer(pid=watched.connection.info.backend_pid)
        else:
            answer(error=f"unknown command {command!r}")


if __name__ == "__main__":
    main()
