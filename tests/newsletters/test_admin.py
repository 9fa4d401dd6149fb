"""The editorial admin: who may do what, publishing, preview, validation."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from newsletters.models import (
    Issue,
    IssueStatus,
    Meeting,
    Question,
    Section,
    SectionKind,
)
from tests.factories import make_draft_issue, make_issue, make_section
from tests.images import SVG, gif_with_html, image_bytes, png_header_only
from tests.newsletters.helpers import post_section, section_form_data

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-1"
_counter = itertools.count(1)


def make_user(django_user_model, group=None, **kwargs):
    n = next(_counter)
    fields = {"username": f"user{n}", "password": PASSWORD, "is_staff": True, **kwargs}
    user = django_user_model.objects.create_user(**fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def publisher_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "Publishers"))
    return client


def changelist_url():
    return reverse("admin:newsletters_issue_changelist")


def run_action(client, action, *issues):
    return client.post(
        changelist_url(),
        {"action": action, "_selected_action": [issue.pk for issue in issues]},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# The issue's page names each translated field for the language it edits:
# English, here (newsletters/admin/languages.py).
TRANSLATED = {
    "title", "summary", "cover_image_alt", "body", "image_alt", "image_caption",
    "signatory_title", "interviewee_organization", "interviewee_bio", "portrait_alt",
}  # fmt: skip


def in_english(fields):
    return {f"{name}_en" if name in TRANSLATED else name: value for name, value in fields.items()}


def issue_form_data(**overrides):
    """The add form's POST data, with an empty sections inline."""
    data = {
        "title_en": "Winter 2026",
        "slug": "winter-2026",
        "summary_en": "The winter issue.",
        "volume": "",
        "number": "",
        "season": "",
        "cover_image_alt_en": "",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    data.update(in_english(overrides))
    return data


def with_sections(data, *sections):
    """`data` with these sections' rows, each with the (empty) rows of its
    questions and links that the issue's page sends with it."""
    data = dict(data)
    data["sections-TOTAL_FORMS"] = str(len(sections))
    for index, section in enumerate(sections):
        for name, value in in_english(section).items():
            data[f"sections-{index}-{name}"] = value
        for children in ("questions", "links"):
            prefix = f"sections-{index}-{children}"
            for name, value in [
                ("TOTAL", "0"),
                ("INITIAL", "0"),
                ("MIN_NUM", "0"),
                ("MAX_NUM", "1000"),
            ]:
                data.setdefault(f"{prefix}-{name}_FORMS", value)
    return data


# Who reaches the admin


def test_anonymous_visitors_get_the_login_page(client):
    for url in [reverse("admin:index"), changelist_url(), reverse("admin:index") + "auth/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 200


def test_logged_in_non_staff_users_are_sent_to_the_login_page(client, django_user_model):
    client.force_login(make_user(django_user_model, is_staff=False))
    response = client.get(changelist_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_preview_is_refused_to_anonymous_and_non_staff(client, django_user_model):
    issue = make_draft_issue()
    url = reverse("admin:newsletters_issue_preview", args=[issue.pk])
    assert client.get(url).status_code == 302
    client.force_login(make_user(django_user_model, is_staff=False))
    assert client.get(url).status_code == 302


def test_staff_without_view_permission_cannot_preview(client, django_user_model):
    client.force_login(make_user(django_user_model))
    issue = make_draft_issue()
    response = client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))
    assert response.status_code == 403


# Groups


def test_the_staff_groups_hold_the_expected_permissions():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"add_issue", "change_issue", "view_issue", "delete_section"} <= editors
    assert {"change_guide", "change_membereconomy", "add_meeting"} <= editors
    assert "publish_issue" not in editors
    assert "delete_issue" not in editors
    assert {"publish_issue", "delete_issue"} <= publishers - editors
    assert editors <= publishers


# Publishing


