"""Fixtures shared by the whole suite."""

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.template.backends import jinja2 as jinja2_backend
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation

from msme_portal import page_cache, sent_pages

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True, scope="session")
def _jinja2_templates_recorded():
    """What Django's test environment does for its own templates, for Jinja2:
    the test client's response.templates and response.context see the
    public pages and emails too."""
    original_render = jinja2_backend.Template.render

    def render(self, context=None, request=None):
        context = dict(context or {})
        html = original_render(self, context, request)  # adds the request's variables
        template_rendered.send(sender=self, template=self.template, context=context)
        return html

    jinja2_backend.Template.render = render
    yield
    jinja2_backend.Template.render = original_render


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request leaves its page's language
    active in the thread, and addresses reversed later would carry it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    """Each test writes uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    page_cache.recent_pages.clear()
    sent_pages.sent_pages.clear()
    yield
    cache.clear()
    page_cache.recent_pages.clear()
    sent_pages.sent_pages.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="staff", password="not-a-real-password-1", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor_client(client, django_user_model):
    """Staff in the Editors group that a data migration creates."""
    user = django_user_model.objects.create_user(
        username="editor", password="not-a-real-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture
def publisher_client(client, django_user_model):
    """Staff in the Publishers group that a data migration creates."""
    user = django_user_model.objects.create_user(
        username="publisher", password="not-a-real-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Publishers"))
    client.force_login(user)
    client.user = user
    return client


# The data migrations that make the staff groups and give them their
# permissions, in order.
STAFF_GROUP_MIGRATIONS = [
    ("newsletters.migrations.0002_staff_groups", "create_groups"),
    ("newsletters.migrations.0003_subscribers", "grant_publishers"),
    ("newsletters.migrations.0008_publishers_follow_sends", "grant"),
    ("newsletters.migrations.0013_staging_permissions", "grant"),
]


@pytest.fixture
def staff_groups(db):
    """The Editors and Publishers groups as the data migrations make them.

    Transactional tests (browser tests behind a live server) start after
    other tests have flushed every table, groups included; this runs the
    same migration functions again (each is idempotent), so such tests sign
    in as real group members."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    schema_editor = SimpleNamespace(connection=connection)
    for module, function in STAFF_GROUP_MIGRATIONS:
        getattr(import_module(module), function)(apps, schema_editor)


@pytest.fixture
def empty_page_cache(client):
    """A function that empties the cache, then lets one unrelated request
    recompute what every request shares (the HTTP validators' publication
    times), so a query budget counts the page under test only."""

    def empty():
        cache.clear()
        client.get(reverse("newsletters:search"))

    return empty


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that empty the database after all the others.

    Transactional tests (browser tests behind a live server, concurrency
    tests) end by flushing every table, which also removes what data
    migrations created, such as the staff groups. Django runs them last for
    that reason; this keeps that order whatever other plugins did to it.
    """

    def flushes_database(item):
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        return transactional or "live_server" in getattr(item, "fixturenames", ())

    items.sort(key=flushes_database)


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"


# Playwright drives Debian's Chromium (the browser and deployment tests).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM_PATH):
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM_PATH}; `make test` installs it with apt-get."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
