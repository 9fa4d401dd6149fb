"""Portal processes for tests that need the real thing: `manage.py` commands
and gunicorn, started with production settings on a database of their own.

    env = production_env(sqlite_url(tmp_path / "db.sqlite3"))
    manage("migrate", env=env)
    with running_gunicorn(env, "--workers", "2", log=tmp_path / "gunicorn.log") as server:
        urllib.request.urlopen(f"{server.url}/healthz")

A subprocess cannot see pytest-django's test database (an in-memory SQLite
database, or a transaction on PostgreSQL): `ProcessDatabase` makes one it
can, and `start_manage` runs a command in the background (a send worker to
kill, say):

    with ProcessDatabase(tmp_path) as database:
        env = portal_env(database.url, tmp_path, EMAIL_PORT="2525")
        manage("migrate", env=env)
        worker = start_manage("send_deliveries", env=env, log_folder=tmp_path)
        worker.wait(timeout=60)
        rows = database.query("SELECT status FROM newsletters_delivery")

The environment is built from scratch: nothing the test run itself set
(tests.settings exports its own DJANGO_* values) and no local configuration
from `make run` (var/local.env) reaches the process.
"""

import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"


def sqlite_url(path):
    return f"sqlite:///{path}"


def clean_env(**overrides):
    """This process's environment without the portal's configuration (no
    DJANGO_*, DATABASE_URL, EMAIL_*, NEWSLETTER_* or ANYMAIL_* variable),
    with `overrides` on top."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "NEWSLETTER_", "ANYMAIL_"))
    }
    env.update(overrides)
    return env


def run_with_env(code, **env):
    """Run `code` in a fresh interpreter that imports the real settings with
    exactly `env` of the portal's configuration."""
    return subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env=clean_env(**{**env, "DJANGO_SETTINGS_MODULE": "msme_portal.settings"}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_env(database_url, **overrides):
    """The environment of a portal process with production settings, served
    over plain HTTP on loopback, with `overrides` on top."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE="msme_portal.settings",
        DJANGO_ENV_FILE="",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="test-processes-" + "k" * 40,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
    )
    env.update(overrides)
    return env


def demo_database(path):
    """A SQLite database at `path`, migrated, with the demo content
    (`manage.py load_demo`: the published Summer 2022 issue)."""
    env = production_env(sqlite_url(path))
    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)
    return path


def copy_database(source, target):
    """A copy of the SQLite database `source` (closed) at `target`."""
    shutil.copyfile(source, target)
    return target


def add_confirmed_subscribers(env, *emails):
    """Confirmed subscribers in the database that `env` names."""
    code = (
        "from django.utils import timezone\n"
        "from newsletters.models import Subscriber\n"
        "now = timezone.now()\n"
        f"for email in {list(emails)!r}:\n"
        "    Subscriber.objects.create(\n"
        "        email=email, status='confirmed', consent_given_at=now, confirmed_at=now\n"
        "    )\n"
    )
    manage("shell", "-v", "0", "-c", code, env=env)


def portal_env(database_url, folder, **variables):
    """production_env() for a process whose files live in `folder`, mailing
    through SMTP to 127.0.0.1 (EMAIL_PORT among `variables`), with
    `variables` on top."""
    folder = Path(folder)
    defaults = {
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "25",
    }
    variables = {name: str(value) for name, value in variables.items()}
    return production_env(database_url, **{**defaults, **variables})


def manage(*args, env, check=True, timeout=120, **run_options):
    """Run `manage.py *args` to the end; output is captured as text."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **run_options,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def log_text(self):
        return self.log.read_text(errors="replace")


@contextmanager
def running_gunicorn(env, *args, log, timeout=30):
    """Serve the portal with gunicorn and its configuration file
    (gunicorn.conf.py) on a free loopback port, until the block ends; then
    stop it with SIGTERM (SIGKILL if it does not stop). `args` are more
    gunicorn options; its output goes to the file `log`."""
    log = Path(log)
    with log.open("wb") as log_file:
        argv = [GUNICORN, "--config", str(GUNICORN_CONFIG), "--bind", "127.0.0.1:0", *args]
        process = subprocess.Popen(
            [*argv, "msme_portal.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = _wait_until_listening(process, log, timeout)
        _wait_until_healthy(process, f"{url}/healthz", log, timeout)
        yield Server(process=process, url=url, log=log)
    finally:
        stop(process)


def niceness_of(pid):
    """The process's nice value: the 17th field after its command's
    closing parenthesis in /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[16])


def stop(process, grace=15):
    """SIGTERM to the process's group, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_listening(process, log, timeout):
    """The address gunicorn bound: port 0 lets the system pick a free one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        if match := re.search(r"Listening at: (http://[\d.]+:\d+)", log.read_text()):
            return match[1]
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not listen within {timeout} s:\n{log.read_text()}")


def _wait_until_healthy(process, url, log, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s:\n{log.read_text()}")


class Command:
    """A `manage.py` command running in the background, its output in files."""

    def __init__(self, args, *, env, log_folder, name):
        self.args = args
        self.stdout_path = Path(log_folder) / f"{name}.out"
        self.stderr_path = Path(log_folder) / f"{name}.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err
            )

    def stdout(self):
        return self.stdout_path.read_text(errors="replace")

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL: no handler, no clean-up, as when the machine loses the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait(self, timeout):
        """Wait for the end; returns the exit status."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"manage.py {' '.join(self.args)} did not finish within {timeout} s:\n"
                f"{self.stderr()[-3000:]}"
            ) from None

    def stop(self):
        if self.process.poll() is None:
            self.kill()


def start_manage(*args, env, log_folder, name=None):
    return Command(args, env=env, log_folder=log_folder, name=name or args[0])


class ProcessDatabase:
    """A database for the portal's subprocesses, deleted at the end of the
    block: on the PostgreSQL server of DATABASE_URL when the tests run on
    PostgreSQL, else an SQLite file in `folder`."""

    def __init__(self, folder):
        server_url = os.environ.get("DATABASE_URL", "")
        self.vendor = "postgresql" if server_url.startswith("postgres") else "sqlite"
        if self.vendor == "postgresql":
            self.name = f"msme_processes_{uuid.uuid4().hex[:12]}"
            parts = urlsplit(server_url)
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self._maintenance_url = urlunsplit(parts._replace(path="/postgres"))
        else:
            self.path = Path(folder) / "portal.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def __enter__(self):
        if self.vendor == "postgresql":
            with psycopg.connect(self._maintenance_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc):
        if self.vendor == "postgresql":
            with psycopg.connect(self._maintenance_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql, params=()):
        """The rows of one query, `%s` placeholders on either database."""
        if self.vendor == "postgresql":
            with psycopg.connect(self.url) as connection:
                return connection.execute(sql, params).fetchall()
        with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
