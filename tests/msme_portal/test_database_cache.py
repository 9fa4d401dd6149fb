"""The database cache the portal keeps by default, between real processes:
on PostgreSQL each process keeps the content version until a notification
says it changed (msme_portal/database_cache.py); on SQLite it reads the
table every time. Either way another process's edit is seen at once."""

import json
import subprocess
import time

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection

from tests.processes import PYTHON, ROOT, ProcessDatabase, manage, production_env

HELPER = "tests.msme_portal.cache_watch_process"
# PostgreSQL passes a notification on when the listening session next runs:
# on a loaded machine that can be after the writer's save has returned
# (docs/architecture.md). How long a reader may take to see an edit here;
# one whose notification never came would keep its copy for 30 s.
NOTIFICATION_DELAY = 2.0


class PortalProcess:
    """tests/msme_portal/cache_watch_process.py, asked one command at a time."""

    def __init__(self, env, *arguments):
        self.process = subprocess.Popen(
            [PYTHON, "-m", HELPER, *arguments],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the process ended before answering {command!r}"
        return json.loads(line)

    def read_until(self, version):
        """Its reads until one gives `version`, for NOTIFICATION_DELAY at most."""
        deadline = time.monotonic() + NOTIFICATION_DELAY
        reads = [self.ask("read")]
        while reads[-1]["version"] != version and time.monotonic() < deadline:
            time.sleep(0.01)
            reads.append(self.ask("read"))
        return reads

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    with ProcessDatabase(tmp_path_factory.mktemp("cache")) as database:
        env = production_env(database.url, DJANGO_LOG_LEVEL="WARNING")
        env.pop("DJANGO_CACHE_BACKEND", None)
        manage("migrate", "--noinput", "-v0", env=env)
        database.env = env
        yield database


@pytest.fixture
def portal_process(database):
    started = []

    def start(*arguments, **variables):
        process = PortalProcess({**database.env, **variables}, *arguments)
        started.append(process)
        return process

    yield start
    for process in started:
        process.close()


def test_another_process_s_edit_is_seen_at_once(database, portal_process):
    reader, editor = portal_process(), portal_process()
    first = reader.ask("read")

    written = editor.ask("write")

    assert written["version"] != first["version"]
    assert reader.read_until(written["version"])[-1]["version"] == written["version"]


def test_on_postgresql_the_version_is_read_from_the_table_only_after_a_change(
    database, portal_process
):
    reader, editor = portal_process(), portal_process()
    reader.ask("read")
    reads = [reader.ask("read") for _ in range(3)]
    written = editor.ask("write")
    *before_it_came, seen = reader.read_until(written["version"])
    after = reader.ask("read")

    assert seen["version"] == written["version"]
    if database.vendor == "postgresql":
        assert [read["queries"] for read in reads] == [0, 0, 0]
        # Until the notification came, the copy; then the table, once.
        assert {read["queries"] for read in before_it_came} <= {0}
        assert (seen["queries"], after["queries"]) == (1, 0)
    else:
        assert before_it_came == []
        assert [read["queries"] for read in [*reads, seen, after]] == [1] * 5


def test_an_edit_reaches_the_other_processes_when_it_commits_and_not_before(
    database, portal_process
):
    reader, editor = portal_process(), portal_process()
    before = reader.ask("read")["version"]

    begun = editor.ask("begin")
    assert begun["version"] != before
    assert reader.ask("read")["version"] == before
    editor.ask("commit")

    assert reader.read_until(begun["version"])[-1]["version"] == begun["version"]


def test_an_edit_rolled_back_leaves_the_version_as_it_was(database, portal_process):
    reader, editor = portal_process(), portal_process()
    before = reader.ask("read")["version"]

    editor.ask("begin")
    editor.ask("rollback")

    assert reader.ask("read")["version"] == before
    assert editor.ask("read")["version"] == before


def test_a_process_whose_watch_is_cut_reads_the_table_and_sees_every_edit(database, portal_process):
    if database.vendor != "postgresql":
        pytest.skip("PostgreSQL's notifications: on SQLite every read goes to the table")
    reader, editor = portal_process(), portal_process()
    reader.ask("read")
    listener = reader.ask("listener")["pid"]
    with psycopg.connect(database.url, autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(%s)", [listener])
        # It returns before the session has sent its goodbye and ended.
        deadline = time.monotonic() + 10
        while connection.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [listener]
        ).fetchone():
            assert time.monotonic() < deadline, "the listening session did not end"
            time.sleep(0.01)

    # The lost watch is noticed at the next read, which goes to the table:
    # an edit made meanwhile is seen. The read after it watches again.
    written = editor.ask("write")
    read = reader.ask("read")
    assert (read["version"], read["queries"]) == (written["version"], 1)
    assert reader.ask("read")["queries"] == 1
    assert reader.ask("listener")["pid"] != listener

    written = editor.ask("write")
    assert reader.read_until(written["version"])[-1]["version"] == written["version"]
    assert reader.ask("read")["queries"] == 0


def test_with_the_watch_turned_off_every_read_goes_to_the_table(database, portal_process):
    # As behind a pooler in transaction mode, where a LISTEN hears nothing.
    reader, editor = portal_process(DJANGO_DB_CACHE_WATCH="0"), portal_process()
    reads = [reader.ask("read") for _ in range(3)]
    written = editor.ask("write")
    read = reader.ask("read")

    assert [read["queries"] for read in reads] == [1, 1, 1]
    assert (read["version"], read["queries"]) == (written["version"], 1)


def test_a_change_whose_notification_was_lost_is_read_once_the_copy_is_old(
    database, portal_process
):
    copy_max_age = 2.0
    reader, editor = portal_process(str(copy_max_age)), portal_process()
    before = reader.ask("read")["version"]

    # Written as if its notification had been lost on the way.
    unheard = editor.ask("write-unheard")["version"]
    if database.vendor == "postgresql":
        assert reader.ask("read") == {"version": before, "queries": 0}
    time.sleep(copy_max_age + 0.2)

    assert reader.ask("read") == {"version": unheard, "queries": 1}


@pytest.mark.django_db
def test_the_listening_connection_has_tcp_keepalives_and_a_connect_timeout(settings):
    # It sends nothing of its own: without them, a server gone or a firewall
    # that dropped the idle connection would go unnoticed (until the copy's
    # age sends the reads to the table).
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL is listened to")
    settings.CACHES = {"default": {"BACKEND": "msme_portal.database_cache.DatabaseCache"}}
    with caches["default"]._listening_connection() as listening:
        parameters = listening.info.get_parameters()
    assert parameters["keepalives"] == "1"
    assert int(parameters["keepalives_idle"]) <= 60
    assert int(parameters["connect_timeout"]) <= 10
