"""The public calendar at /meetings/: what is upcoming and what is past
around today, in each meeting's own time, with documents and recordings;
and a page for each year."""

import re
from datetime import UTC, date, datetime, time
from html import escape

import pytest
import time_machine
from django.urls import reverse

from msme_portal.document_symbols import document_url
from newsletters.models import Meeting
from newsletters.models.meetings import MeetingFormat, MeetingKind, MeetingStatus
from tests.factories import make_event, make_meeting

pytestmark = pytest.mark.django_db

# Noon in Geneva on 1 March 2030.
NOW = datetime(2030, 3, 1, 11, 0, tzinfo=UTC)


def section_html(html, heading_id):
    """The <section> a heading with this id titles."""
    start = html.index(f'id="{heading_id}"')
    start = html.rindex("<section", 0, start)
    end = html.find('<section class="meetings"', start + 1)
    return html[start : end if end != -1 else len(html)]


def meeting_html(html, meeting):
    """The page's item for `meeting`, up to the next one."""
    start = html.rindex("<li", 0, html.index(f'id="meeting-{meeting.pk}"'))
    end = html.find('<li class="meeting', start + 1)
    return html[start : end if end != -1 else len(html)]


def titles(html):
    found = re.findall(r'class="meeting__title">(?:<span lang="en">)?([^<]+)', html)
    return [title.strip() for title in found]


@pytest.fixture
def calendar():
    return {
        "today": make_meeting(title="Held today", date=date(2030, 3, 1), start_time=time(9)),
        "later": make_event(
            title="MSME Day panel",
            date=date(2030, 6, 27),
            start_time=time(10),
            end_time=time(12),
            format=MeetingFormat.HYBRID,
            place="WTO, Room W",
            documents="INF/MSME/W/40",
        ),
        "soon": make_meeting(
            title="Spring meeting", date=date(2030, 3, 20), format=MeetingFormat.VIRTUAL
        ),
        "cancelled": make_meeting(
            title="Called off", date=date(2030, 4, 2), status=MeetingStatus.CANCELLED
        ),
        "yesterday": make_meeting(
            title="Winter meeting",
            date=date(2030, 2, 28),
            recording_url="https://www.youtube.com/watch?v=recorded",
            documents="INF/MSME/W/30\nINF/MSME/4/Rev.2",
        ),
        "last_year": make_event(title="Network launch", date=date(2029, 6, 8)),
        "two_years_ago": make_meeting(title="Old meeting", date=date(2028, 12, 8)),
    }


def year_links(html):
    """The years the page links to the pages of."""
    links = re.search(r'<ul class="meeting-years">.*?</ul>', html, re.DOTALL)[0]
    return re.findall(r'<a href="/en/meetings/(\d+)/"', links)


def test_upcoming_soonest_first_and_the_latest_past_years_newest_first(client, calendar):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("newsletters:meeting_list")).content.decode()
    upcoming = section_html(html, "upcoming-title")
    past = section_html(html, "past-title")
    # Today's meeting stays upcoming for the whole of its day.
    assert titles(upcoming) == ["Held today", "Spring meeting", "Called off", "MSME Day panel"]
    assert titles(past) == ["Winter meeting", "Network launch"]
    years = re.findall(r'<h3 id="year-(\d+)">', past)
    assert years == ["2030", "2029"]
    # Earlier years have their own pages.
    assert "Old meeting" not in html
    assert year_links(past) == ["2028"]


def test_a_years_page_lists_its_meetings_in_the_order_they_take_place(client, calendar):
    with time_machine.travel(NOW, tick=False):
        html = client.get("/en/meetings/2030/").content.decode()
    assert "<h1>Meetings and events in 2030</h1>" in html
    assert titles(html) == [
        "Winter meeting", "Held today", "Spring meeting", "Called off", "MSME Day panel",
    ]  # fmt: skip
    # What is still to come can go into a calendar; what is past shows its recording.
    later = reverse("newsletters:meeting_ics", kwargs={"pk": calendar["later"].pk})
    assert f'href="{later}"' in meeting_html(html, calendar["later"])
    held = meeting_html(html, calendar["yesterday"])
    assert "Add to calendar" not in held
    assert 'href="https://www.youtube.com/watch?v=recorded"' in held
    assert year_links(html) == ["2030", "2029", "2028"]
    assert '<a href="/en/meetings/2030/" aria-current="page">2030</a>' in html
    french = client.get("/fr/meetings/2028/").content.decode()
    assert "<h1>Réunions et événements en 2028</h1>" in french
    assert titles(french) == ["Old meeting"]


def test_each_years_page_is_in_the_sitemap(client, calendar):
    sitemap = client.get("/sitemap.xml").content.decode()
    for language in ("en", "fr", "es"):
        for year in (2028, 2029, 2030):
            assert f"/{language}/meetings/{year}/</loc>" in sitemap
    assert "/en/meetings/2027/" not in sitemap


def test_each_meeting_is_at_its_years_page(client, calendar):
    meeting = calendar["two_years_ago"]
    assert meeting.get_absolute_url() == f"/en/meetings/2028/#meeting-{meeting.pk}"
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'id="meeting-{meeting.pk}"' in html


@pytest.mark.parametrize("year", ["2027", "1", "0", "99999"])
def test_a_year_without_meetings_is_not_found(client, calendar, year):
    assert client.get(f"/en/meetings/{year}/").status_code == 404


