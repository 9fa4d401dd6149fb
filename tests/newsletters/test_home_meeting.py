"""The home page says what is next: the next Group meeting with its day,
its time in Geneva, its place and links to its .ics and to /meetings/; while
none is scheduled, the latest meeting held with its recording; with
neither, that none is scheduled."""

import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from newsletters.models import Meeting
from newsletters.models.meetings import MeetingFormat
from tests.factories import make_event, make_issue, make_meeting, make_section

pytestmark = pytest.mark.django_db


def meeting_box(client, path="/en/"):
    html = client.get(path).content.decode()
    found = re.search(
        r'<section class="callout callout--plain home-meeting".*?</section>', html, re.S
    )
    return " ".join(found.group(0).split())


def test_the_next_meeting_with_its_time_in_geneva_place_and_links(client):
    day = timezone.localdate() + timedelta(days=12)
    meeting = make_meeting(
        title="Seventh formal meeting",
        date=day,
        start_time=time(10, 0),
        end_time=time(13, 0),
        format=MeetingFormat.HYBRID,
        place="WTO, Room W",
        link="https://www.wto.org/msme",
        description="Agenda: the work plan for 2027.",
    )

    box = meeting_box(client)

    assert '<h2 id="next-meeting-title">Next meeting</h2>' in box
    assert "Seventh formal meeting" in box
    starts = meeting.starts_at.isoformat(timespec="minutes")
    assert f'<time datetime="{starts}">{day.day} {day:%B %Y}, 10:00</time>' in box
    assert '<span class="muted">Geneva time</span>' in box
    assert "WTO, Room W, and online" in box
    assert f'href="/en/meetings/{meeting.pk}.ics"' in box
    assert 'href="https://www.wto.org/msme"' in box
    assert '<p class="muted">Agenda: the work plan for 2027.</p>' in box
    assert 'href="/en/meetings/"' in box
    assert "No meeting is scheduled yet." not in box


def test_a_time_set_in_another_zone_is_given_in_geneva(client):
    day = timezone.localdate() + timedelta(days=12)
    make_meeting(
        title="Call from Bangkok", date=day, start_time=time(15, 0), time_zone="Asia/Bangkok"
    )

    box = meeting_box(client)

    # 15:00 in Bangkok (UTC+7) is 09:00 in Geneva in winter, 10:00 in summer.
    summer = Meeting.objects.get().starts_at.astimezone(ZoneInfo("Europe/Zurich")).dst()
    assert f", {'10:00' if summer else '09:00'}</time>" in box


def test_a_meeting_without_a_time_or_place_says_so(client):
    day = timezone.localdate() + timedelta(days=5)
    meeting = make_meeting(title="Date only", date=day)

    box = meeting_box(client)

    assert f'<time datetime="{day.isoformat()}">{day.day} {day:%B %Y}</time>' in box
    assert "Geneva time" not in box
    assert "Place to be announced" in box
    assert f'href="/en/meetings/{meeting.pk}.ics"' in box


def test_with_none_scheduled_the_latest_meeting_held_and_its_recording(client):
    today = timezone.localdate()
    make_meeting(
        title="Older meeting",
        date=today - timedelta(days=90),
        recording_url="https://example.org/old",
    )
    latest = make_meeting(
        title="Sixth formal meeting",
        date=today - timedelta(days=20),
        recording_url="https://www.youtube.com/watch?v=msme6",
    )
    make_meeting(title="Called off", date=today - timedelta(days=5), status="cancelled")
    make_event(title="A later event", date=today - timedelta(days=2))
    make_meeting(title="Cancelled next", date=today + timedelta(days=5), status="cancelled")

    box = meeting_box(client)

    assert '<h2 id="next-meeting-title">Latest meeting</h2>' in box
    assert "No meeting is scheduled yet." in box
    assert "Sixth formal meeting" in box
    assert f'datetime="{latest.date.isoformat()}"' in box
    assert 'href="https://www.youtube.com/watch?v=msme6"' in box
    assert "Watch the recording" in box
    assert ".ics" not in box  # a meeting held is no longer offered for calendars
    for other in ("Older meeting", "Called off", "A later event", "Cancelled next"):
        assert other not in box


def test_a_held_meeting_without_a_recording_has_no_recording_link(client):
    make_meeting(title="Fifth formal meeting", date=timezone.localdate() - timedelta(days=3))

    box = meeting_box(client)

    assert "Fifth formal meeting" in box
    assert "recording" not in box.lower()


def test_with_no_meeting_at_all_none_is_scheduled(client):
    box = meeting_box(client)

    assert '<h2 id="next-meeting-title">Next meeting</h2>' in box
    assert "No meeting is scheduled yet." in box
    assert 'href="/en/meetings/"' in box


def test_the_box_is_in_the_pages_language(client):
    day = date(2030, 7, 15)
    make_meeting(title="Meeting", title_fr="Réunion", date=day, start_time=time(10, 0))

    box = meeting_box(client, "/fr/")

    assert "Réunion" in box
    assert "15 juillet 2030, 10:00" in box


@pytest.mark.parametrize(("scheduled", "queries"), [(True, 3), (False, 4)])
def test_the_home_page_query_count_does_not_grow(
    client, empty_page_cache, django_assert_num_queries, scheduled, queries
):
    issue = make_issue()
    for n in range(10):
        make_section(issue, number=n + 1)
    today = timezone.localdate()
    for n in range(10):
        make_meeting(date=today - timedelta(days=n + 1), recording_url="https://example.org/r")
        if scheduled:
            make_meeting(date=today + timedelta(days=n + 1), start_time=time(10, 0))
    empty_page_cache()

    # The latest issue, its sections, the next meeting (and, while none is
    # scheduled, the latest held).
    with django_assert_num_queries(queries):
        response = client.get("/en/")
    assert response.status_code == 200
