"""A gunicorn worker killed while it makes a stale issue page again.

After an edit made outside the admin (an admin save makes the page again
before it commits), the first reader of the issue page takes the claim to
make it again and the others are served the page as it was (newsletters/
issue_documents.py). A worker killed with SIGKILL in the middle never
releases its claim: the others go on serving the old page until the claim
expires, and then the next reader makes and gets the new one.

The worker is held in the render by a lock on the sections' table, which the
look-up of the stored page does not read and the render does.
"""

import concurrent.futures
import os
import re
import secrets
import signal
import time
from pathlib import Path

import psycopg
import pytest

from newsletters.issue_documents import REMAKING_TIMEOUT
from tests.deployment import services
from tests.deployment.services import ISSUE_SLUG

PATH = f"/en/issues/{ISSUE_SLUG}/"
BODY = "sections-0-body_en"


def issue_id(site):
    return site.query("SELECT id FROM newsletters_issue WHERE slug = %s", [ISSUE_SLUG])[0][0]


# An edit made outside the admin, as a data fix from a shell or an import
# command would make it: it marks the stored page out of date and leaves it
# to the next reader to make again (an admin save makes it before it commits).
SET_FIRST_BODY = """
from newsletters.models import Section
section = Section.objects.filter(issue__slug={slug!r}).order_by("order", "pk").first()
print(section.body_en, end="")
section.body_en = {body!r}
section.save()
"""


def set_first_body(site, body):
    """Give the issue's first section `body` and return the one it had."""
    return site.manage("shell", "-c", SET_FIRST_BODY.format(slug=ISSUE_SLUG, body=body)).stdout


def stored_generations(site):
    """(generation of the stored English page, the issue's generation)."""
    return site.query(
        "SELECT document.generation, generation.number FROM newsletters_issuedocument document"
        " JOIN newsletters_issuepagegeneration generation USING (issue_id)"
        " WHERE document.issue_id = %s AND document.language = 'en'",
        [issue_id(site)],
    )[0]


def stored_page(site):
    """The stored English page of the issue."""
    return site.query(
        "SELECT body FROM newsletters_issuedocument WHERE issue_id = %s AND language = 'en'",
        [issue_id(site)],
    )[0][0]


def workers(gunicorn):
    """The pids of the master's children: its workers."""
    master = gunicorn.process.pid
    children = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces: the parent pid
        # is the second field after it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            children.add(int(name))
    return children


def process_connected_from(candidates, port):
    """Which of the `candidates` pids holds the loopback TCP socket whose
    local port is `port`."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds the connection from port {port}")


def waiting_backend(site, locker_pid, deadline):
    """The client port of the database connection waiting for `locker_pid`'s lock."""
    while time.monotonic() < deadline:
        rows = site.query(
            "SELECT client_port FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(pid))",
            [locker_pid],
        )
        if rows:
            return rows[0][0]
        time.sleep(0.05)
    raise AssertionError("no request came to wait for the sections' lock")


def served(site, response, new_text):
    """What a reader was served, and the stored page, for a failing assertion.
    A stored page at another release means the project's files changed while
    the test ran: a worker that read them afterwards renders rather than
    waits."""
    stored = site.query(
        "SELECT release, generation FROM newsletters_issuedocument"
        " WHERE issue_id = %s AND language = 'en'",
        [issue_id(site)],
    )
    return (
        f"{response.status}, Cache-Control {response.header('cache-control')!r}, "
        f"ETag {response.header('etag')!r}, new text: {new_text in response.text}; "
        f"stored (release, generation): {stored}"
    )


def is_stale(response, old_body):
    return (
        response.status == 200
        and response.header("cache-control") == "no-store"
        and not response.header("etag")
        and response.text == old_body
    )


@pytest.fixture
def edited_issue(site):
    """The Summer 2022 issue's English page stored, then its first section
    edited outside the admin; put back as it was afterwards. Returns the
    stored page from before the edit and the new text."""
    assert site.uncached().get(PATH).status == 200
    generation, current = stored_generations(site)
    assert generation == current
    old_body = stored_page(site)
    new_text = f"Revised while a worker died, {secrets.token_hex(4)}."
    original = set_first_body(site, f"<p>{new_text}</p>")
    assert stored_generations(site)[1] > generation
    try:
        yield old_body, new_text
    finally:
        set_first_body(site, original)


def test_a_worker_killed_while_making_a_stale_page_holds_the_others_on_it_until_its_claim_ends(
    site, edited_issue
):
    old_body, new_text = edited_issue
    gunicorn = site.gunicorn
    workers_before = workers(gunicorn)
    assert len(workers_before) == 3
    conninfo = site.database_url.replace("postgres://", "postgresql://")
    with (
        psycopg.connect(conninfo) as locker,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        locker.execute("LOCK TABLE newsletters_section IN ACCESS EXCLUSIVE MODE")
        sent_at = time.monotonic()
        # The first reader after the edit: it takes the claim and waits in the render.
        first = pool.submit(site.uncached(client="198.51.100.42").get, PATH)
        port = waiting_backend(site, locker.info.backend_pid, sent_at + REMAKING_TIMEOUT / 2)
        killed = process_connected_from(workers_before, port)
        os.kill(killed, signal.SIGKILL)
        locker.rollback()

        # The killed worker's reader gets its connection closed, not a page.
        assert isinstance(first.exception(timeout=30), OSError)

    # Until the claim can have expired, every reader gets the page as it was.
    logged_before = services.logged_requests(gunicorn)
    stale = []
    while time.monotonic() < sent_at + REMAKING_TIMEOUT - 1 and len(stale) < 12:
        response = site.uncached().get(PATH)
        assert response.status == 200, served(site, response, new_text)
        if time.monotonic() < sent_at + REMAKING_TIMEOUT:
            assert is_stale(response, old_body), served(site, response, new_text)
            stale.append(response)
    assert len(stale) >= 3
    # From the other workers, not only one that happened to answer.
    assert len(services.workers_that_answered(gunicorn, since=logged_before)) >= 2

    # gunicorn has started a worker in place of the one killed.
    deadline = time.monotonic() + 30
    while len(workers(gunicorn) - {killed}) < 3:
        assert time.monotonic() < deadline, "no worker replaced the one killed"
        time.sleep(0.1)
    assert killed not in workers(gunicorn)

    # Once the claim has expired, the next reader makes the page again.
    deadline = sent_at + REMAKING_TIMEOUT + 30
    while True:
        response = site.uncached().get(PATH)
        assert response.status == 200, served(site, response, new_text)
        if not is_stale(response, old_body):
            break
        assert time.monotonic() < deadline, "the claim of the killed worker never expired"
        time.sleep(0.2)
    assert new_text in response.text, served(site, response, new_text)
    assert re.match(r"public, max-age=\d+", response.header("cache-control"))
    assert response.header("etag")
    generation, current = stored_generations(site)
    assert generation == current
    assert new_text in stored_page(site)
