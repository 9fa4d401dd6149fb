"""The meetings' iCalendar files: one meeting's and the whole programme's,
read back with icalendar and, independently, with vobject."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject

from msme_portal.document_symbols import document_url
from newsletters.models.meetings import MeetingFormat, MeetingStatus
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def meeting_file(client, meeting, language="en"):
    response = client.get(f"/{language}/meetings/{meeting.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def only_event(content):
    events = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.fixture
def july_meeting():
    return make_meeting(
        title="MSME Group meeting",
        title_fr="Réunion du Groupe MPME",
        date=date(2030, 7, 10),
        start_time=time(10),
        end_time=time(12, 30),
        format=MeetingFormat.IN_PERSON,
        place="WTO, Centre William Rappard, Geneva",
        description="Agenda: the Group's work plan.",
        link="https://www.wto.org/msmes",
        documents="INF/MSME/W/30\nINF/MSME/4/Rev.2",
        recording_url="https://www.youtube.com/watch?v=recorded",
    )


def test_a_meeting_file_is_valid_for_icalendar(client, july_meeting):
    content = meeting_file(client, july_meeting)
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert "WTO MSME Group" in calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    event = only_event(content)
    assert event["UID"] == f"meeting-{july_meeting.pk}@127.0.0.1"
    assert event["SUMMARY"] == "MSME Group meeting"
    assert event["LOCATION"] == "WTO, Centre William Rappard, Geneva"
    assert event["STATUS"] == "CONFIRMED"
    # Its entry on its year's page, which keeps it for good.
    year = july_meeting.date.year
    assert event["URL"] == f"http://127.0.0.1:8000/en/meetings/{year}/#meeting-{july_meeting.pk}"
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert b"DTSTART;TZID=Europe/Zurich:20300710T100000" in content
    # 10:00 in Geneva in July (summer time, UTC+2) is 08:00 UTC.
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2030, 7, 10, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2030, 7, 10, 10, 30, tzinfo=UTC)


def test_a_meeting_file_reads_the_same_with_vobject(client, july_meeting):
    content = meeting_file(client, july_meeting).decode()
    calendar = vobject.readOne(content)
    assert calendar.vtimezone.tzid.value == "Europe/Zurich"
    event = calendar.vevent
    assert event.dtstart.value.astimezone(UTC) == datetime(2030, 7, 10, 8, 0, tzinfo=UTC)
    assert event.summary.value == "MSME Group meeting"
    assert event.uid.value == f"meeting-{july_meeting.pk}@127.0.0.1"


def test_the_description_carries_the_links(client, july_meeting):
    event = only_event(meeting_file(client, july_meeting))
    description = str(event["DESCRIPTION"])
    assert description.startswith("Agenda: the Group's work plan.")
    assert "Details: https://www.wto.org/msmes" in description
    assert "Recording: https://www.youtube.com/watch?v=recorded" in description
    assert f"INF/MSME/W/30: {document_url('INF/MSME/W/30', 'en')}" in description
    assert f"INF/MSME/4/Rev.2: {document_url('INF/MSME/4/Rev.2', 'en')}" in description


def test_an_all_day_meeting_is_a_date_event(client):
    meeting = make_meeting(date=date(2022, 7, 15), title="MSME Group meeting")
    content = meeting_file(client, meeting)
    assert b"DTSTART;VALUE=DATE:20220715" in content
    assert b"DTEND;VALUE=DATE:20220716" in content
    assert not icalendar.Calendar.from_ical(content).walk("VTIMEZONE")
    event = vobject.readOne(content.decode()).vevent
    assert event.dtstart.value == date(2022, 7, 15)


def test_a_meeting_over_several_days_ends_on_its_last_day(client):
    meeting = make_meeting(date=date(2030, 2, 26), end_date=date(2030, 2, 28), title="Ministerial")
    content = meeting_file(client, meeting)
    assert b"DTEND;VALUE=DATE:20300301" in content


def test_an_edit_raises_the_sequence_and_keeps_the_uid(client, july_meeting):
    before = only_event(meeting_file(client, july_meeting))
    july_meeting.start_time = time(15)
    july_meeting.end_time = time(17)
    july_meeting.save()
    after = only_event(meeting_file(client, july_meeting))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART").astimezone(UTC) == datetime(2030, 7, 10, 13, 0, tzinfo=UTC)


def test_an_edit_calendars_do_not_show_keeps_the_sequence(client, july_meeting):
    before = only_event(meeting_file(client, july_meeting))
    july_meeting.recording_url = "https://www.youtube.com/watch?v=another"
    july_meeting.save()
    assert only_event(meeting_file(client, july_meeting))["SEQUENCE"] == before["SEQUENCE"]


def test_a_cancelled_meeting_is_status_cancelled(client, july_meeting):
    before = only_event(meeting_file(client, july_meeting))
    july_meeting.status = MeetingStatus.CANCELLED
    july_meeting.save()
    event = only_event(meeting_file(client, july_meeting))
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert vobject.readOne(meeting_file(client, july_meeting).decode()).vevent.status.value == (
        "CANCELLED"
    )


def test_an_unknown_meeting_is_not_found(client):
    assert client.get("/en/meetings/999999.ics").status_code == 404


def test_the_programme_answers_without_a_language_in_english(client, july_meeting):
    make_meeting(title="All-day meeting", title_fr="Réunion sur un jour", date=date(2030, 9, 1))
    response = client.get("/meetings.ics", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [
        "MSME Group meeting",
        "All-day meeting",
    ]
    assert calendar["X-WR-CALNAME"] == "WTO MSME Group meetings"
    parsed = vobject.readOne(response.content.decode())
    assert len(parsed.vevent_list) == 2


def test_the_programme_in_french_has_french_titles(client, july_meeting):
    response = client.get("/fr/meetings.ics")
    assert response.status_code == 200
    event = only_event(response.content)
    assert event["SUMMARY"] == "Réunion du Groupe MPME"
    year = july_meeting.date.year
    assert event["URL"] == f"http://127.0.0.1:8000/fr/meetings/{year}/#meeting-{july_meeting.pk}"
    assert document_url("INF/MSME/W/30", "fr") in str(event["DESCRIPTION"])
    # English where there is no translation yet.
    spanish = only_event(client.get("/es/meetings.ics").content)
    assert spanish["SUMMARY"] == "MSME Group meeting"


def test_uids_are_the_same_in_every_file_and_language(client, july_meeting):
    uids = {
        str(only_event(client.get(address).content)["UID"])
        for address in ("/meetings.ics", "/fr/meetings.ics", "/es/meetings.ics")
    }
    uids.add(str(only_event(meeting_file(client, july_meeting))["UID"]))
    assert uids == {f"meeting-{july_meeting.pk}@127.0.0.1"}


def test_the_files_are_cached_like_public_pages(client, july_meeting, settings):
    response = client.get("/meetings.ics")
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["ETag"]
    again = client.get("/meetings.ics", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # An edit gives the file a new ETag, and the new time.
    july_meeting.start_time = time(9)
    july_meeting.save()
    edited = client.get("/meetings.ics", HTTP_IF_NONE_MATCH=response["ETag"])
    assert edited.status_code == 200
    start = only_event(edited.content).decoded("DTSTART").astimezone(UTC)
    assert start == datetime(2030, 7, 10, 7, 0, tzinfo=UTC)


def test_the_unprefixed_programme_is_not_redirected_but_other_old_addresses_are(client):
    assert client.get("/meetings.ics").status_code == 200
    moved = client.get("/meetings/")
    assert moved.status_code == 301
    assert moved["Location"] == "/en/meetings/"


def test_the_uid_names_the_configured_site(client, july_meeting, settings):
    settings.SITE_URL = "https://newsletter.example.org"
    event = only_event(meeting_file(client, july_meeting))
    assert event["UID"] == f"meeting-{july_meeting.pk}@newsletter.example.org"
    assert event["URL"].startswith("https://newsletter.example.org/en/meetings/")
    assert event.decoded("DTSTART") - event.decoded("DTSTAMP") > timedelta(days=1)


def test_a_programme_over_many_years_keeps_summer_and_winter_time(client):
    # Many years of changes of offset: every reader must still find them.
    make_meeting(title="Summer 2016", date=date(2016, 7, 1), start_time=time(10))
    make_meeting(title="Winter 2022", date=date(2022, 12, 8), start_time=time(10))
    make_meeting(title="Summer 2034", date=date(2034, 7, 5), start_time=time(10))
    content = client.get("/meetings.ics").content
    expected = {
        "Summer 2016": datetime(2016, 7, 1, 8, 0, tzinfo=UTC),
        "Winter 2022": datetime(2022, 12, 8, 9, 0, tzinfo=UTC),
        "Summer 2034": datetime(2034, 7, 5, 8, 0, tzinfo=UTC),
    }
    events = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert {str(e["SUMMARY"]): e.decoded("DTSTART").astimezone(UTC) for e in events} == expected
    parsed = vobject.readOne(content.decode()).vevent_list
    assert {e.summary.value: e.dtstart.value.astimezone(UTC) for e in parsed} == expected
