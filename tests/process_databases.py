"""`manage.py` commands in real processes, on a database of their own.

A subprocess cannot see pytest-django's test database (an in-memory SQLite
database, or a transaction on PostgreSQL), so `ProcessDatabase` makes one it
can: a temporary SQLite file, or a fresh database on the PostgreSQL server
that DATABASE_URL names (the `bin/with-postgres` pass). The processes get an
environment built from scratch, with production settings: nothing the test
run set, and no local env file of `make run`.

    with ProcessDatabase(tmp_path) as database:
        env = portal_env(database.url, tmp_path, EMAIL_PORT="2525")
        manage("migrate", env=env)
        worker = start_manage("send_deliveries", env=env, log_folder=tmp_path)
        worker.wait(timeout=60)
        rows = database.query("SELECT status FROM newsletters_delivery")
"""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent


def portal_env(database_url, folder, **variables):
    """The whole environment of a portal process: production settings on
    `database_url`, its files in `folder`, mail through SMTP to 127.0.0.1
    (EMAIL_PORT among `variables`), and `variables` on top."""
    folder = Path(folder)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "msme_portal.settings",
        "DJANGO_ENV_FILE": "",  # No local env file.
        "DJANGO_SECRET_KEY": "process-tests-" + "s" * 40,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "25",
    }
    env.update({name: str(value) for name, value in variables.items()})
    return env


def manage(*args, env, timeout=180):
    """Run `manage.py *args` to its end; fails the test if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


class Command:
    """A `manage.py` command running in the background, its output in files."""

    def __init__(self, args, *, env, log_folder, name):
        self.args = args
        self.stdout_path = Path(log_folder) / f"{name}.out"
        self.stderr_path = Path(log_folder) / f"{name}.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=out, stderr=err
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
