"""Browser tests: Debian's Chromium driven by Playwright.

Playwright must not download a browser of its own; it drives the system
Chromium at CHROMIUM_PATH. Playwright's sync API runs an event loop in the
test thread, so Django's guard against ORM calls from async contexts has to be
lifted for these tests (the calls are in fact synchronous).
"""

import os

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


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


@pytest.fixture
def server_url(live_server):
    return live_server.url
