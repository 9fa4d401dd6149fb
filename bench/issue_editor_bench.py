"""Benchmark: the issue's page in the admin with the whole Summer 2022 issue.

    .venv/bin/python bench/issue_editor_bench.py [--rounds 20]

Summer 2022 has 28 sections, 12 questions and their links: every one is a
form on the issue's page, with a rich-text editor for each text. Measured
against two references in the same run: the same page for a one-section
draft, and the issues list.

- Server: the page rendered through Django's test client as a Publisher
  (median of `--rounds`), its SQL queries and its size.
- Browser: Chromium (Playwright, /usr/bin/chromium) opening the page from a
  live server until every rich-text editor is ready, the time an editor
  waits before typing (median of 5).

Uses DJANGO_SETTINGS_MODULE (default tests.settings) and DATABASE_URL;
without one, a throwaway SQLite file in a temporary folder.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "bench-password-1"


def setup_django(database_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_dir}/editor_bench.sqlite3")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_pages():
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.urls import reverse

    from newsletters.models import Issue, Section

    call_command("load_demo", verbosity=0)
    summer = Issue.objects.get(slug="summer-2022")
    small = Issue.objects.create(title="One section", slug="one-section", summary="Small.")
    Section.objects.create(issue=small, order=0, title="Only", anchor="only")
    publisher = User.objects.create_user("publisher", password=PASSWORD, is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    return publisher, {
        "Summer 2022 (28 sections)": reverse("admin:newsletters_issue_change", args=[summer.pk]),
        "one-section draft": reverse("admin:newsletters_issue_change", args=[small.pk]),
        "issues list": reverse("admin:newsletters_issue_changelist"),
    }


def server_figures(publisher, pages, rounds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(publisher)
    figures = {}
    for name, url in pages.items():
        client.get(url)  # warm: templates compiled, caches filled
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        figures[name] = {
            "ms": statistics.median(times) * 1000,
            "queries": len(queries.captured_queries),
            "kb": len(response.content) / 1024,
        }
    return figures


def browser_figures(pages):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    figures = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/admin/login/")
            page.fill("#id_username", "publisher")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_selector("#site-name")
            for name, url in pages.items():
                times = []
                for _ in range(5):
                    start = time.perf_counter()
                    page.goto(base + url)
                    page.wait_for_function(
                        "() => !window.CKEDITOR || Object.values(CKEDITOR.instances)"
                        ".every(editor => editor.status === 'ready')",
                        timeout=120_000,
                    )
                    times.append(time.perf_counter() - start)
                editors = page.evaluate(
                    "() => window.CKEDITOR ? Object.keys(CKEDITOR.instances).length : 0"
                )
                figures[name] = {"ms": statistics.median(times) * 1000, "editors": editors}
            browser.close()
    finally:
        server.terminate()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        publisher, pages = make_pages()
        server = server_figures(publisher, pages, arguments.rounds)
        browser = {} if arguments.no_browser else browser_figures(pages)
    reference = server["one-section draft"]["ms"]
    print(
        "| Page | Server ms | × one-section | Queries | HTML KB "
        "| Browser ms to editable | Editors |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, figures in server.items():
        seen = browser.get(name, {})
        print(
            f"| {name} | {figures['ms']:.1f} | {figures['ms'] / reference:.2f} "
            f"| {figures['queries']} | {figures['kb']:.0f} "
            f"| {seen.get('ms', float('nan')):.0f} | {seen.get('editors', '–')} |"
        )


if __name__ == "__main__":
    main()
