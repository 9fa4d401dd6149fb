"""gunicorn, started as docs/deployment.md's command starts it, stays
responsive when clients connect and send nothing."""

import socket

import pytest

from tests.processes import manage, production_env, running_gunicorn, sqlite_url

WORKERS = 2
THREADS = 4  # gunicorn.conf.py
# More connections that send nothing than the threads of all workers.
IDLE_CONNECTIONS = 3 * WORKERS * THREADS
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
