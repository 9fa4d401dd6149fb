"""gunicorn, started as docs/deployment.md's command starts it, stays
responsive when clients connect and send nothing, and its workers share
clients that keep their connections."""

import os
import re
import socket
import subprocess
import time
from collections import Counter

import pytest

from tests.processes import (
    GUNICORN,
    GUNICORN_CONFIG,
    ROOT,
    manage,
    niceness_of,
    production_env,
    running_gunicorn,
    sqlite_url,
)

WORKERS = 2
THREADS = 4  # gunicorn.conf.py
# More connections that send nothing than the threads of all workers.
IDLE_CONNECTIONS = 3 * WORKERS * THREADS
# A request whose headers a thread reads until the test sends their end.
HELD_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
END_OF_HEADERS = b"\r\n"
# The kernel's states of a TCP socket in /proc/net/tcp.
ESTABLISHED, SYN_RECEIVED = "01", "03"
# A liveness bound, not a speed target: a sync worker holds each idle
# connection for its whole 30 s timeout, and gunicorn's own gthread worker
# gives each one a thread for 5 s in turn.
ANSWER_WITHIN_SECONDS = 10


@pytest.fixture
def production_server(tmp_path):
    env = production_env(sqlite_url(tmp_path / "db.sqlite3"), DJANGO_LOG_LEVEL="WARNING")
    manage("migrate", "--noinput", env=env)
    with running_gunicorn(env, "--workers", str(WORKERS), log=tmp_path / "gunicorn.log") as server:
        yield server


def get(host, port, path):
    """A plain HTTP/1.1 GET; returns the status line."""
    with socket.create_connection((host, port), timeout=ANSWER_WITHIN_SECONDS) as sock:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode())
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    return response.split(b"\r\n", 1)[0].decode()


def test_idle_connections_do_not_stall_the_workers(production_server):
    host, port = production_server.url.removeprefix("http://").split(":")
    port = int(port)
    idle = [socket.create_connection((host, port), timeout=5) for _ in range(IDLE_CONNECTIONS)]
    try:
        # Several requests, so that both workers are reached.
        for _ in range(4):
            assert get(host, port, "/healthz") == "HTTP/1.1 200 OK"
    finally:
        for sock in idle:
            sock.close()
    assert production_server.process.poll() is None, production_server.log_text()


def workers_of(master_pid):
    """The pids of the processes gunicorn's master started."""
    workers = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # The fields after the command's closing parenthesis are its
                # state, then the parent's pid.
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == master_pid:
            workers.append(int(entry))
    return workers


def socket_inodes(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        if match := re.fullmatch(r"socket:\[(\d+)\]", target):
            inodes.add(int(match[1]))
    return inodes


def server_side_connections(port, worker_pids):
    """Who holds each connection to `port`, as the kernel lists them: a
    worker's pid, or None for one that no process has accepted, with the
    connection's state."""
    owner = {inode: pid for pid in worker_pids for inode in socket_inodes(pid)}
    held = Counter()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            state, inode = fields[3], int(fields[9])
            if local_port == port and state in (ESTABLISHED, SYN_RECEIVED):
                held[(state, owner.get(inode) if inode else None)] += 1
    return held


def status_line(sock):
    response = b""
    while b"\r\n" not in response and (chunk := sock.recv(4096)):
        response += chunk
    return response.split(b"\r\n", 1)[0].decode()


def test_each_worker_accepts_only_what_its_threads_can_take(production_server):
    """gunicorn's own worker accepts every connection it reaches first: one
    worker held 15 of a client's 16 kept-alive connections while the other
    had one. This one leaves a connection to a worker with a thread free
    while all its threads are in hand, accepts one itself only when none
    has, and the kernel holds back a connection that has sent nothing."""
    host, port = production_server.url.removeprefix("http://").split(":")
    port = int(port)
    workers = workers_of(production_server.process.pid)
    assert len(workers) == WORKERS
    idle = [socket.create_connection((host, port), timeout=5) for _ in range(3)]
    held = []
    try:
        for _ in range(WORKERS * THREADS):
            sock = socket.create_connection((host, port), timeout=ANSWER_WITHIN_SECONDS)
            sock.sendall(HELD_REQUEST)
            held.append(sock)
        expected = Counter({(ESTABLISHED, pid): THREADS for pid in workers})
        expected[(SYN_RECEIVED, None)] = len(idle)
        wait_for_connections(port, workers, expected)
        # More than every thread can take: a worker accepts them all the same,
        # a little later, rather than leaving them waiting for a free thread.
        for _ in range(WORKERS):
            sock = socket.create_connection((host, port), timeout=ANSWER_WITHIN_SECONDS)
            sock.sendall(HELD_REQUEST)
            held.append(sock)
        found = wait_for_connections(
            port,
            workers,
            lambda found: sum(found[(ESTABLISHED, pid)] for pid in workers) == len(held),
        )
        assert all(found[(ESTABLISHED, pid)] >= THREADS for pid in workers), found
        # Every request is answered once threads are free.
        for sock in held:
            sock.sendall(END_OF_HEADERS)
        assert [status_line(sock) for sock in held] == ["HTTP/1.1 200 OK"] * len(held)
        assert get(host, port, "/healthz") == "HTTP/1.1 200 OK"
    finally:
        for sock in idle + held:
            sock.close()


def wait_for_connections(port, workers, expected):
    """The connections once `expected` (a Counter, or a test of one) holds."""
    deadline = time.monotonic() + ANSWER_WITHIN_SECONDS
    while True:
        found = server_side_connections(port, workers)
        if found == expected if isinstance(expected, Counter) else expected(found):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def autogroup_niceness_of(pid):
    with open(f"/proc/{pid}/autogroup") as autogroup:
        return int(autogroup.read().split()[-1])


def test_the_staffs_gunicorn_runs_its_workers_at_the_niceness_it_is_given(tmp_path):
    env = production_env(
        sqlite_url(tmp_path / "db.sqlite3"), DJANGO_LOG_LEVEL="WARNING", PORTAL_NICENESS="10"
    )
    manage("migrate", "--noinput", env=env)
    # running_gunicorn() starts it in a session of its own, as a service
    # manager does.
    with running_gunicorn(env, "--workers", "2", log=tmp_path / "gunicorn.log") as server:
        master = server.process.pid
        workers = workers_of(master)
        assert len(workers) == 2
        assert [niceness_of(pid) for pid in [master, *workers]] == [10, 10, 10]
        if os.path.exists(f"/proc/{master}/autogroup"):
            assert autogroup_niceness_of(master) == 10
        host, port = server.url.removeprefix("http://").split(":")
        assert get(host, int(port), "/healthz") == "HTTP/1.1 200 OK"


def test_the_readers_gunicorn_keeps_the_usual_niceness(production_server):
    master = production_server.process.pid
    workers = workers_of(master)
    assert [niceness_of(pid) for pid in [master, *workers]] == [os.nice(0)] * (1 + WORKERS)


def test_a_niceness_that_is_not_a_whole_number_from_0_to_19_stops_gunicorn_with_a_message(
    tmp_path,
):
    for value in ("low", "20", "-5"):
        env = production_env(sqlite_url(tmp_path / "db.sqlite3"), PORTAL_NICENESS=value)
        started = subprocess.run(
            [GUNICORN, "--config", str(GUNICORN_CONFIG), "--check-config", "msme_portal.wsgi"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert started.returncode != 0
        message = f"PORTAL_NICENESS must be a whole number from 0 to 19, not {value!r}"
        assert message in started.stdout + started.stderr
