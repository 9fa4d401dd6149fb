"""Portal processes for tests that need the real thing: `manage.py` commands
and gunicorn, started with production settings on a database of their own.

    env = production_env(sqlite_url(tmp_path / "db.sqlite3"))
    manage("migrate", env=env)
    with running_gunicorn(env, "--workers", "2", log=tmp_path / "gunicorn.log") as server:
        urllib.request.urlopen(f"{server.url}/healthz")

The environment is built from scratch: nothing the test run itself set
(tests.settings exports its own DJANGO_* values) and no local configuration
from `make run` (var/local.env) reaches the process.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"


def sqlite_url(path):
    return f"sqlite:///{path}"


def clean_env(**overrides):
    """This process's environment without the portal's configuration (no
    DJANGO_*, DATABASE_URL or EMAIL_* variable), with `overrides` on top."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_"))
    }
    env.update(overrides)
    return env


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
            f"manage.py {' '.join(args)} exited with {result.returncode}:\n{result.stderr}"
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
