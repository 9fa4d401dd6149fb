"""The portal's deployed shape, started for real: PostgreSQL, gunicorn, nginx, Redis.

Each server is a child process with its output in a log file; `stop()`
ends it and its children. `Site` puts them together as docs/deployment.md deploys
them, and `Visitor` talks to it over HTTP(S) from an address of its own on
loopback (127.0.0.0/8 is all loopback on Linux), so the proxy sees distinct
clients without any header forged by the tests.
"""

import contextlib
import http.client
import http.cookies
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

from tests import processes

BASE_DIR = Path(__file__).resolve().parents[2]
PGBIN = Path("/usr/lib/postgresql/15/bin")

# nginx connects to gunicorn from this address, the only trusted proxy, so
# a client reaching gunicorn from 127.0.0.1 directly is not mistaken for it.
PROXY_ADDRESS = "127.0.0.2"

# The staff accounts the site fixture creates, one in each group, and the
# demo issue.
PASSWORD = "a-long-test-password-" + secrets.token_hex(4)
PUBLISHER = "publisher"
EDITOR = "editor"
ISSUE_SLUG = "summer-2022"
# The public pages' max-age: low so that the freshness window can be waited out in a test.
PUBLIC_MAX_AGE = 2


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(port, *, timeout=30, process=None, host="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answered on {host}:{port} within {timeout} s")


class Service:
    """A server process with its output in `log`."""

    def __init__(self, name, argv, *, log, env=None, cwd=BASE_DIR):
        self.name = name
        self.log = Path(log)
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self):
        processes.stop(self.process)
        self._log_file.close()

    def output(self):
        return self.log.read_text(errors="replace")


# PostgreSQL


