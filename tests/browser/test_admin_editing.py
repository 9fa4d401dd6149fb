"""An editor's whole round trip in a real browser: log in, write an issue in
the rich-text editor, preview it, publish it (tests/browser/test_issue_editor.py
takes the same page through every kind of section, reordering and approval)."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from newsletters.models import Issue, IssueStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "browser-test-password-1"
TYPED = "Small businesses drive trade in every region"


@pytest.fixture
def publisher(django_user_model):
    user = django_user_model.objects.create_user(
        username="publisher", password=PASSWORD, is_staff=True
    )
    codenames = [
        f"{action}_{model}"
        for action in ("add", "change", "view")
        for model in ("issue", "section", "question", "sectionlink")
    ] + ["publish_issue"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def log_in(page, server_url):
    page.goto(server_url + "/admin/")
    expect(page).to_have_url(f"{server_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "publisher")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def test_an_editor_writes_previews_and_publishes_an_issue(page, server_url, publisher):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in(page, server_url)

    # A new issue with two sections, written on the issue's own page.
    page.goto(server_url + "/admin/newsletters/issue/add/")
    # Typed key by key: the admin fills in the slug as the title is typed.
    page.locator("#id_title_en").press_sequentially("Winter 2026")
    expect(page.locator("#id_slug")).to_have_value("winter-2026")
    page.fill("#id_summary_en", "News from the Group.")
    add_section = page.locator("a.djn-add-handler.djn-model-newsletters-section").last
    add_section.click()
    page.select_option("#id_sections-0-kind", "article")
    page.locator("#id_sections-0-title_en").press_sequentially("Message from the coordinator")
    # The first section's text, typed into its rich-text editor (a div).
    page.locator("#cke_id_sections-0-body_en .cke_wysiwyg_div").click()
    page.keyboard.type(TYPED)
    add_section.click()
    page.locator("#id_sections-1-title_en").press_sequentially("Upcoming meetings")
    expect(page.locator("#id_sections-1-anchor")).to_have_value("upcoming-meetings")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    issue = Issue.objects.get(slug="winter-2026")
    assert [section.title for section in issue.sections.all()] == [
        "Message from the coordinator",
        "Upcoming meetings",
    ]
    first = issue.sections.get(order=0)
    assert TYPED in first.body

    # The preview shows the draft as the public page will.
    page.goto(f"{server_url}/admin/newsletters/issue/{issue.pk}/preview/")
    expect(page.locator("h1")).to_have_text("Winter 2026")
    expect(page.get_by_text(TYPED)).to_be_visible()
    assert page.request.get(server_url + issue.get_absolute_url()).status == 404

    # Publishing with the admin action makes it public.
    page.goto(server_url + "/admin/newsletters/issue/")
    page.check(f"input[name=_selected_action][value='{issue.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator(".messagelist .success")).to_contain_text("Published 1 issue.")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED

    public = page.context.browser.new_page()
    response = public.goto(server_url + issue.get_absolute_url())
    assert response.status == 200
    expect(public.get_by_text(TYPED)).to_be_visible()
    public.close()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_an_editor_uploads_an_image_through_the_rich_text_editor(
    page, server_url, publisher, settings
):
    from newsletters.models import Section
    from tests.images import image_bytes

    issue = Issue.objects.create(title="Images", slug="images", summary="With a picture.")
    section = Section.objects.create(issue=issue, order=1, title="Pictured", anchor="pictured")
    picture = image_bytes("PNG", size=(64, 48), mode="RGB", color="teal")

    log_in(page, server_url)
    page.goto(f"{server_url}/admin/newsletters/section/{section.pk}/change/")
    page.locator("#cke_id_body .cke_wysiwyg_div").click()
    page.locator("#cke_id_body .cke_button__image").click()
    dialog = page.locator(".cke_dialog").first
    dialog.get_by_role("tab", name="Upload").click()
    upload_frame = page.frame_locator("iframe.cke_dialog_ui_input_file").first
    upload_frame.locator("input[type=file]").set_input_files(
        {"name": "teal.png", "mimeType": "image/png", "buffer": picture}
    )
    dialog.get_by_role("button", name="Send it to the Server").click()

    # The upload answer fills in the image's address and returns to the first tab.
    url_field = dialog.locator("input.cke_dialog_ui_input_text").first
    expect(url_field).to_have_value(
        re.compile(rf"^{settings.MEDIA_URL}{settings.CKEDITOR_UPLOAD_PATH}[0-9a-f]{{32}}\.png$")
    )
    dialog.get_by_label("Alternative Text").fill("A teal square")
    dialog.get_by_role("button", name="OK").click()
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    section.refresh_from_db()
    assert re.search(r'<img[^>]+src="/media/editor/[0-9a-f]{32}\.png"', section.body)
    assert 'alt="A teal square"' in section.body