def test_the_same_page_a_day_later_moves_a_meeting_to_the_past(client, calendar):
    with time_machine.travel(datetime(2030, 3, 2, 8, 0, tzinfo=UTC), tick=False):
        html = client.get(reverse("newsletters:meeting_list")).content.decode()
    assert "Held today" not in titles(section_html(html, "upcoming-title"))
    assert titles(section_html(html, "past-title"))[0] == "Held today"


def test_a_past_meeting_shows_its_recording_and_documents(client, calendar):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("newsletters:meeting_list")).content.decode()
    past = section_html(html, "past-title")
    assert 'href="https://www.youtube.com/watch?v=recorded"' in past
    for symbol in ("INF/MSME/W/30", "INF/MSME/4/Rev.2"):
        assert f'<a href="{escape(document_url(symbol, "en"))}" rel="noopener">{symbol}</a>' in past
    # Past meetings are not offered to calendars.
    assert "Add to calendar" not in past


def test_an_upcoming_meeting_shows_its_time_zone_place_and_calendar_link(client, calendar):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("newsletters:meeting_list")).content.decode()
    panel = meeting_html(html, calendar["later"])
    assert '<time datetime="2030-06-27T10:00+02:00">27 June 2030, 10:00</time>' in panel
    assert '–<time datetime="2030-06-27T12:00+02:00">12:00</time>' in panel
    assert "(CEST, Europe/Zurich)" in panel
    assert "WTO, Room W, and online" in panel
    assert "Event" in panel
    ics = reverse("newsletters:meeting_ics", kwargs={"pk": calendar["later"].pk})
    assert f'href="{ics}"' in panel
    assert escape(document_url("INF/MSME/W/40", "en")) in panel


def test_an_all_day_meeting_has_a_date_without_a_time(client, calendar):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("newsletters:meeting_list")).content.decode()
    assert '<time datetime="2030-03-20">20 March 2030</time>' in html
    assert "Virtual" in html


def test_a_cancelled_meeting_is_marked_and_offers_no_calendar_file(client, calendar):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("newsletters:meeting_list")).content.decode()
    item = meeting_html(html, calendar["cancelled"])
    assert "meeting--cancelled" in item
    assert '<span class="meeting__status">Cancelled</span>' in item
    ics = reverse("newsletters:meeting_ics", kwargs={"pk": calendar["cancelled"].pk})
    assert ics not in item


def test_the_page_in_french_links_documents_in_french_and_marks_english_titles(client):
    make_meeting(title="Group meeting", title_fr="Réunion du Groupe", documents="INF/MSME/W/30")
    make_meeting(title="Untranslated meeting")
    html = client.get("/fr/meetings/").content.decode()
    assert '<html lang="fr">' in html
    assert "Réunion du Groupe" in html
    assert '<span lang="en">Untranslated meeting</span>' in html
    assert escape(document_url("INF/MSME/W/30", "fr")) in html


def test_the_page_is_in_the_navigation_and_the_sitemap(client):
    html = client.get(reverse("newsletters:home")).content.decode()
    assert f'href="{reverse("newsletters:meeting_list")}"' in html
    sitemap = client.get("/sitemap.xml").content.decode()
    for language in ("en", "fr", "es"):
        assert f"/{language}/meetings/</loc>" in sitemap


def test_an_empty_calendar_says_so(client):
    html = client.get(reverse("newsletters:meeting_list")).content.decode()
    assert "No meeting is scheduled yet." in html
    assert 'id="past-title"' not in html


def test_the_page_query_count_does_not_grow_with_meetings(client, django_assert_num_queries):
    for day in range(1, 21):
        make_meeting(date=date(2031, 1, day), kind=MeetingKind.EVENT)
        make_meeting(date=date(2020, 1, day), recording_url="https://example.org/r")
    # Every meeting's day (which years to show), the meetings of the years
    # shown, split into the two lists, and the latest publication that every
    # public page's ETag names.
    with django_assert_num_queries(3):
        assert client.get(reverse("newsletters:meeting_list")).status_code == 200
    # A year's page: the days, its meetings; the publication was read for the
    # first page.
    with django_assert_num_queries(2):
        assert client.get("/en/meetings/2020/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_both_lists_keep_the_querysets_order_on_days_with_several_meetings(client):
    for day in (date(2030, 3, 1), date(2030, 5, 4), date(2029, 11, 8)):
        make_meeting(date=day, start_time=time(15))
        make_meeting(date=day)  # all day
        make_meeting(date=day, start_time=time(9))
        make_meeting(date=day, start_time=time(9))

    html = client.get(reverse("newsletters:meeting_list")).content.decode()

    def shown(section):
        return [int(pk) for pk in re.findall(r'id="meeting-(\d+)"', section_html(html, section))]

    assert shown("upcoming-title") == [meeting.pk for meeting in Meeting.objects.upcoming()]
    assert shown("past-title") == [meeting.pk for meeting in Meeting.objects.past()]


@time_machine.travel(NOW, tick=False)
def test_the_overview_shows_the_latest_two_years_that_had_meetings_across_a_gap(client):
    make_meeting(title="This year", date=date(2030, 1, 10))
    make_meeting(title="Before the gap", date=date(2026, 5, 4))
    make_meeting(title="Long ago", date=date(2020, 9, 1))

    html = client.get(reverse("newsletters:meeting_list")).content.decode()

    past = section_html(html, "past-title")
    assert titles(past) == ["This year", "Before the gap"]
    assert re.findall(r'<h3 id="year-(\d+)">', past) == ["2030", "2026"]
    assert year_links(past) == ["2020"]
