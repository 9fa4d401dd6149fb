"""The settings module reads its configuration from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.processes import run_with_env

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'host': db.get('HOST'), 'port': db.get('PORT'), 'debug': settings.DEBUG, "
    "'options': db.get('OPTIONS', {}), "
    "'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'hsts': settings.SECURE_HSTS_SECONDS, "
    "'email_backend': settings.EMAIL_BACKEND, 'email_host': settings.EMAIL_HOST, "
    "'email_port': settings.EMAIL_PORT}))"
)


def test_missing_secret_key_refuses_to_start_with_a_clear_message():
    result = run_with_env(PRINT_SETTINGS, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("from-a-file-" + "k" * 40 + "\n")
    code = "import django; from django.conf import settings; print(settings.SECRET_KEY)"
    result = run_with_env(code, DJANGO_SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "from-a-file-" + "k" * 40


def test_manage_py_uses_the_key_make_run_generated_and_only_that():
    key_file = ROOT / "var" / "secret_key"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if key_file.exists():
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_database_url_is_honoured():
    result = run_with_env(
        PRINT_SETTINGS,
        DJANGO_SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://portal:secret@db.internal:6543/newsletter",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    # Django's PostgreSQL backend, with its health check made cheaper.
    assert values["engine"] == "msme_portal.postgresql"
    assert values["name"] == "newsletter"
    assert values["host"] == "db.internal"
    assert values["port"] == 6543


def test_default_database_is_sqlite_under_var():
    result = run_with_env(PRINT_SETTINGS, DJANGO_SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "var" / "db.sqlite3")
    assert "journal_mode=WAL" in values["options"]["init_command"]


def test_production_defaults_are_secure_and_ssl_redirect_can_be_turned_off():
    secure = json.loads(
        run_with_env(PRINT_SETTINGS, DJANGO_SECRET_KEY="k" * 50).stdout.splitlines()[-1]
    )
    assert secure["debug"] is False
    assert secure["ssl_redirect"] is True
    assert secure["hsts"] >= 31536000

    plain_http = json.loads(
        run_with_env(
            PRINT_SETTINGS, DJANGO_SECRET_KEY="k" * 50, DJANGO_SECURE_SSL_REDIRECT="0"
        ).stdout.splitlines()[-1]
    )
    assert plain_http["ssl_redirect"] is False


def test_email_settings_use_djangos_names():
    result = run_with_env(
        PRINT_SETTINGS,
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_host"] == "smtp.example.org"
    assert values["email_port"] == 2525
