"""Commands run beside `make run` use its configuration: manage.py reads the
environment file bin/run-local writes (var/local.env, or DJANGO_ENV_FILE)."""

import shutil
import subprocess
import sys

import pytest

from tests.processes import (
    ROOT,
    add_confirmed_subscribers,
    clean_env,
    copy_database,
    demo_database,
    manage,
    sqlite_url,
)

# What bin/run-local writes.
RUN_LOCAL_LINES = [
    "DJANGO_DEBUG=1",
    "DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend",
]
PRINT_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")


@pytest.fixture
def local_env_file(tmp_path, demo_db):
    """An environment file like var/local.env, for a copy of the demo
    database with one confirmed subscriber and the Summer 2022 issue queued
    for them, and a mail folder of the test's own."""
    database = copy_database(demo_db, tmp_path / "db.sqlite3")
    env_file = tmp_path / "local.env"
    env_file.write_text(
        "# A comment, then a blank line.\n\n"
        + "\n".join(
            [
                *RUN_LOCAL_LINES,
                f"DATABASE_URL={sqlite_url(database)}",
                f"DJANGO_EMAIL_FILE_PATH={tmp_path / 'mail'}",
            ]
        )
        + "\n"
    )
    env = local_env(env_file)
    add_confirmed_subscribers(env, "reader@example.org")
    manage("send_issue", "summer-2022", "--yes", env=env)
    return env_file


def local_env(env_file, **overrides):
    """A shell with nothing exported but the signing key, as beside `make run`."""
    return clean_env(
        DJANGO_ENV_FILE=str(env_file), DJANGO_SECRET_KEY="local-" + "k" * 44, **overrides
    )


def test_the_send_worker_delivers_into_the_local_mail_folder(local_env_file, tmp_path):
    result = manage("send_deliveries", "--no-progress", env=local_env(local_env_file), timeout=60)

    assert result.stdout.strip() == "Processed 1 deliveries."
    (message,) = (tmp_path / "mail").iterdir()
    assert "To: reader@example.org" in message.read_text()


def test_exported_variables_win_over_the_file(local_env_file, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    env = local_env(local_env_file, DJANGO_EMAIL_FILE_PATH=str(elsewhere))

    manage("send_deliveries", "--no-progress", env=env, timeout=60)

    assert not (tmp_path / "mail").exists()
    assert len(list(elsewhere.iterdir())) == 1


def test_manage_py_reads_var_local_env_beside_it_unless_told_not_to(tmp_path):
    # A checkout of its own: manage.py with var/local.env beside it.
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "local.env").write_text(
        "\n".join([*RUN_LOCAL_LINES, f"DJANGO_EMAIL_FILE_PATH={tmp_path / 'mail'}"]) + "\n"
    )
    env = clean_env(DJANGO_SECRET_KEY="local-" + "k" * 44, PYTHONPATH=str(ROOT))

    def settings_seen(env):
        result = subprocess.run(
            [sys.executable, str(tmp_path / "manage.py"), "shell", "-v", "0", "-c", PRINT_SETTINGS],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert settings_seen(env) == [
        "True",
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
    ]
    without_file = settings_seen({**env, "DJANGO_ENV_FILE": ""})
    assert without_file[:2] == ["False", "django.core.mail.backends.smtp.EmailBackend"]


def test_a_missing_environment_file_is_named_without_a_traceback(tmp_path):
    missing = tmp_path / "nowhere.env"
    result = manage("check", env=local_env(missing), check=False)

    assert result.returncode == 1
    assert f"DJANGO_ENV_FILE names {missing}, which is not a file." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_line_that_is_not_an_assignment_is_refused(tmp_path):
    env_file = tmp_path / "local.env"
    env_file.write_text("DJANGO_DEBUG=1\nexport DJANGO_DEBUG\n")
    result = manage("check", env=local_env(env_file), check=False)

    assert result.returncode == 1
    assert "line 2: expected NAME=value" in result.stderr
    assert "Traceback" not in result.stderr
