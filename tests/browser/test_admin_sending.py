"""A Publisher sends an issue from the admin in a real browser and lands on
the send's progress page, not on a refusal."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from newsletters.models import IssueSend, Subscriber, SubscriberStatus
from tests.factories import make_issue, make_section

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "browser-test-password-1"


@pytest.fixture
def publisher(django_user_model, staff_groups):
    user = django_user_model.objects.create_user(
        username="publisher", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Publishers"))
    return user


def test_a_publisher_sends_an_issue_and_lands_on_its_progress_page(
    page, server_url, publisher, settings
):
    # The send page scans the email in Chromium, as on the site.
    settings.NEWSLETTER_EMAIL_BROWSER_CHECKS = True
    issue = make_issue(title="Summer 2022")
    make_section(issue, title="Digital trade")
    now = timezone.now()
    for n in range(3):
        Subscriber.objects.create(
            email=f"reader{n}@example.org",
            status=SubscriberStatus.CONFIRMED,
            consent_given_at=now,
            confirmed_at=now,
        )

    # Signed in through the login form, like any member of staff.
    page.goto(server_url + "/admin/")
    expect(page).to_have_url(f"{server_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "publisher")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(server_url + "/admin/newsletters/issue/")
    page.check(f"input[name=_selected_action][value='{issue.pk}']")
    page.select_option("select[name=action]", label="Send the selected issue by email…")
    page.click("button[name=index]")
    expect(page.locator("#content h1")).to_have_text("Send “Summer 2022” by email")
    expect(page.get_by_text("It will go to 3 confirmed subscribers.")).to_be_visible()
    # The email's report: checked in each language, nothing that blocks.
    for language in ("en", "fr", "es"):
        expect(page.locator(f"#report-{language} td").nth(1)).to_have_text("None")

    page.get_by_role("link", name="Send to subscribers…").click()
    expect(page.get_by_text("Send “Summer 2022” to 3 confirmed subscribers?")).to_be_visible()
    page.get_by_role("button", name="Yes, send it").click()

    send = IssueSend.objects.get(issue=issue)
    expect(page).to_have_url(f"{server_url}/admin/newsletters/issuesend/{send.pk}/change/")
    expect(page.locator(".messagelist .success")).to_contain_text(
        "“Summer 2022” is queued for 3 subscribers"
    )
    expect(page.locator(".field-recipient_count .readonly")).to_have_text("3")
    expect(page.get_by_text("Access denied")).to_have_count(0)
    assert send.deliveries.count() == 3