class PostgresServer:
    """A throwaway PostgreSQL 15 server (as bin/with-postgres starts one)."""

    def __init__(self):
        # Its own folder under /tmp: as root the server runs as `postgres`,
        # which must be able to reach it (pytest's folders are root's only).
        self.folder = Path(tempfile.mkdtemp(prefix="msme-pg."))
        self.port = free_port()
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._as_pg(PGBIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        self._as_pg(
            PGBIN / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.folder / "server.log",
            "-w",
            "start",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off",
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_pg(self, *argv):
        argv = [str(arg) for arg in argv]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True)

    def stop(self):
        self._as_pg(PGBIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def create_database(server_url):
    """A new, empty database on the server `server_url` names; its URL."""
    import psycopg

    parsed = urllib.parse.urlsplit(server_url)
    name = f"msme_deployed_{secrets.token_hex(4)}"
    conninfo = server_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parsed._replace(path=f"/{name}"))


# Redis


def start_redis(folder):
    port = free_port()
    redis = Service(
        "redis",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        log=Path(folder) / "redis.log",
    )  # fmt: skip
    wait_for_port(port, process=redis.process)
    redis.url = f"redis://127.0.0.1:{port}/0"
    return redis


# gunicorn and nginx


def start_gunicorn(env, folder, *, workers=3, name="gunicorn"):
    """processes.running_gunicorn() (docs/deployment.md's command and
    gunicorn.conf.py) until `stop()`, with an access log that names the
    worker (its pid) that answered each request."""
    stack = contextlib.ExitStack()
    access_log = Path(folder) / f"{name}-access.log"
    server = stack.enter_context(
        processes.running_gunicorn(
            env,
            "--workers",
            str(workers),
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s %(r)s",
            log=Path(folder) / f"{name}.log",
            timeout=60,
        )
    )
    server.port = int(server.url.rsplit(":", 1)[1])
    server.access_log = access_log
    server.stop = stack.close
    return server


def logged_requests(gunicorn):
    """How many requests the server's access log shows so far."""
    return len(gunicorn.access_log.read_text().splitlines())


def workers_that_answered(gunicorn, path=None, since=0):
    """The pids of the workers that answered GET `path` (by default any
    request), after the first `since` requests logged."""
    pids = set()
    for line in gunicorn.access_log.read_text().splitlines()[since:]:
        pid, _status, request = line.split(" ", 2)
        if path is None or request.startswith(f"GET {path} "):
            pids.add(pid)
    return pids


def self_signed_certificate(folder):
    certificate, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def nginx_configuration(folder, *, port, app_port, staff_port, media_root):
    """deploy/nginx/msme_portal.conf with this run's values, inside a
    minimal nginx.conf. Every value replaced must be found, so the test
    breaks if the documented file changes shape."""
    folder = Path(folder)
    certificate, key = self_signed_certificate(folder)
    site = (BASE_DIR / "deploy" / "nginx" / "msme_portal.conf").read_text()
    replacements = {
        "/var/cache/nginx/msme": str(folder / "cache"),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{staff_port};",
        "listen 80;": f"listen 127.0.0.1:{free_port()};",
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "server_name newsletter.example.org;": "server_name localhost 127.0.0.1;",
        "/etc/ssl/certs/newsletter.example.org.pem": str(certificate),
        "/etc/ssl/private/newsletter.example.org.key": str(key),
        "/srv/msme_portal/media/": f"{media_root}/",
        "proxy_pass http://msme_portal;": (
            f"proxy_pass http://msme_portal;\n        proxy_bind {PROXY_ADDRESS};"
        ),
        "proxy_pass http://msme_portal_staff;": (
            f"proxy_pass http://msme_portal_staff;\n        proxy_bind {PROXY_ADDRESS};"
        ),
    }
    for old, new in replacements.items():
        assert old in site, f"{old!r} is no longer in deploy/nginx/msme_portal.conf"
        site = site.replace(old, new)
    temp = {
        name: folder / name
        for name in ("client_body", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp")
    }
    # As root, nginx's workers would run as nobody, who cannot reach pytest's
    # folders (root's only).
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""
{user}
daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    default_type application/octet-stream;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy_temp"]};
    fastcgi_temp_path {temp["fastcgi_temp"]};
    uwsgi_temp_path {temp["uwsgi_temp"]};
    scgi_temp_path {temp["scgi_temp"]};
{site}
}}
"""


def start_nginx(folder, *, port, app_port, staff_port, media_root):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "nginx.conf"
    config.write_text(
        nginx_configuration(
            folder, port=port, app_port=app_port, staff_port=staff_port, media_root=media_root
        )
    )
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx = Service(
        "nginx",
        [nginx_binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
        log=folder / "nginx.log",
    )
    wait_for_port(port, process=nginx.process)
    nginx.port = port
    return nginx


# A visitor


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name, default=""):
        return self.headers.get(name.lower(), default)


class Visitor:
    """An HTTP client with a cookie jar, connecting from `source` (an
    address on loopback), over TLS when `tls`. One connection per request,
    as independent visitors make them."""

    def __init__(self, port, *, source="127.0.0.1", tls=False, host="localhost", headers=None):
        self.port = port
        self.source = source
        self.tls = tls
        self.host = host
        self.headers = headers or {}
        self.cookies = {}

    def _connection(self):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(
                "127.0.0.1", self.port, source_address=(self.source, 0), context=context,
                timeout=30,
            )  # fmt: skip
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, source_address=(self.source, 0), timeout=30
        )

    def request(self, method, path, *, data=None, headers=None):
        headers = {"Host": f"{self.host}:{self.port}", **self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST" and (self.tls or headers.get("X-Forwarded-Proto") == "https"):
            # Django checks the origin of unsafe requests over HTTPS.
            headers.setdefault("Origin", f"https://{self.host}:{self.port}")
            headers.setdefault("Referer", f"https://{self.host}:{self.port}{path}")
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.read())
            for value in raw.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(value)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def csrf_token(self, path):
        """The CSRF token of the form on `path`."""
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path} ({page.status})"
        return match.group(1)

    def sign_in(self, username, password):
        token = self.csrf_token("/admin/login/")
        return self.post(
            "/admin/login/",
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
