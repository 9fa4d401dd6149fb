"""Issues, sections, interviews and meetings: rules, constraints, ordering."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletters.models import (
    Issue,
    IssueStatus,
    Meeting,
    MeetingKind,
    Question,
    Section,
    SectionKind,
    SectionLink,
)
from tests.factories import make_draft_issue, make_issue, make_section
from tests.images import image_bytes

pytestmark = pytest.mark.django_db


def png_upload(name="picture.png"):
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


# Publication


def test_only_issues_whose_time_has_come_are_published():
    now = timezone.now()
    public = make_issue(status=IssueStatus.PUBLISHED, published_at=now - timedelta(hours=1))
    make_draft_issue()
    make_draft_issue(published_at=now - timedelta(days=1))
    scheduled = make_issue(status=IssueStatus.PUBLISHED, published_at=now + timedelta(days=2))

    assert list(Issue.objects.published()) == [public]
    assert public.is_public and not public.is_scheduled
    assert scheduled.is_scheduled and not scheduled.is_public


def test_a_scheduled_issue_appears_once_its_time_has_passed(client):
    issue = make_issue(
        status=IssueStatus.PUBLISHED, published_at=timezone.now() + timedelta(minutes=5)
    )
    make_section(issue, body="<p>Scheduled text.</p>")
    assert not Issue.objects.published().filter(pk=issue.pk).exists()
    assert client.get(issue.get_absolute_url()).status_code == 404

    # Rather than wait five minutes, let the publication time fall in the past.
    issue.published_at = timezone.now() - timedelta(seconds=1)
    issue.save()
    assert Issue.objects.published().filter(pk=issue.pk).exists()
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert "Scheduled text." in response.content.decode()


def test_a_published_issue_needs_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(status=IssueStatus.PUBLISHED, published_at=None)
    issue = Issue(title="x", slug="x", summary="x", status=IssueStatus.PUBLISHED)
    with pytest.raises(ValidationError) as excinfo:
        issue.full_clean()
    assert "A published issue needs a publication date." in str(excinfo.value)


def test_issue_slugs_are_unique():
    make_draft_issue(slug="summer-2022")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_draft_issue(slug="summer-2022")


def test_issues_are_listed_newest_publication_first():
    now = timezone.now()
    older = make_issue(status=IssueStatus.PUBLISHED, published_at=now - timedelta(days=200))
    newer = make_issue(status=IssueStatus.PUBLISHED, published_at=now - timedelta(days=10))
    assert list(Issue.objects.published()) == [newer, older]


def test_a_cover_image_needs_a_text_alternative():
    issue = make_draft_issue()
    issue.cover_image = png_upload()
    with pytest.raises(ValidationError) as excinfo:
        issue.full_clean()
    assert "cover_image_alt" in excinfo.value.message_dict
    issue.cover_image_alt = "The Group's members at MC12"
    issue.full_clean()


def test_issue_text_and_address():
    issue = make_draft_issue(title="Summer 2022", slug="summer-2022")
    assert str(issue) == "Summer 2022"
    assert issue.get_absolute_url() == "/en/issues/summer-2022/"


# Sections


def test_sections_follow_their_explicit_order():
    issue = make_draft_issue()
    third = make_section(issue, order=30)
    first = make_section(issue, order=10)
    second = make_section(issue, order=20)
    assert list(issue.sections.all()) == [first, second, third]
    first.order = 40
    first.save()
    assert list(issue.sections.all()) == [second, third, first]


def test_anchors_are_unique_within_an_issue_only():
    issue, other = make_draft_issue(), make_draft_issue()
    make_section(issue, anchor="voices")
    make_section(other, anchor="voices")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_section(issue, anchor="voices")


def test_section_numbers_are_unique_within_an_issue_but_optional():
    issue = make_draft_issue()
    make_section(issue, number=1)
    make_section(issue, number=None)
    make_section(issue, number=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_section(issue, number=1)


def test_duplicate_anchor_is_a_validation_error_not_a_crash():
    issue = make_draft_issue()
    make_section(issue, anchor="voices")
    duplicate = Section(issue=issue, title="Again", anchor="voices")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Another section of this issue uses this anchor." in str(excinfo.value)


def section_errors(section):
    with pytest.raises(ValidationError) as excinfo:
        section.full_clean()
    return excinfo.value.message_dict


def test_images_and_portraits_need_a_text_alternative():
    issue = make_draft_issue()
    section = Section(issue=issue, title="Pictured", anchor="pictured", image=png_upload())
    assert "image_alt" in section_errors(section)
    section = Section(
        issue=issue,
        title="Voices",
        anchor="voices",
        kind=SectionKind.INTERVIEW,
        interviewee_name="A. Person",
        portrait=png_upload(),
    )
    assert "portrait_alt" in section_errors(section)


def test_an_interview_names_its_interviewee_and_a_message_is_signed():
    issue = make_draft_issue()
    interview = Section(issue=issue, title="Q&A", anchor="qa", kind=SectionKind.INTERVIEW)
    assert "interviewee_name" in section_errors(interview)
    message = Section(
        issue=issue, title="Message", anchor="message", kind=SectionKind.COORDINATOR_MESSAGE
    )
    assert "signatory_name" in section_errors(message)


def test_a_section_is_shown_with_a_top_level_section_of_its_own_issue():
    issue, other = make_draft_issue(), make_draft_issue()
    parent = make_section(issue)
    child = make_section(issue, parent=parent)

    foreign = Section(issue=issue, title="Box", anchor="box", parent=make_section(other))
    assert "same issue" in section_errors(foreign)["parent"][0]
    nested = Section(issue=issue, title="Deep", anchor="deep", parent=child)
    assert "one level" in section_errors(nested)["parent"][0]
    parent.parent = parent
    assert "itself" in section_errors(parent)["parent"][0]

    assert list(parent.children.all()) == [child]
    assert child.get_absolute_url() == f"{issue.get_absolute_url()}#{child.anchor}"


def test_rich_text_is_sanitized_when_saved():
    issue = make_draft_issue()
    section = make_section(
        issue,
        body='<p onclick="x()">Hello <script>alert(1)</script><a href="javascript:x">link</a></p>',
    )
    section.refresh_from_db()
    assert section.body == '<p>Hello <a rel="noopener">link</a></p>'
    question = Question.objects.create(
        section=section, question="Why?", answer='<img src="https://evil.example/x.png">'
    )
    question.refresh_from_db()
    assert "src" not in question.answer


def test_questions_and_links_follow_their_order():
    section = make_section(make_draft_issue(), kind=SectionKind.INTERVIEW, interviewee_name="A")
    later = Question.objects.create(section=section, order=2, question="Second?", answer="b")
    earlier = Question.objects.create(section=section, order=1, question="First?", answer="a")
    assert list(section.questions.all()) == [earlier, later]
    assert str(earlier) == "First?"
    b = SectionLink.objects.create(section=section, order=2, label="B", url="https://b.example")
    a = SectionLink.objects.create(section=section, order=1, label="A", url="https://a.example")
    assert list(section.links.all()) == [a, b]


def test_deleting_an_issue_deletes_its_content():
    issue = make_draft_issue()
    section = make_section(issue, kind=SectionKind.INTERVIEW, interviewee_name="A")
    Question.objects.create(section=section, question="Q?", answer="A.")
    issue.delete()
    assert not Section.objects.exists()
    assert not Question.objects.exists()


# Meetings


def test_upcoming_meetings_and_past_events():
    today = date(2022, 7, 1)
    july = Meeting.objects.create(date=date(2022, 7, 15), title="July")
    october = Meeting.objects.create(date=date(2022, 10, 12), title="October")
    Meeting.objects.create(date=date(2022, 6, 1), title="Earlier meeting")
    launch = Meeting.objects.create(
        kind=MeetingKind.EVENT, date=date(2022, 6, 8), title="Network launch"
    )
    Meeting.objects.create(kind=MeetingKind.EVENT, date=date(2021, 6, 8), title="Old event")
    future_event = Meeting.objects.create(
        kind=MeetingKind.EVENT, date=date(2022, 7, 20), title="Future event"
    )

    # Upcoming holds meetings and events alike; past_events only events.
    assert list(Meeting.objects.upcoming(today)) == [july, future_event, october]
    assert list(Meeting.objects.past_events(before=today)) == [launch]
    assert list(Meeting.objects.all()[:2]) == [october, future_event]
    assert str(july) == "15 July 2022: July"


def test_meetings_of_one_day_come_all_day_first_then_by_time():
    day = date(2030, 3, 4)
    afternoon = Meeting.objects.create(date=day, start_time=time(15), title="Afternoon")
    morning = Meeting.objects.create(date=day, start_time=time(9, 30), title="Morning")
    all_day = Meeting.objects.create(date=day, title="All day")
    assert list(Meeting.objects.upcoming(day)) == [all_day, morning, afternoon]
    assert list(Meeting.objects.past(day + timedelta(days=1))) == [afternoon, morning, all_day]


def test_the_next_meeting_skips_cancelled_ones_and_events():
    today = timezone.localdate()
    Meeting.objects.create(date=today + timedelta(days=1), title="Off", status="cancelled")
    Meeting.objects.create(kind=MeetingKind.EVENT, date=today + timedelta(days=2), title="Event")
    later = Meeting.objects.create(date=today + timedelta(days=3), title="Held")
    assert Meeting.objects.next_meetings().first() == later


def test_a_meeting_without_a_time_is_all_day_in_geneva():
    meeting = Meeting.objects.create(date=date(2022, 7, 15), title="July")
    assert meeting.is_all_day
    assert meeting.time_zone == "Europe/Zurich"
    assert meeting.starts_at is None


def test_a_timed_meeting_starts_in_its_own_time_zone():
    meeting = Meeting(
        date=date(2030, 1, 10),
        start_time=time(9),
        end_time=time(11),
        time_zone="America/New_York",
        title="New York",
    )
    assert meeting.starts_at.utcoffset() == timedelta(hours=-5)
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=2)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_date": date(2030, 1, 9)}, "end_date", "must not be before the start"),
        ({"start_time": time(11), "end_time": time(10)}, "end_time", "after the start"),
        ({"end_time": time(10)}, "end_time", "Give the start time too"),
        (
            {"start_time": time(10), "end_date": date(2030, 1, 11)},
            "end_time",
            "the time it ends",
        ),
        ({"time_zone": "Europe/Genevaa"}, "time_zone", "not a known time zone"),
        ({"documents": "INF/MSME/W/30\nAgenda"}, "documents", "“Agenda” is not a WTO"),
    ],
)
def test_a_meeting_that_cannot_be_is_refused_with_a_message(fields, field, message):
    meeting = Meeting(date=date(2030, 1, 10), title="Meeting", **fields)
    with pytest.raises(ValidationError) as raised:
        meeting.full_clean()
    assert message in " ".join(raised.value.message_dict[field])


def test_document_symbols_one_a_line():
    meeting = Meeting(
        date=date(2030, 1, 10),
        title="Meeting",
        documents="INF/MSME/W/30\n\n  WT/MIN(17)/58 \nINF/MSME/4/Rev.2\n",
    )
    meeting.full_clean()
    assert meeting.document_symbols == ["INF/MSME/W/30", "WT/MIN(17)/58", "INF/MSME/4/Rev.2"]


def test_the_database_refuses_an_end_before_the_start_day():
    with transaction.atomic(), pytest.raises(IntegrityError):
        Meeting.objects.create(date=date(2030, 1, 10), end_date=date(2030, 1, 9), title="Back")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Meeting.objects.create(date=date(2030, 1, 10), end_time=time(10), title="No start")


def test_the_sequence_goes_up_only_for_what_calendars_show():
    meeting = Meeting.objects.create(date=date(2030, 1, 10), title="Meeting")
    assert meeting.sequence == 0
    meeting.description = "A new agenda."
    meeting.recording_url = "https://example.org/recording"
    meeting.save()
    assert meeting.sequence == 0
    meeting.start_time = time(10)
    meeting.save()
    meeting.title_fr = "Réunion"
    meeting.save()
    meeting.status = "cancelled"
    meeting.save(update_fields=["status"])
    meeting.refresh_from_db()
    assert meeting.sequence == 3


# The staff groups' data migration


def test_the_staff_groups_migration_runs_both_ways_and_again():
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    migration = import_module("newsletters.migrations.0002_staff_groups")
    # The functions use only the schema editor's connection.
    schema_editor = SimpleNamespace(connection=connection)
    migration.delete_groups(apps, schema_editor)
    assert not Group.objects.filter(name__in=["Editors", "Publishers"]).exists()
    migration.create_groups(apps, schema_editor)
    migration.create_groups(apps, schema_editor)  # running twice changes nothing

    editors = Group.objects.get(name="Editors")
    publishers = Group.objects.get(name="Publishers")
    assert editors.permissions.count() == 33
    assert not editors.permissions.filter(codename__in=["publish_issue", "delete_issue"]).exists()
    assert (
        publishers.permissions.filter(codename__in=["publish_issue", "delete_issue"]).count() == 2
    )
    # The app registry it was given is left as it was.
    assert apps.get_app_config("newsletters").models_module is not None


# Publication: the rule the admin's actions and forms share.


def test_an_issue_without_sections_cannot_be_published():
    issue = make_draft_issue()
    assert [problem.code for problem in issue.publication_problems()] == ["no_sections"]
    with pytest.raises(ValidationError, match="it has no sections"):
        issue.publish()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert issue.published_at is None


def test_every_interview_needs_its_interviewee_and_questions_before_publication():
    issue = make_draft_issue()
    interview = make_section(issue, kind=SectionKind.INTERVIEW, title="Voices", interviewee_name="")
    codes = [problem.code for problem in issue.publication_problems()]
    assert codes == ["interview_without_interviewee", "interview_without_questions"]

    Section.objects.filter(pk=interview.pk).update(interviewee_name="A. Person")
    Question.objects.create(section=interview, question="Why?", answer="<p>Because.</p>")
    assert issue.publication_problems() == []


def test_the_rule_judges_sections_not_yet_saved():
    issue = make_draft_issue()
    make_section(issue)
    unsaved = Section(
        issue=issue, kind=SectionKind.INTERVIEW, title="New", interviewee_name="A. Person"
    )
    assert issue.publication_problems() == []
    problems = issue.publication_problems(sections=[unsaved])
    assert [(problem.code, problem.params) for problem in problems] == [
        ("interview_without_questions", {"title": "New"})
    ]
    assert [problem.code for problem in issue.publication_problems(sections=[])] == ["no_sections"]


def test_publishing_dates_the_issue_unless_it_has_a_date_and_unpublishing_makes_a_draft():
    issue = make_draft_issue()
    make_section(issue)
    moment = timezone.now() - timedelta(hours=2)
    issue.publish(now=moment)
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == (IssueStatus.PUBLISHED, moment)
    assert Issue.objects.published().filter(pk=issue.pk).exists()

    assert issue.unpublish() is True
    assert issue.unpublish() is False
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    issue.publish()
    issue.refresh_from_db()
    assert issue.published_at == moment
