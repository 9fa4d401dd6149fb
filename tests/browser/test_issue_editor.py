"""An Editor composes a whole issue on its one page in Chromium, reorders
it by dragging and by keyboard, previews it, and a Publisher publishes it:
the public page shows the sections in the new order."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from newsletters.models import Issue, IssueStatus, SectionKind
from tests.images import image_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "browser-test-password-1"


@pytest.fixture
def staff(django_user_model, staff_groups):
    def member(username, group):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return {"editor": member("editor", "Editors"), "publisher": member("publisher", "Publishers")}


def log_in(page, server_url, username):
    page.goto(server_url + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()


def section(page, index):
    return page.locator(f"#sections-{index}")


def type_rich_text(page, field_id, text):
    # CKEditor's editing area is a div (settings: divarea), one per field.
    editable = page.locator(f"#cke_{field_id} .cke_wysiwyg_div")
    editable.click()
    page.keyboard.type(text)


def add_section(page, index, kind, title):
    page.locator("a.djn-add-handler.djn-model-newsletters-section").last.click()
    expect(section(page, index)).to_be_visible()
    page.select_option(f"#id_sections-{index}-kind", kind)
    page.fill(f"#id_sections-{index}-title_en", title)


def section_titles(page):
    return page.locator(
        "#sections-group > fieldset > .djn-items > .djn-inline-form:not(.djn-empty-form)"
        " input[name$='-title_en']:not([name*='-questions-'])"
    ).evaluate_all("inputs => inputs.map(input => input.value)")


def test_an_editor_composes_an_issue_on_one_page_and_a_publisher_publishes_it(
    browser, server_url, staff
):
    editor = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    editor.on("pageerror", lambda error: errors.append(str(error)))
    log_in(editor, server_url, "editor")
    editor.goto(server_url + "/admin/newsletters/issue/add/")
    editor.locator("#id_title_en").press_sequentially("Autumn 2022")
    expect(editor.locator("#id_slug")).to_have_value("autumn-2022")
    editor.fill("#id_summary_en", "News from the Group, autumn 2022.")
    editor.fill("#id_published_at_0", "2022-10-14")
    editor.fill("#id_published_at_1", "09:00:00")

    add_section(editor, 0, SectionKind.COORDINATOR_MESSAGE, "Message from the Coordinator")
    # Only the fields of the section's kind show.
    expect(editor.locator("#id_sections-0-signatory_name")).to_be_visible()
    expect(editor.locator("#id_sections-0-interviewee_name")).to_be_hidden()
    editor.fill("#id_sections-0-signatory_name", "Ambassador José Luís Cancela")
    type_rich_text(editor, "id_sections-0-body_en", "Dear colleagues, welcome to the autumn issue.")

    add_section(editor, 1, SectionKind.ARTICLE, "Small Business Champions")
    type_rich_text(editor, "id_sections-1-body_en", "The winners were announced in October.")
    editor.set_input_files(
        "#id_sections-1-image",
        {
            "name": "champions.png",
            "mimeType": "image/png",
            "buffer": image_bytes("PNG", size=(80, 60)),
        },
    )
    editor.fill("#id_sections-1-image_alt_en", "The winners on stage in Geneva")

    add_section(editor, 2, SectionKind.INTERVIEW, "MSME Voices: Ana Pereira")
    expect(editor.locator("#id_sections-2-signatory_name")).to_be_hidden()
    editor.fill("#id_sections-2-interviewee_name", "Ana Pereira")
    for number in range(2):
        section(editor, 2).locator("a.djn-add-handler.djn-model-newsletters-question").click()
        editor.fill(f"#id_sections-2-questions-{number}-question_en", f"Question {number + 1}?")
        type_rich_text(
            editor, f"id_sections-2-questions-{number}-answer_en", f"Answer {number + 1}."
        )

    add_section(editor, 3, SectionKind.BOX, "Upcoming meetings")
    expect(editor.locator("#id_sections-3-box_style")).to_be_visible()
    editor.select_option("#id_sections-3-box_style", "highlight")
    type_rich_text(editor, "id_sections-3-body_en", "The Group meets on 8 December.")

    # The page fits a 1280-pixel screen: nothing to scroll sideways to.
    widths = editor.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths

    editor.click("input[name=_continue]")
    expect(editor.locator(".messagelist .success")).to_be_visible()
    assert not errors, errors
    issue = Issue.objects.get(slug="autumn-2022")
    assert [s.anchor for s in issue.sections.order_by("order")] == [
        "message-from-the-coordinator",
        "small-business-champions",
        "msme-voices-ana-pereira",
        "upcoming-meetings",
    ]
    interview = issue.sections.get(kind=SectionKind.INTERVIEW)
    assert [q.question for q in interview.questions.all()] == ["Question 1?", "Question 2?"]
    assert issue.sections.get(kind=SectionKind.ARTICLE).image.name.startswith("sections/")

    # Reorder: collapse the sections to their headings, then drag the
    # article above the coordinator's message...
    assert section_titles(editor)[:2] == [
        "Message from the Coordinator",
        "Small Business Champions",
    ]
    for index in range(4):
        toggle = editor.locator(f"#sections-{index} > h3 .issue-editor-toggle")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(editor.locator("#id_sections-0-title_en")).to_be_hidden()
    handle = editor.locator("#sections-1 > h3.djn-drag-handler")
    target = editor.locator("#sections-0 > h3.djn-drag-handler")
    source_box, target_box = handle.bounding_box(), target.bounding_box()
    editor.mouse.move(source_box["x"] + 20, source_box["y"] + source_box["height"] / 2)
    editor.mouse.down()
    # jQuery UI's sortable moves the row once the pointer passes the top of
    # the row above, in steps as a hand would.
    editor.mouse.move(source_box["x"] + 20, source_box["y"] - 40, steps=10)
    editor.mouse.move(target_box["x"] + 20, target_box["y"] - 5, steps=40)
    editor.wait_for_timeout(100)
    editor.mouse.up()
    expect_titles = ["Small Business Champions", "Message from the Coordinator"]
    assert section_titles(editor)[:2] == expect_titles

    # ...and, by keyboard, the side box up above the interview.
    box_up = editor.locator("#sections-3 > h3 .issue-editor-up")
    box_up.focus()
    editor.keyboard.press("Enter")
    expect(editor.locator("#issue-editor-status")).to_contain_text("moved to position 3 of 4")
    assert section_titles(editor) == [
        "Small Business Champions",
        "Message from the Coordinator",
        "Upcoming meetings",
        "MSME Voices: Ana Pereira",
    ]
    editor.click("input[name=_continue]")
    expect(editor.locator(".messagelist .success")).to_be_visible()
    assert [s.title for s in issue.sections.order_by("order")] == [
        "Small Business Champions",
        "Message from the Coordinator",
        "Upcoming meetings",
        "MSME Voices: Ana Pereira",
    ]

    # Moving the sections kept what their editors held.
    message = issue.sections.get(kind=SectionKind.COORDINATOR_MESSAGE)
    assert "welcome to the autumn issue" in message.body

    # "View on site" of a draft is its preview, which leads back to editing.
    editor.get_by_role("link", name="View on site").click()
    expect(editor.locator(".preview-banner")).to_be_visible()
    expect(editor.locator(".preview-banner").get_by_role("link", name="Publish…")).to_have_count(0)
    editor.locator(".preview-banner").get_by_role("link", name="Back to editing").click()
    expect(editor).to_have_url(re.compile(rf"/admin/newsletters/issue/{issue.pk}/change/$"))
    editor.close()

    # A Publisher publishes it from the preview, keeping the planned date.
    publisher = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(publisher, server_url, "publisher")
    publisher.goto(f"{server_url}/admin/newsletters/issue/{issue.pk}/preview/")
    publisher.locator(".preview-banner").get_by_role("link", name="Publish…").click()
    expect(publisher.get_by_text("is in the past")).to_be_visible()
    publisher.get_by_label(re.compile("Keep 14 October 2022")).check()
    publisher.get_by_role("button", name=re.compile("Publish")).click()
    expect(publisher.locator(".messagelist .success")).to_contain_text("is published")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED and issue.published_at.year == 2022

    visitor = browser.new_page()
    visitor.goto(server_url + issue.get_absolute_url())
    titles = visitor.locator(".toc__list > li > a").all_inner_texts()
    assert titles[:2] == ["Small Business Champions", "Message from the Coordinator"]
    expect(visitor.get_by_alt_text("The winners on stage in Geneva")).to_be_visible()
    expect(visitor.get_by_text("Answer 2.")).to_be_visible()
    visitor.close()
    publisher.close()


def test_the_summer_2022_issue_page_fits_a_1280_pixel_screen(browser, server_url, staff):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    issue = Issue.objects.get(slug="summer-2022")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, server_url, "publisher")
    page.goto(f"{server_url}/admin/newsletters/issue/{issue.pk}/change/")
    expect(page.locator("#sections-27")).to_be_attached()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    # Each section's Delete box is on screen, not off to the right.
    delete = page.locator("#sections-0 > h3 .djn-delete-handler")
    box = delete.bounding_box()
    assert box["x"] + box["width"] <= 1280, box
    page.close()
