"""Browser tests: Debian's Chromium driven by Playwright.

Playwright must not download a browser of its own; it drives the system
Chromium at CHROMIUM_PATH (see browser_type_launch_args in tests/conftest.py,
which the deployment tests use too). Playwright's sync API runs an event loop in the
test thread, so Django's guard against ORM calls from async contexts has to be
lifted for these tests (the calls are in fact synchronous).
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def server_url(live_server):
    return live_server.url