def test_an_editor_is_not_offered_publishing_and_cannot_post_it(editor_client):
    issue = make_draft_issue()
    make_section(issue)
    response = editor_client.get(changelist_url())
    action_form = response.context["action_form"]
    choices = action_form.fields["action"].choices if action_form else []
    actions = [value for value, _label in choices]
    assert "publish" not in actions
    assert "unpublish" not in actions
    assert "Publish the selected issues" not in response.content.decode()

    run_action(editor_client, "publish", issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert issue.published_at is None


def test_an_editor_cannot_publish_through_the_form_but_may_plan_the_date(editor_client):
    issue = make_draft_issue()
    section = make_section(issue)
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    # The date the issue is to carry is the editor's to plan; publishing is not.
    assert 'name="published_at_0"' in response.content.decode()

    data = issue_form_data(
        title=issue.title,
        slug=issue.slug,
        status="published",
        published_at_0="2020-01-01",
        published_at_1="10:00:00",
        **{"sections-INITIAL_FORMS": "1"},
    )
    data = with_sections(
        data,
        {
            "id": section.pk,
            "issue": issue.pk,
            "order": section.order,
            "kind": section.kind,
            "title": section.title,
            "anchor": section.anchor,
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert timezone.localtime(issue.published_at).date() == date(2020, 1, 1)
    assert not Issue.objects.published().exists()


def test_a_publisher_publishes_an_issue_with_sections(publisher_client):
    issue = make_draft_issue()
    make_section(issue)
    before = timezone.now()
    response = run_action(publisher_client, "publish", issue)
    assert "Published 1 issue." in messages_of(response)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.published_at >= before
    assert Issue.objects.published().filter(pk=issue.pk).exists()
    assert publisher_client.get(issue.get_absolute_url()).status_code == 200


def test_publishing_keeps_a_publication_date_already_set(publisher_client):
    chosen = timezone.now() - timedelta(days=30)
    issue = make_draft_issue(published_at=chosen)
    make_section(issue)
    run_action(publisher_client, "publish", issue)
    issue.refresh_from_db()
    assert issue.published_at == chosen


def test_publishing_an_issue_without_sections_is_refused(publisher_client):
    issue = make_draft_issue(title="Empty issue")
    response = run_action(publisher_client, "publish", issue)
    assert response.status_code == 200
    assert any(
        "Empty issue" in message and "no sections" in message for message in messages_of(response)
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_publishing_an_interview_without_questions_is_refused(publisher_client):
    issue = make_draft_issue()
    make_section(
        issue, kind=SectionKind.INTERVIEW, title="Talking trade", interviewee_name="A. Person"
    )
    response = run_action(publisher_client, "publish", issue)
    assert any("Talking trade" in message for message in messages_of(response))
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT

    interview = issue.sections.get()
    Question.objects.create(section=interview, question="Why?", answer="<p>Because.</p>")
    run_action(publisher_client, "publish", issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED


def test_a_publisher_unpublishes(publisher_client):
    issue = make_issue(status=IssueStatus.PUBLISHED, published_at=timezone.now())
    make_section(issue)
    run_action(publisher_client, "unpublish", issue)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not Issue.objects.published().filter(pk=issue.pk).exists()


def test_publishing_through_the_form_needs_a_section(publisher_client):
    response = publisher_client.post(
        reverse("admin:newsletters_issue_add"), issue_form_data(status="published")
    )
    assert response.status_code == 200
    assert "needs at least one section" in response.content.decode()
    assert not Issue.objects.exists()


def test_publishing_through_the_form_dates_the_issue(publisher_client):
    data = with_sections(
        issue_form_data(status="published"),
        {"order": "1", "kind": "article", "title": "Hello", "anchor": "hello"},
    )
    response = publisher_client.post(reverse("admin:newsletters_issue_add"), data)
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.is_public
    assert [s.title for s in issue.sections.all()] == ["Hello"]


def test_the_list_shows_scheduled_issues_as_scheduled(publisher_client):
    make_issue(
        title="Future issue",
        status=IssueStatus.PUBLISHED,
        published_at=timezone.now() + timedelta(days=3),
    )
    response = publisher_client.get(changelist_url())
    content = response.content.decode()
    assert "Scheduled" in content


def test_the_list_filters_by_status_and_year(publisher_client):
    old = make_issue(
        title="Old issue",
        status=IssueStatus.PUBLISHED,
        # Midyear: a time taken from the clock could fall in another year in
        # Geneva, or on a 29 February.
        published_at=datetime(2021, 6, 15, 12, 0, tzinfo=UTC),
    )
    make_draft_issue(title="Draft issue")
    response = publisher_client.get(changelist_url(), {"year": "2021"})
    assert list(response.context["cl"].result_list) == [old]
    response = publisher_client.get(changelist_url(), {"status__exact": "draft"})
    assert [i.title for i in response.context["cl"].result_list] == ["Draft issue"]
    response = publisher_client.get(changelist_url(), {"q": "Old"})
    assert list(response.context["cl"].result_list) == [old]


def test_the_issue_list_runs_a_fixed_number_of_queries(
    publisher_client, django_assert_max_num_queries
):
    for _ in range(12):
        make_section(make_draft_issue())
    # Plus three for the editions column (sections, questions, links), whatever the count.
    with django_assert_max_num_queries(15):
        response = publisher_client.get(changelist_url())
    assert len(response.context["cl"].result_list) == 12


# Preview


def test_preview_renders_a_draft_with_the_public_template(editor_client):
    issue = make_draft_issue(title="Draft in progress")
    make_section(issue, title="Secret section", body="<p>Not yet public.</p>")
    assert editor_client.get(issue.get_absolute_url()).status_code == 404

    response = editor_client.get(reverse("admin:newsletters_issue_preview", args=[issue.pk]))
    assert response.status_code == 200
    assert "newsletters/issue_detail.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "Draft in progress" in content
    assert "Secret section" in content
    assert "Not yet public." in content
    assert "Preview: this is how the issue will look once published." in content
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_preview_of_an_unknown_issue_is_not_found(editor_client):
    response = editor_client.get(reverse("admin:newsletters_issue_preview", args=[999999]))
    assert response.status_code == 404


def test_the_change_list_links_to_the_preview(editor_client):
    issue = make_draft_issue()
    response = editor_client.get(changelist_url())
    assert reverse("admin:newsletters_issue_preview", args=[issue.pk]) in response.content.decode()


# Validation: clear form errors, never a server error


def test_a_duplicate_slug_is_a_form_error(editor_client):
    make_draft_issue(slug="summer-2022")
    response = editor_client.post(
        reverse("admin:newsletters_issue_add"), issue_form_data(slug="summer-2022")
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Issue.objects.count() == 1


def test_a_duplicate_anchor_in_the_sections_inline_is_a_form_error(editor_client):
    data = with_sections(
        issue_form_data(),
        {"order": "1", "kind": "article", "title": "A", "anchor": "same"},
        {"order": "2", "kind": "article", "title": "B", "anchor": "same"},
    )
    response = editor_client.post(reverse("admin:newsletters_issue_add"), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for anchor" in response.content.decode()
    assert not Issue.objects.exists()


def test_the_sections_inline_offers_only_the_issues_own_sections_as_parent(editor_client):
    issue, other = make_draft_issue(), make_draft_issue()
    own = make_section(issue, title="Own parent")
    foreign = make_section(other, title="Foreign parent")
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    data = with_sections(
        issue_form_data(title=issue.title, slug=issue.slug, **{"sections-INITIAL_FORMS": "1"}),
        {
            "id": own.pk,
            "issue": issue.pk,
            "order": "1",
            "kind": "article",
            "title": own.title,
            "anchor": own.anchor,
        },
        {
            "issue": issue.pk,
            "order": "2",
            "kind": "box",
            "title": "Box",
            "anchor": "box",
            "parent": foreign.pk,
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert issue.sections.count() == 1


def test_an_image_without_alt_text_is_a_form_error(editor_client):
    issue = make_draft_issue()
    image = SimpleUploadedFile("chart.png", image_bytes("PNG"), content_type="image/png")
    response = post_section(editor_client, section_form_data(issue, image=image))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Describe the image" in errors["image_alt"][0]
    assert not Section.objects.exists()


def test_a_section_with_an_image_and_alt_text_is_saved(editor_client):
    issue = make_draft_issue()
    image = SimpleUploadedFile("chart.png", image_bytes("PNG"), content_type="image/png")
    response = post_section(
        editor_client, section_form_data(issue, image=image, image_alt="A rising chart")
    )
    assert response.status_code == 302
    section = Section.objects.get()
    assert section.image.name.startswith("sections/")
    assert section.image.name.endswith(".png")
    assert "chart" not in section.image.name


@pytest.mark.parametrize(
    ("label", "data", "name"),
    [
        ("not an image", b"just some text", "notes.png"),
        ("svg", SVG, "logo.svg"),
        ("html/gif polyglot", gif_with_html(), "funny.gif"),
        ("pixel bomb", png_header_only(100_000, 100_000), "huge.png"),
        ("too many pixels", png_header_only(8000, 6000), "big.png"),
    ],
)
def test_hostile_image_uploads_are_form_errors(editor_client, label, data, name):
    issue = make_draft_issue()
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = post_section(editor_client, section_form_data(issue, image=upload, image_alt="x"))
    assert response.status_code == 200, label
    assert response.context["adminform"].form.errors["image"], label
    assert not Section.objects.exists()


def test_an_image_over_the_byte_limit_is_a_form_error(editor_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    issue = make_draft_issue()
    data = image_bytes("PNG", size=(300, 300), compress_level=0)
    assert len(data) > 1000
    upload = SimpleUploadedFile("big.png", data, content_type="image/png")
    response = post_section(editor_client, section_form_data(issue, image=upload, image_alt="x"))
    assert response.status_code == 200
    assert "the limit is" in response.context["adminform"].form.errors["image"][0]


def test_an_interview_needs_an_interviewee(editor_client):
    issue = make_draft_issue()
    response = post_section(editor_client, section_form_data(issue, kind="interview"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "name of the interviewee" in errors["interviewee_name"][0]


def test_an_interview_without_questions_is_flagged(editor_client):
    issue = make_draft_issue()
    response = post_section(
        editor_client,
        section_form_data(issue, kind="interview", interviewee_name="A. Person"),
    )
    assert response.status_code == 302
    response = editor_client.get(response.url)
    assert any("has no questions" in message for message in messages_of(response))
    changelist = editor_client.get(
        reverse("admin:newsletters_section_changelist"),
        {"attention": "interview_without_questions"},
    )
    assert [s.title for s in changelist.context["cl"].result_list] == ["A section"]
    assert "Interview without questions" in changelist.content.decode()


def test_an_interview_is_saved_with_its_questions(editor_client):
    issue = make_draft_issue()
    data = section_form_data(
        issue,
        kind="interview",
        interviewee_name="A. Person",
        **{
            "questions-TOTAL_FORMS": "2",
            "questions-0-order": "1",
            "questions-0-question": "First?",
            "questions-0-answer": "<p>Yes.</p><script>x</script>",
            "questions-1-order": "2",
            "questions-1-question": "Second?",
            "questions-1-answer": "<p>No.</p>",
        },
    )
    response = post_section(editor_client, data)
    assert response.status_code == 302
    section = Section.objects.get()
    assert [q.question for q in section.questions.all()] == ["First?", "Second?"]
    assert section.questions.first().answer == "<p>Yes.</p>"


def test_a_section_parent_from_another_issue_is_a_form_error(editor_client):
    issue, other = make_draft_issue(), make_draft_issue()
    foreign = make_section(other)
    response = post_section(editor_client, section_form_data(issue, parent=foreign.pk))
    assert response.status_code == 200
    assert "same issue" in response.context["adminform"].form.errors["parent"][0]


def test_a_meeting_without_a_date_is_a_form_error(editor_client):
    response = editor_client.post(
        reverse("admin:newsletters_meeting_add"),
        {"kind": "meeting", "title": "Group meeting", "date": ""},
    )
    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    assert not Meeting.objects.exists()


def meeting_form(**changes):
    data = {
        "kind": "meeting",
        "status": "scheduled",
        "title_en": "Group meeting",
        "date": "2030-07-10",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:00",
        "time_zone": "Europe/Zurich",
        "format": "in_person",
        "place_en": "WTO, Geneva",
        "description_en": "",
        "link": "",
        "documents": "INF/MSME/W/30",
        "recording_url": "",
    }
    data.update(changes)
    return data


def test_an_editor_adds_a_meeting_with_its_time_place_and_documents(editor_client):
    response = editor_client.post(reverse("admin:newsletters_meeting_add"), meeting_form())
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at.isoformat() == "2030-07-10T10:00:00+02:00"
    assert meeting.place == "WTO, Geneva"
    assert meeting.document_symbols == ["INF/MSME/W/30"]
    assert meeting.sequence == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2030-07-09"}, "end_date", "The end date must not be before the start."),
        ({"end_time": "09:00"}, "end_time", "The end must come after the start."),
        ({"start_time": ""}, "end_time", "Give the start time too"),
        (
            {"documents": "INF/MSME/W/30\nSee the agenda"},
            "documents",
            "“See the agenda” is not a WTO document symbol.",
        ),
        ({"time_zone": "Geneva"}, "time_zone", "“Geneva” is not a known time zone"),
    ],
)
def test_a_meeting_that_cannot_be_is_a_form_error(editor_client, changes, field, message):
    response = editor_client.post(reverse("admin:newsletters_meeting_add"), meeting_form(**changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    # Shown on the page beside its field, not only in the form's data.
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_edit_of_the_time_raises_the_meetings_revision(editor_client):
    editor_client.post(reverse("admin:newsletters_meeting_add"), meeting_form())
    meeting = Meeting.objects.get()
    response = editor_client.post(
        reverse("admin:newsletters_meeting_change", args=[meeting.pk]),
        meeting_form(start_time="14:00", end_time="16:00"),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    # Saving it unchanged leaves the revision alone.
    editor_client.post(
        reverse("admin:newsletters_meeting_change", args=[meeting.pk]),
        meeting_form(start_time="14:00", end_time="16:00"),
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_saving_a_meeting_from_before_the_calendar_keeps_its_revision(editor_client):
    # As the migration left it: no translations of the place (NULL).
    meeting = Meeting.objects.create(date="2022-07-15", title="July meeting")
    Meeting.objects.filter(pk=meeting.pk).update(place_fr=None, place_es=None, title_es=None)
    form = meeting_form(
        title_en="July meeting",
        date="2022-07-15",
        start_time="",
        end_time="",
        format="",
        place_en="",
        documents="",
    )
    response = editor_client.post(
        reverse("admin:newsletters_meeting_change", args=[meeting.pk]), form
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_the_meeting_list_shows_start_kind_and_status(editor_client):
    Meeting.objects.create(date="2030-07-10", start_time="10:00", title="Timed", status="cancelled")
    Meeting.objects.create(kind="event", date="2022-07-15", title="All day")
    html = editor_client.get(reverse("admin:newsletters_meeting_changelist")).content.decode()
    assert "July 10, 2030 10:00 (Europe/Zurich)" in html
    assert "July 15, 2022 (all day)" in html
    assert "Cancelled" in html and "Event" in html


def test_the_meeting_list_filters_by_kind(editor_client):
    Meeting.objects.create(kind="meeting", date="2022-07-15", title="July meeting")
    Meeting.objects.create(kind="event", date="2022-06-08", title="Network launch")
    response = editor_client.get(
        reverse("admin:newsletters_meeting_changelist"), {"kind__exact": "event"}
    )
    assert [m.title for m in response.context["cl"].result_list] == ["Network launch"]


# Login throttling


def attempt_login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_five_failed_logins_lock_out_that_username_from_that_address(client, django_user_model):
    make_user(django_user_model, username="chair")
    for _ in range(4):
        response = attempt_login(client, "chair", "wrong-password")
        assert response.status_code == 200
    response = attempt_login(client, "chair", "wrong-password")
    assert response.status_code == 429

    # The right password no longer helps from that address...
    response = attempt_login(client, "chair", PASSWORD)
    assert response.status_code == 429
    assert "admin/locked_out.html" in [t.name for t in response.templates]
    # ...but the same person elsewhere, or another user, is not locked out.
    assert attempt_login(client, "chair", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lockout_expires_after_the_cool_off(client, django_user_model, settings):
    from axes.models import AccessAttempt

    make_user(django_user_model, username="chair")
    for _ in range(5):
        attempt_login(client, "chair", "wrong-password")
    assert attempt_login(client, "chair", PASSWORD).status_code == 429
    # Move the failures back in time rather than waiting a quarter of an hour.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt_login(client, "chair", PASSWORD).status_code == 302


def test_two_new_sections_with_the_same_number_are_a_form_error(editor_client):
    data = with_sections(
        issue_form_data(),
        {"order": "1", "number": "2", "kind": "article", "title": "A", "anchor": "a"},
        {"order": "2", "number": "2", "kind": "article", "title": "B", "anchor": "b"},
    )
    response = editor_client.post(reverse("admin:newsletters_issue_add"), data)
    assert response.status_code == 200
    assert "Two sections have the number 2" in response.content.decode()
    assert not Issue.objects.exists()


def test_a_new_section_reusing_an_existing_number_is_a_form_error(editor_client):
    issue = make_draft_issue()
    existing = make_section(issue, number=1)
    data = with_sections(
        issue_form_data(title=issue.title, slug=issue.slug, **{"sections-INITIAL_FORMS": "1"}),
        {
            "id": existing.pk,
            "issue": issue.pk,
            "order": "1",
            "number": "1",
            "kind": "article",
            "title": existing.title,
            "anchor": existing.anchor,
        },
        {"issue": issue.pk, "order": "2", "number": "1", "kind": "article", "title": "B"},
    )
    data["sections-1-anchor"] = "b"
    response = editor_client.post(reverse("admin:newsletters_issue_change", args=[issue.pk]), data)
    assert response.status_code == 200
    assert issue.sections.count() == 1


def test_publishing_through_the_form_refuses_an_interview_without_questions(publisher_client):
    issue = make_draft_issue()
    interview = make_section(
        issue, kind=SectionKind.INTERVIEW, title="Voices", interviewee_name="A. Person"
    )
    data = with_sections(
        issue_form_data(
            title=issue.title,
            slug=issue.slug,
            status="published",
            **{"sections-INITIAL_FORMS": "1"},
        ),
        {
            "id": interview.pk,
            "issue": issue.pk,
            "order": "1",
            "kind": "interview",
            "title": "Voices",
            "anchor": interview.anchor,
            "interviewee_name": "A. Person",
        },
    )
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "The interview “Voices” has no questions." in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_an_interview_row_without_interviewee_is_a_form_error_not_a_crash(editor_client):
    data = with_sections(
        issue_form_data(),
        {"order": "1", "kind": "interview", "title": "Voices", "anchor": "voices"},
    )
    response = editor_client.post(reverse("admin:newsletters_issue_add"), data)
    assert response.status_code == 200
    assert "An interview needs the name of the interviewee." in response.content.decode()
    assert not Issue.objects.exists()


def test_a_coordinator_message_row_without_signature_is_a_form_error(editor_client):
    data = with_sections(
        issue_form_data(),
        {"order": "1", "kind": "coordinator_message", "title": "Message", "anchor": "message"},
    )
    response = editor_client.post(reverse("admin:newsletters_issue_add"), data)
    assert response.status_code == 200
    assert "The coordinator&#x27;s message needs a signature." in response.content.decode()


def test_the_change_form_links_to_the_preview(editor_client):
    issue = make_draft_issue()
    response = editor_client.get(reverse("admin:newsletters_issue_change", args=[issue.pk]))
    preview_url = reverse("admin:newsletters_issue_preview", args=[issue.pk])
    assert f'href="{preview_url}"' in response.content.decode()


def test_every_admin_page_of_the_built_in_issue_renders(publisher_client):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    issue = Issue.objects.get()
    urls = [
        changelist_url(),
        reverse("admin:newsletters_issue_change", args=[issue.pk]),
        reverse("admin:newsletters_issue_preview", args=[issue.pk]),
        reverse("admin:newsletters_section_changelist"),
        reverse("admin:newsletters_meeting_changelist"),
        *(
            reverse("admin:newsletters_section_change", args=[pk])
            for pk in issue.sections.values_list("pk", flat=True)
        ),
    ]
    for url in urls:
        assert publisher_client.get(url).status_code == 200, url

    # The built-in issue meets the publishing rules: it can go out again,
    # keeping its 2022 date once the Publisher confirms it.
    run_action(publisher_client, "unpublish", issue)
    response = run_action(publisher_client, "publish", issue)
    assert "is in the past" in response.content.decode()
    response = publisher_client.post(
        reverse("admin:newsletters_issue_publish", args=[issue.pk]), {"date": "keep"}, follow=True
    )
    assert any("“Summer 2022” is published." in message for message in messages_of(response))
    issue.refresh_from_db()
    assert issue.is_public and issue.published_at.year == 2022


def test_the_issue_form_runs_a_fixed_number_of_queries(
    publisher_client, django_assert_max_num_queries
):
    issue = make_draft_issue()
    for _ in range(25):
        make_section(issue)
    # Sections, their questions and their links: one query each, however many;
    # and the same again for the language tabs' completeness.
    with django_assert_max_num_queries(23):
        response = publisher_client.get(reverse("admin:newsletters_issue_change", args=[issue.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('name="sections-') > 25


def test_a_section_row_can_be_shown_with_another_section_of_the_issue(editor_client):
    issue = make_draft_issue()
    article = make_section(issue, title="Article")
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    data = with_sections(
        issue_form_data(title=issue.title, slug=issue.slug, **{"sections-INITIAL_FORMS": "1"}),
        {
            "id": article.pk,
            "issue": issue.pk,
            "order": "1",
            "kind": "article",
            "title": article.title,
            "anchor": article.anchor,
        },
        {
            "issue": issue.pk,
            "order": "2",
            "kind": "box",
            "title": "Box",
            "anchor": "box",
            "parent": article.pk,
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert list(article.children.values_list("title", flat=True)) == ["Box"]


def test_the_section_form_links_to_its_issues_preview(editor_client):
    issue = make_draft_issue()
    section = make_section(issue, anchor="voices")
    response = editor_client.get(reverse("admin:newsletters_section_change", args=[section.pk]))
    preview_url = reverse("admin:newsletters_issue_preview", args=[issue.pk])
    assert f'href="{preview_url}#voices"' in response.content.decode()
