"""A Publisher sends an issue from the admin, in Chromium, through the proxy."""

import re

import pytest
from playwright.sync_api import expect

from tests.deployment.services import ISSUE_SLUG, PASSWORD, PUBLISHER

READERS = [f"reader{n}@example.org" for n in range(5)]

CONFIRMED_READERS = f"""
from django.utils import timezone
from newsletters.models import Subscriber
for email in {READERS!r}:
    Subscriber.objects.create(
        email=email, status="confirmed", consent_given_at=timezone.now(),
        confirmed_at=timezone.now(), privacy_statement_version="test",
    )
"""


@pytest.fixture
def secure_page(browser, site):
    """A browser tab for the public HTTPS address (its certificate is the
    tests' own)."""
    context = browser.new_context(
        ignore_https_errors=True, base_url=f"https://localhost:{site.nginx.port}"
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_publisher_sends_an_issue_and_follows_it_on_the_progress_page(site, secure_page):
    page = secure_page
    site.manage("shell", "-c", CONFIRMED_READERS)
    issue_id = site.query("SELECT id FROM newsletters_issue WHERE slug = %s", [ISSUE_SLUG])[0][0]

    page.goto("/admin/")
    page.fill("#id_username", PUBLISHER)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/admin/newsletters/issue/")
    page.check(f"input[name=_selected_action][value='{issue_id}']")
    page.select_option("select[name=action]", "send_by_email")
    page.click("button[name=index]")
    page.get_by_role("link", name=re.compile("Send to subscribers")).click()
    expect(page.locator("#content")).to_contain_text(str(len(READERS)))
    page.get_by_role("button", name="Yes, send it").click()

    # The send's own page, which a Publisher may see, with the recipients counted.
    expect(page).to_have_url(re.compile(r"/admin/newsletters/issuesend/\d+/change/$"))
    expect(page.locator("#content")).not_to_contain_text("Access denied")
    expect(page.locator("#content")).to_contain_text(str(len(READERS)))

    # The worker mails it: every reader gets the issue once.
    site.manage("send_deliveries", "--no-progress")
    issues = [
        message["To"]
        for message in site.smtp.messages
        if message["To"] in READERS and message["Message-ID"].startswith("<issue-")
    ]
    assert sorted(issues) == sorted(READERS)

    # Back on the progress page, the send is finished.
    page.reload()
    expect(page.locator("#content")).to_contain_text("Sent")
