"""Staff sessions last a working day; HSTS preloading is the deployer's choice."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.processes import manage, production_env, sqlite_url

PASSWORD = "not-a-real-password-1"
PRINT_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.SESSION_COOKIE_AGE, settings.SECURE_HSTS_PRELOAD)"
)


def settings_with(tmp_path, **env):
    """SESSION_COOKIE_AGE and SECURE_HSTS_PRELOAD of production settings."""
    env = production_env(sqlite_url(tmp_path / "unused.sqlite3"), **env)
    return manage("shell", "-v", "0", "-c", PRINT_SETTINGS, env=env).stdout.split()


@pytest.mark.django_db
def test_a_staff_session_ends_with_the_browser_and_after_eight_hours(client, django_user_model):
    editor = django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))

    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": reverse("admin:index")},
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    # A browser-session cookie: no lifetime of its own.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    # The server ends it after eight hours whatever the browser keeps.
    expires = Session.objects.get(session_key=cookie.value).expire_date
    assert abs(expires - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)


def test_the_session_length_is_configurable(tmp_path):
    assert settings_with(tmp_path, DJANGO_SESSION_COOKIE_AGE="3600")[0] == "3600"


@pytest.mark.django_db
def test_hsts_asks_for_no_preloading_by_default(client):
    response = client.get(reverse("robots_txt"), secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_deployer_can_opt_in_to_hsts_preloading(tmp_path):
    assert settings_with(tmp_path)[1] == "False"
    assert settings_with(tmp_path, DJANGO_HSTS_PRELOAD="1")[1] == "True"


def test_the_default_production_settings_pass_the_deployment_checks(tmp_path):
    env = production_env(
        sqlite_url(tmp_path / "db.sqlite3"),
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_ALLOWED_HOSTS="newsletter.example.org",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)

    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_when_everything_else_is_redirected(client, settings):
    # A load balancer polls gunicorn directly, over HTTP, and waits for 200.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    page = client.get("/en/issues/")
    assert page.status_code == 301
    assert page["Location"].startswith("https://")
