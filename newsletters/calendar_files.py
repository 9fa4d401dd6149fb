"""Meetings as iCalendar (RFC 5545) files: one meeting's, to add it to a
calendar, and the whole programme's, which calendar clients subscribe to.

Texts are in the active language. Every address is absolute under SITE_URL,
never the request's Host header. A meeting's UID never changes, and its
SEQUENCE goes up when its time, place, title or status change
(newsletters/models/meetings.py), so clients replace their copy; a cancelled
meeting stays in the files as STATUS:CANCELLED, so that calendars which have
it mark it cancelled or drop it.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from msme_portal.document_symbols import document_url
from msme_portal.plain_text import clean_text
from newsletters.feeds import site_url

PRODUCT_ID = "-//WTO MSME Group//Newsletter portal meetings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_uid(meeting):
    return f"meeting-{meeting.pk}@{urlsplit(settings.SITE_URL).hostname}"


def meeting_description(meeting, language):
    """The description, then the links a calendar can show as text."""
    lines = [clean_text(meeting.description)] if meeting.description else []
    if meeting.is_cancelled:
        lines.insert(0, _("Cancelled."))
    if meeting.link:
        lines.append(_("Details: %(url)s") % {"url": meeting.link})
    if meeting.recording_url:
        lines.append(_("Recording: %(url)s") % {"url": meeting.recording_url})
    symbols = meeting.document_symbols
    if symbols:
        lines.append(_("Documents:"))
        lines += [f"{symbol}: {document_url(symbol, language)}" for symbol in symbols]
    return "\n".join(lines)


def meeting_event(meeting, stamp):
    language = translation.get_language()
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("summary", clean_text(meeting.title, multi_line=False))
    if meeting.is_all_day:
        # A day without a time (VALUE=DATE); DTEND is the day after the last.
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.last_day + timedelta(days=1))
    else:
        event.add("dtstart", meeting.starts_at)
        if meeting.ends_at:
            event.add("dtend", meeting.ends_at)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("url", site_url(meeting.get_absolute_url()))
    location = meeting.location_text()
    if location:
        event.add("location", clean_text(location, multi_line=False))
    description = meeting_description(meeting, language)
    if description:
        event.add("description", description)
    return event


def calendar_bytes(meetings, name):
    """The iCalendar file of `meetings`, called `name` in clients that show one."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp))
    add_time_zones(calendar)
    return calendar.to_ical()


def add_time_zones(calendar):
    """The VTIMEZONE of every TZID the events use.

    Each holds icalendar's whole range of offset changes (1970 to 2038), not
    just the years of these events: readers such as vobject keep the first
    definition of a TZID they meet, and use it for every later file.
    """
    calendar.add_missing_timezones()
    # One RDATE per line: vobject drops the dates of a long RDATE list folded
    # onto several lines, and would put summer meetings in winter time.
    for zone in calendar.walk("VTIMEZONE"):
        for change in zone.subcomponents:
            listed = change.pop("RDATE", [])
            for rdate in listed if isinstance(listed, list) else [listed]:
                for period in rdate.dts:
                    change.add("RDATE", period.dt)
