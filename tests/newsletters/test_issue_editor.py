"""The issue's page in the admin, as an editor writes on it: every section
with its own fields, anchors made from titles, the preview and the way back,
and publishing one issue with the date it should carry. The browser tests
(tests/browser/test_issue_editor.py) drive the same page in Chromium."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Issue, IssueStatus, Question, Section, SectionKind, SectionLink
from tests.factories import make_draft_issue, make_issue, make_section
from tests.newsletters.helpers import form_data, post_section, section_form_data

pytestmark = pytest.mark.django_db


def change_url(issue):
    return reverse("admin:newsletters_issue_change", args=[issue.pk])


def test_the_summer_2022_issue_page_runs_a_fixed_number_of_queries(
    publisher_client, django_assert_max_num_queries
):
    call_command("load_demo", verbosity=0)
    issue = Issue.objects.get()
    assert issue.sections.count() == 28
    assert Question.objects.filter(section__issue=issue).count() == 12
    # 23 or 24: the content types may be cached already.
    with django_assert_max_num_queries(24):
        response = publisher_client.get(change_url(issue))
    html = response.content.decode()
    # Every section, question and link is on this one page.
    assert html.count('data-inline-model="newsletters-section"') >= 28
    assert 'name="sections-27-title_en"' in html
    assert html.count('name="sections-') > 28 * 10
    assert "Gill Thomas" in html


def prefix_of(data, pk, within=""):
    """The form prefix, among the posted `data`, of the object `pk` whose
    prefix has `within` in it: "sections-20", "sections-20-questions-0"."""
    (prefix,) = [
        name.removesuffix("-id")
        for name, value in data.items()
        if name.endswith("-id") and within in name and value == str(pk)
    ]
    return prefix


def test_saving_the_summer_2022_issue_copies_the_posted_data_once_and_keeps_every_edit(
    publisher_client, monkeypatch
):
    call_command("load_demo", verbosity=0)
    issue = Issue.objects.get()
    question = Question.objects.filter(section__issue=issue).last()
    interview = question.section
    link = SectionLink.objects.filter(section__issue=issue).first()
    sections_in_order = list(issue.sections.values_list("pk", flat=True))
    data = form_data(publisher_client, change_url(issue), "issue_form", _save="Save")
    interview_prefix = prefix_of(data, interview.pk, within="sections-")
    data[f"{interview_prefix}-title_en"] = "An interview, revised"
    data[f"{prefix_of(data, question.pk, within='-questions-')}-answer_en"] = "<p>Revised.</p>"
    data[f"{prefix_of(data, link.pk, within='-links-')}-label_en"] = "A revised link"
    deep_copies = []
    deep_copy = QueryDict.__deepcopy__

    def counted_deep_copy(query_dict, memo):
        deep_copies.append(query_dict)
        return deep_copy(query_dict, memo)

    monkeypatch.setattr(QueryDict, "__deepcopy__", counted_deep_copy)

    response = publisher_client.post(change_url(issue), data)

    assert response.status_code == 302
    # django-nested-admin alone copies the 880 posted fields once per
    # nested formset: 57 times.
    assert len(deep_copies) == 1
    interview.refresh_from_db()
    assert interview.title_en == "An interview, revised"
    question.refresh_from_db()
    assert question.answer_en == "<p>Revised.</p>"
    link.refresh_from_db()
    assert link.label_en == "A revised link"
    assert list(issue.sections.values_list("pk", flat=True)) == sections_in_order


def test_each_section_carries_the_fields_of_every_kind_marked_by_kind(editor_client):
    issue = make_draft_issue()
    make_section(issue, kind=SectionKind.INTERVIEW, interviewee_name="A. Person")
    html = editor_client.get(change_url(issue)).content.decode()
    # The page's script shows the fieldsets of the section's kind only.
    for kind in ("interview", "coordinator_message", "box"):
        assert f"for-kind-{kind}" in html
    assert 'name="sections-0-questions-TOTAL_FORMS"' in html
    assert 'name="sections-0-signatory_name"' in html
    assert "newsletters/admin/issue_editor.js" in html


def test_shown_with_offers_only_this_issues_top_level_sections(editor_client):
    issue = make_draft_issue()
    parent = make_section(issue, title="Articles")
    make_section(issue, title="A child", parent=parent)
    make_section(make_draft_issue(), title="Another issue's section")
    html = editor_client.get(change_url(issue)).content.decode()
    select = html.split('name="sections-0-parent"')[1].split("</select>")[0]
    assert "Articles" in select
    assert "A child" not in select
    assert "Another issue" not in select


def test_anchors_left_empty_are_made_from_titles_and_kept_unique(editor_client):
    issue = make_draft_issue()
    data = form_data(editor_client, change_url(issue), "issue_form", _save="Save")
    for index in range(2):
        prefix = f"sections-{index}"
        data.update(
            {
                f"{prefix}-kind": "article",
                f"{prefix}-title_en": "News from Geneva",
                f"{prefix}-anchor": "",
                f"{prefix}-order": str(index),
                f"{prefix}-questions-TOTAL_FORMS": "0",
                f"{prefix}-questions-INITIAL_FORMS": "0",
                f"{prefix}-links-TOTAL_FORMS": "0",
                f"{prefix}-links-INITIAL_FORMS": "0",
            }
        )
    data["sections-TOTAL_FORMS"] = "2"
    response = editor_client.post(change_url(issue), data)
    assert response.status_code == 302
    assert list(issue.sections.order_by("order").values_list("anchor", flat=True)) == [
        "news-from-geneva",
        "news-from-geneva-2",
    ]


def test_a_draft_is_viewed_on_site_through_its_preview(editor_client):
    draft = make_draft_issue()
    html = editor_client.get(change_url(draft)).content.decode()
    preview = reverse("admin:newsletters_issue_preview", args=[draft.pk])
    view_on_site = html.split('class="viewsitelink"')[0].rsplit("<a href=", 1)[1]
    assert view_on_site.startswith(f'"{preview}"')
    live = make_issue()
    html = editor_client.get(change_url(live)).content.decode()
    view_on_site = html.split('class="viewsitelink"')[0].rsplit("<a href=", 1)[1]
    assert not view_on_site.startswith('"/admin/newsletters/issue/')


def test_the_preview_leads_back_to_editing_and_publishers_to_publishing(
    editor_client, django_user_model
):
    draft = make_draft_issue()
    make_section(draft)
    preview = reverse("admin:newsletters_issue_preview", args=[draft.pk])
    publish = reverse("admin:newsletters_issue_publish", args=[draft.pk])
    html = editor_client.get(preview).content.decode()
    assert f'href="{change_url(draft)}"' in html
    assert publish not in html  # editors do not publish

    from django.contrib.auth.models import Group
    from django.test import Client

    publisher = django_user_model.objects.create_user(username="pub", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publishers"))
    browser = Client()
    browser.force_login(publisher)
    assert f'href="{publish}"' in browser.get(preview).content.decode()


def test_publishing_keeps_a_planned_date_in_the_past_when_asked_to(publisher_client):
    # Midday in Geneva: a time taken from the clock could fall on another day there.
    planned = datetime(2022, 10, 1, 10, 0, tzinfo=UTC)
    issue = make_draft_issue(title="Autumn 2022", published_at=planned)
    make_section(issue)
    url = reverse("admin:newsletters_issue_publish", args=[issue.pk])

    page = publisher_client.get(url).content.decode()
    assert "is in the past" in page and "1 October 2022" in page

    publisher_client.post(url, {"date": "keep"})
    issue.refresh_from_db()
    assert issue.is_public and issue.published_at == planned


def test_publishing_can_date_the_issue_now_instead(publisher_client):
    issue = make_draft_issue(published_at=timezone.now() - timedelta(days=400))
    make_section(issue)
    before = timezone.now()
    publisher_client.post(
        reverse("admin:newsletters_issue_publish", args=[issue.pk]), {"date": "now"}
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED and issue.published_at >= before


def test_publishing_a_future_date_schedules_the_issue(publisher_client):
    when = timezone.now() + timedelta(days=3)
    issue = make_draft_issue(published_at=when)
    make_section(issue)
    url = reverse("admin:newsletters_issue_publish", args=[issue.pk])
    assert "scheduled" in publisher_client.get(url).content.decode()
    publisher_client.post(url, {})
    issue.refresh_from_db()
    assert issue.is_scheduled and issue.published_at == when


def test_the_publish_page_says_why_an_issue_cannot_go_out(publisher_client):
    issue = make_draft_issue()
    url = reverse("admin:newsletters_issue_publish", args=[issue.pk])
    assert "it has no sections" in publisher_client.get(url).content.decode()
    publisher_client.post(url, {})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_editors_cannot_open_the_publish_page(editor_client):
    issue = make_draft_issue()
    make_section(issue)
    url = reverse("admin:newsletters_issue_publish", args=[issue.pk])
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"date": "now"}).status_code == 403
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_a_live_issues_section_page_is_read_only_and_points_to_the_issue(editor_client):
    section = make_section(make_issue(), title="Live section")
    url = reverse("admin:newsletters_section_change", args=[section.pk])
    response = editor_client.get(url, follow=True)
    html = response.content.decode()
    assert 'name="title"' not in html
    assert "change it on the issue&#x27;s page" in html
    response = post_section(editor_client, section_form_data(make_issue(), title="Sneaked in"))
    assert response.status_code == 200
    assert not Section.objects.filter(title="Sneaked in").exists()


def test_a_translator_edits_the_french_edition_beside_the_english_text(editor_client):
    issue = make_draft_issue(title="Summer 2022", summary="The summer issue.")
    section = make_section(issue, title="Message", anchor="message", body="<p>Dear all.</p>")
    url = change_url(issue) + "?language=fr"

    page = editor_client.get(url).content.decode()
    assert 'name="title_fr"' in page and 'name="title_en"' not in page
    assert 'name="sections-0-body_fr"' in page and 'name="sections-0-body_en"' not in page
    assert "English: Dear all." in page  # the text to translate, beside its field
    assert "French: missing" in page
    assert 'aria-current="page">French' in page

    data = form_data(editor_client, url, "issue_form", _continue="Save and continue")
    data.update(
        {
            "title_fr": "Été 2022",
            "summary_fr": "Le numéro d’été.",
            "sections-0-title_fr": "Message",
            "sections-0-body_fr": "<p>Chers tous.</p>",
        }
    )
    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert response["Location"].endswith("?language=fr")  # back to the French form
    section.refresh_from_db()
    assert (section.title_en, section.body_en) == ("Message", "<p>Dear all.</p>")
    assert section.body_fr == "<p>Chers tous.</p>"
    page = editor_client.get(url).content.decode()
    assert "French: up to date" in page and "Spanish: missing" in page
    listing = editor_client.get(reverse("admin:newsletters_issue_changelist")).content.decode()
    assert "French: 1 of 1 sections" in listing
    assert "Spanish: 0 of 1 sections" in listing


def test_changing_the_english_text_shows_the_french_as_outdated(editor_client):
    issue = make_draft_issue()
    section = make_section(issue, title="Message", body="<p>Dear all.</p>")
    section.title_fr, section.body_fr = "Message", "<p>Chers tous.</p>"
    section.save()
    url = change_url(issue)
    data = form_data(editor_client, url, "issue_form", _save="Save")
    data["sections-0-body_en"] = "<p>Dear colleagues.</p>"
    assert editor_client.post(url, data).status_code == 302

    page = editor_client.get(url + "?language=fr").content.decode()
    assert "French: outdated" in page
