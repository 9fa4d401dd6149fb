"""The PDF editions as they are made for real: by a `manage.py
send_deliveries --loop` process on a database of its own, while another
process publishes and edits, as the admin would. Each edition is typeset
once when the issue is published, once again when it is edited, and never
for an edit to something it does not show."""

import re
import time

import pytest

from tests.processes import ProcessDatabase, manage, portal_env, start_manage

WORKER = ["send_deliveries", "--loop", "--no-progress", "--poll-interval", "0.2"]
MADE = re.compile(r"Made the (\w\w) PDF edition of (.+) \(\d+ bytes\)")

# Whether the worker has looked at the content as it is now: the version it
# last checked is the version every edit replaces (newsletters/pdf_builds.py).
CHECKED = """
from django.core.cache import cache
from msme_portal import page_cache
from newsletters.pdf_builds import CHECKED_VERSION_KEY
print(cache.get(CHECKED_VERSION_KEY) == page_cache.content_version())
"""
DRAFT_TO_PUBLISHED = """
from django.utils import timezone
from newsletters.models import Issue, IssueStatus, Section
issue = Issue.objects.create(title="Autumn 2022", slug="autumn-2022", summary="News.")
Section.objects.create(issue=issue, title="Digital trade", body="<p>Trade.</p>", order=1)
issue.status = IssueStatus.PUBLISHED
issue.published_at = timezone.now() - timezone.timedelta(minutes=1)
issue.save()
"""
EDIT = """
from newsletters.models import Section
section = Section.objects.get(issue__slug="autumn-2022")
section.title = "Digital trade and MSMEs"
section.save()
"""
UNRELATED_EDIT = """
from django.utils import timezone
from newsletters.models import Issue, Subscriber
Subscriber.objects.create(email="new-reader@example.org", consent_given_at=timezone.now())
Issue.objects.create(title="Winter draft", slug="winter-draft", summary="Not yet.")
"""


def wait_until(condition, *, timeout=300, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.2)


@pytest.fixture
def portal(tmp_path):
    with ProcessDatabase(tmp_path) as database:
        # The worker's other idle work (the email's scan in Chromium, the
        # stored pages) is left out: this is about the PDF editions.
        env = portal_env(
            database.url,
            tmp_path,
            NEWSLETTER_PDF_EDITIONS="1",
            NEWSLETTER_EMAIL_BROWSER_CHECKS="0",
            DJANGO_PAGE_CACHE="0",
            DJANGO_LOG_LEVEL="INFO",
        )
        manage("migrate", "--no-input", env=env)
        worker = start_manage(*WORKER, env=env, log_folder=tmp_path, name="worker")
        try:
            yield env, worker
        finally:
            worker.stop()


def made(worker, slug_title):
    return [language for language, title in MADE.findall(worker.stderr()) if title == slug_title]


def content_version(env):
    code = "from msme_portal import page_cache; print(page_cache.content_version())"
    return manage("shell", "-v", "0", "-c", code, env=env).stdout.strip()


def checked(env):
    return manage("shell", "-v", "0", "-c", CHECKED, env=env).stdout.strip() == "True"


def test_the_worker_makes_an_edition_once_per_change_it_shows(portal):
    env, worker = portal

    manage("shell", "-v", "0", "-c", DRAFT_TO_PUBLISHED, env=env)
    wait_until(lambda: made(worker, "Autumn 2022"), what="the first edition")
    wait_until(lambda: checked(env), what="the worker's look at the published issue")
    assert made(worker, "Autumn 2022") == ["en"]

    manage("shell", "-v", "0", "-c", EDIT, env=env)
    wait_until(lambda: len(made(worker, "Autumn 2022")) == 2, what="the edition made again")
    wait_until(lambda: checked(env), what="the worker's look at the edit")
    assert made(worker, "Autumn 2022") == ["en", "en"]

    version = content_version(env)
    manage("shell", "-v", "0", "-c", UNRELATED_EDIT, env=env)
    assert content_version(env) != version  # the site did change: the worker must look
    wait_until(lambda: checked(env), what="the worker's look at the unrelated edit")
    assert made(worker, "Autumn 2022") == ["en", "en"]
    assert worker.process.poll() is None, worker.stderr()[-2000:]
