"""The portal in the shape docs/deployment.md deploys it, for the tests in this folder.

nginx (deploy/nginx/msme_portal.conf, with TLS) in front of gunicorn with
three workers (gunicorn.conf.py) and the staff's gunicorn with two, which
nginx passes the admin to; production settings, PostgreSQL, and a real SMTP
server; the demo content and two staff accounts, one in each group.
Nothing runs in the test process but the SMTP server: the tests act as
visitors and staff over HTTP, and read the database directly to check.

These tests are marked `deployed`. `make test` runs them once, in the
PostgreSQL pass; they take the PostgreSQL server that DATABASE_URL names
(a new database on it), or start one of their own.
"""

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests import processes
from tests.deployment import services
from tests.deployment.services import EDITOR, PASSWORD, PUBLIC_MAX_AGE, PUBLISHER
from tests.smtp import SMTPServer

CREATE_STAFF = f"""
from django.contrib.auth.models import Group, User
for username, group in [("{PUBLISHER}", "Publishers"), ("{EDITOR}", "Editors")]:
    user = User.objects.create_user(username, password="{PASSWORD}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/deployment/" in str(item.fspath):
            item.add_marker(pytest.mark.deployed)


@dataclass
class Site:
    folder: Path
    env: dict
    database_url: str
    smtp: SMTPServer
    gunicorn: services.Service = None
    staff_gunicorn: services.Service = None
    nginx: services.Service = None
    extra: list = field(default_factory=list)

    def visitor(self, source="127.0.0.1"):
        """A visitor of the public address (nginx, HTTPS) from `source`."""
        return services.Visitor(self.nginx.port, source=source, tls=True)

    def direct(self, source="127.0.0.1"):
        """A client that reaches gunicorn without the proxy."""
        return services.Visitor(self.gunicorn.port, source=source)

    def uncached(self, client="198.51.100.1", gunicorn=None):
        """A visitor's requests as the proxy passes them on, straight to
        gunicorn (from the proxy's address, with its headers), so that no
        copy kept by nginx answers in its place."""
        return services.Visitor(
            (gunicorn or self.gunicorn).port,
            source=services.PROXY_ADDRESS,
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": client},
        )

    def query(self, sql, params=()):
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as db:
            return db.execute(sql, params).fetchall()

    def manage(self, *args, **kwargs):
        return processes.manage(*args, env=self.env, timeout=300, **kwargs)


def portal_environment(folder, database_url, smtp_port, public_port):
    return processes.production_env(
        database_url,
        # Production as deployed behind the TLS proxy: HTTPS only.
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
        DJANGO_SITE_URL=f"https://localhost:{public_port}",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://localhost:{public_port}",
        DJANGO_TRUSTED_PROXIES=services.PROXY_ADDRESS,
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DJANGO_PUBLIC_MAX_AGE=str(PUBLIC_MAX_AGE),
    )


@pytest.fixture(scope="session")
def postgres_server_url():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        yield url
        return
    server = services.PostgresServer()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def site_smtp():
    with SMTPServer() as server:
        yield server


@pytest.fixture(scope="session")
def site(tmp_path_factory, postgres_server_url, site_smtp):
    """The deployed portal; tests that change it put it back as they found it."""
    folder = tmp_path_factory.mktemp("deployed")
    (folder / "media").mkdir()
    database_url = services.create_database(postgres_server_url)
    public_port = services.free_port()
    env = portal_environment(folder, database_url, site_smtp.port, public_port)
    site = Site(folder=folder, env=env, database_url=database_url, smtp=site_smtp)
    site.manage("migrate", "--noinput", "-v0")
    site.manage("collectstatic", "--noinput", "-v0")
    site.manage("load_demo")
    site.manage("shell", "-c", CREATE_STAFF)
    site.gunicorn = services.start_gunicorn(env, folder)
    site.staff_gunicorn = services.start_gunicorn(
        {**env, "PORTAL_NICENESS": "10"}, folder, workers=2, name="gunicorn-staff"
    )
    site.nginx = services.start_nginx(
        folder / "nginx",
        port=public_port,
        app_port=site.gunicorn.port,
        staff_port=site.staff_gunicorn.port,
        media_root=folder / "media",
    )
    try:
        yield site
    finally:
        for service in (site.nginx, site.gunicorn, site.staff_gunicorn, *site.extra):
            service.stop()


@pytest.fixture(scope="session")
def redis_gunicorn(site, tmp_path_factory):
    """A second gunicorn on the same database with the cache in Redis (the
    shared cache docs/deployment.md describes for several servers)."""
    folder = tmp_path_factory.mktemp("redis")
    redis = services.start_redis(folder)
    env = {
        **site.env,
        "DJANGO_CACHE_BACKEND": "msme_portal.redis_cache.RedisCache",
        "DJANGO_CACHE_LOCATION": redis.url,
    }
    gunicorn = services.start_gunicorn(env, folder, name="gunicorn-redis")
    gunicorn.redis_url = redis.url
    try:
        yield gunicorn
    finally:
        gunicorn.stop()
        redis.stop()


@pytest.fixture(params=["database cache", "Redis"])
def app_server(request, site):
    """gunicorn with three workers, with each shared cache docs/deployment.md offers."""
    if request.param == "Redis":
        return request.getfixturevalue("redis_gunicorn")
    return site.gunicorn
