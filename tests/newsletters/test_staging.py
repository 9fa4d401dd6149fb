"""Changes to a live issue wait for a Publisher: an Editor's save of a
published issue reaches nobody until approved, a Publisher's is published at
once, and every save is a version that can be compared and restored.

Each person has their own browser here (a Client each), and the public's is
anonymous, with the page cache on and warm: what the public is served is
what a visitor would see.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from newsletters import staging
from newsletters.models import PendingChange, PendingChangeStatus, Section, SectionKind
from tests.factories import make_draft_issue, make_issue, make_question, make_section
from tests.newsletters.helpers import form_data

pytestmark = pytest.mark.django_db


def signed_in(django_user_model, group, username):
    user = django_user_model.objects.create_user(
        username=username, password="not-a-real-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    browser.user = user
    return browser


@pytest.fixture
def editor(django_user_model):
    return signed_in(django_user_model, "Editors", "editor")


@pytest.fixture
def publisher(django_user_model):
    return signed_in(django_user_model, "Publishers", "publisher")


@pytest.fixture
def live():
    issue = make_issue(title="Summer 2022", slug="summer-2022")
    make_section(issue, title="Message", anchor="message", body="<p>Live words.</p>")
    make_section(issue, title="Second", anchor="second", body="<p>Second words.</p>")
    return issue


def public_text(issue):
    response = Client().get(issue.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def change_url(issue):
    return reverse("admin:newsletters_issue_change", args=[issue.pk])


def save_issue(browser, issue, **changes):
    data = form_data(browser, change_url(issue), "issue_form", _save="Save", **changes)
    return browser.post(change_url(issue), data, follow=True)


def decide(browser, change, decision):
    url = reverse("admin:newsletters_pendingchange_decide", args=[change.pk])
    return browser.post(url, {"decision": decision}, follow=True)


def test_an_editors_change_reaches_the_public_only_when_a_publisher_approves(
    editor, publisher, live
):
    assert "Live words." in public_text(live)  # the page cache is warm

    save_issue(editor, live, **{"sections-0-body_en": "<p>Proposed words.</p>"})

    assert "Live words." in public_text(live)
    assert "Proposed words." not in public_text(live)
    change = PendingChange.objects.get(issue=live)
    assert change.status == PendingChangeStatus.PENDING
    assert change.proposed_by == editor.user

    page = publisher.get(reverse("admin:newsletters_pendingchange_change", args=[change.pk]))
    assert "<del>Live</del>" in page.content.decode()
    assert "<ins>Proposed</ins>" in page.content.decode()
    preview = publisher.get(reverse("admin:newsletters_pendingchange_preview", args=[change.pk]))
    assert "Proposed words." in preview.content.decode()
    assert "Live words." in public_text(live)  # the preview changed nothing

    response = decide(publisher, change, "approve")

    assert "The change is published" in response.content.decode()
    assert "Proposed words." in public_text(live)
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (PendingChangeStatus.APPROVED, publisher.user)


def test_a_rejected_change_leaves_the_public_page_as_it_was(editor, publisher, live):
    public_text(live)
    save_issue(editor, live, **{"sections-0-body_en": "<p>Proposed words.</p>"})
    change = PendingChange.objects.get(issue=live)

    decide(publisher, change, "reject")

    change.refresh_from_db()
    assert change.status == PendingChangeStatus.REJECTED
    html = public_text(live)
    assert "Live words." in html and "Proposed words." not in html
    assert Section.objects.get(issue=live, anchor="message").body == "<p>Live words.</p>"


def test_deleting_a_live_issues_section_waits_for_approval_too(editor, publisher, live):
    save_issue(editor, live, **{"sections-1-DELETE": "on"})

    assert "Second words." in public_text(live)
    decide(publisher, PendingChange.objects.get(issue=live), "approve")
    assert "Second words." not in public_text(live)
    assert list(live.sections.values_list("anchor", flat=True)) == ["message"]


def test_an_editor_cannot_approve_nor_propose_twice(editor, live):
    save_issue(editor, live, **{"sections-0-body_en": "<p>First proposal.</p>"})
    change = PendingChange.objects.get(issue=live)

    assert decide(editor, change, "approve").status_code == 403
    response = save_issue(editor, live, **{"sections-0-body_en": "<p>Second proposal.</p>"})

    assert response.status_code == 200
    assert "waiting for approval" in response.content.decode()
    assert PendingChange.objects.filter(issue=live).count() == 1
    change.refresh_from_db()
    assert change.status == PendingChangeStatus.PENDING


def test_the_proposer_withdraws_a_change(editor, live):
    save_issue(editor, live, **{"sections-0-body_en": "<p>Proposed.</p>"})
    change = PendingChange.objects.get(issue=live)

    decide(editor, change, "withdraw")

    change.refresh_from_db()
    assert change.status == PendingChangeStatus.WITHDRAWN
    # The issue can be changed again.
    save_issue(editor, live, **{"sections-0-body_en": "<p>Again.</p>"})
    assert PendingChange.objects.waiting().filter(issue=live).count() == 1


def test_a_publishers_change_is_published_at_once(publisher, live):
    public_text(live)
    save_issue(publisher, live, **{"sections-0-body_en": "<p>Corrected words.</p>"})

    assert "Corrected words." in public_text(live)
    assert not PendingChange.objects.exists()


def test_new_sections_of_a_change_get_their_own_rows_when_approved(editor, publisher, live):
    data = form_data(editor, change_url(live), "issue_form", _save="Save")
    data.update(
        {
            "sections-TOTAL_FORMS": "3",
            "sections-2-kind": SectionKind.ARTICLE,
            "sections-2-title_en": "A new article",
            "sections-2-body_en": "<p>New words.</p>",
            "sections-2-order": "2",
            "sections-2-questions-TOTAL_FORMS": "0",
            "sections-2-questions-INITIAL_FORMS": "0",
            "sections-2-links-TOTAL_FORMS": "0",
            "sections-2-links-INITIAL_FORMS": "0",
        }
    )
    editor.post(change_url(live), data)
    change = PendingChange.objects.get(issue=live)
    # Meanwhile another issue gets a section, perhaps under the key the
    # rolled-back save gave the new one.
    other = make_draft_issue()
    bystander = make_section(other, title="Bystander", body="<p>Untouched.</p>")

    decide(publisher, change, "approve")

    bystander.refresh_from_db()
    assert (bystander.issue, bystander.title) == (other, "Bystander")
    new = live.sections.get(title="A new article")
    assert new.anchor == "a-new-article"  # made from the title
    assert "New words." in public_text(live)


def test_an_approval_that_would_break_the_publication_rules_is_refused(publisher, live):
    # A change that leaves the issue without sections (only the issue's row).
    from django.core import serializers

    change = PendingChange.objects.create(
        issue=live,
        serialized_objects=serializers.serialize("json", [live]),
        existing_keys=staging.existing_keys(live),
    )

    response = decide(publisher, change, "approve")

    assert "The change was not approved: it has no sections." in response.content.decode()
    assert live.sections.count() == 2
    change.refresh_from_db()
    assert change.status == PendingChangeStatus.PENDING


def test_an_interview_of_a_live_issue_cannot_lose_its_last_question(publisher, live):
    interview = make_section(
        live, kind=SectionKind.INTERVIEW, title="Voices", interviewee_name="A. Person"
    )
    make_question(interview)
    index = list(live.sections.order_by("order", "pk")).index(interview)

    response = save_issue(publisher, live, **{f"sections-{index}-questions-0-DELETE": "on"})

    assert "The interview “Voices” has no questions." in response.content.decode()
    assert interview.questions.count() == 1


def test_a_restore_brings_back_an_earlier_versions_text_exactly(publisher, live):
    first = "<p>First <strong>version</strong> &amp; its words.</p>"
    save_issue(publisher, live, **{"sections-0-body_en": first})
    save_issue(publisher, live, **{"sections-0-body_en": "<p>A later, worse version.</p>"})
    versions = Version.objects.get_for_object(live).order_by("pk")
    assert versions.count() == 2

    revision_url = reverse("admin:newsletters_issue_revision", args=[live.pk, versions[0].pk])
    data = form_data(publisher, revision_url, "issue_form", _save="Save")
    publisher.post(revision_url, data)

    section = Section.objects.get(issue=live, anchor="message")
    assert section.body == first
    assert "First <strong>version</strong> &amp; its words." in public_text(live)


def test_an_editors_restore_of_a_live_issue_waits_for_approval(editor, publisher, live):
    save_issue(publisher, live, **{"sections-0-body_en": "<p>Old text.</p>"})
    save_issue(publisher, live, **{"sections-0-body_en": "<p>New text.</p>"})
    older = Version.objects.get_for_object(live).order_by("pk").first()

    revision_url = reverse("admin:newsletters_issue_revision", args=[live.pk, older.pk])
    editor.post(revision_url, form_data(editor, revision_url, "issue_form", _save="Save"))

    assert "New text." in public_text(live)
    decide(publisher, PendingChange.objects.get(issue=live), "approve")
    assert "Old text." in public_text(live)


def test_history_compares_two_versions_word_by_word(publisher, live):
    save_issue(publisher, live, **{"sections-0-body_en": "<p>The old wording here.</p>"})
    save_issue(publisher, live, **{"sections-0-body_en": "<p>The new wording here.</p>"})
    older, newer = Version.objects.get_for_object(live).order_by("pk")

    history = publisher.get(reverse("admin:newsletters_issue_history", args=[live.pk]))
    assert "Compare two versions" in history.content.decode()
    compare = reverse("admin:newsletters_issue_compare", args=[live.pk])
    response = publisher.get(compare, {"from": older.pk, "to": newer.pk})

    html = response.content.decode()
    assert "Section “Message”" in html
    assert "<del>old</del>" in html and "<ins>new</ins>" in html
    assert publisher.get(compare, {"from": "nonsense"}).status_code == 400


def test_revisions_record_who_saved(publisher, live):
    save_issue(publisher, live, summary_en="A summary for the record.")
    (version,) = Version.objects.get_for_object(live)
    assert version.revision.user == publisher.user
    assert version.field_dict["summary"] == "A summary for the record."


def test_an_editors_new_slug_waits_for_approval_then_the_old_address_redirects(
    editor, publisher, live
):
    old_address = live.get_absolute_url()
    save_issue(editor, live, slug="summer-2022-edition")

    assert Client().get(old_address).status_code == 200
    assert Client().get("/en/issues/summer-2022-edition/").status_code == 404

    decide(publisher, PendingChange.objects.get(issue=live), "approve")

    response = Client().get(old_address)
    assert response.status_code == 301
    assert response["Location"].endswith("/en/issues/summer-2022-edition/")
