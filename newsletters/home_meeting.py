"""The home page's meeting box: the next Group meeting or, while none is
scheduled, the latest one held (with its recording), with its day and time
in Geneva, where the Group meets. The page is `home()` in
newsletters/views/issue_views.py."""

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import dateformat, timezone, translation

from msme_portal.compiled_queries import CompiledInstances
from newsletters.models import Meeting
from newsletters.models.meetings import DEFAULT_TIME_ZONE

GENEVA = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)


@dataclass(frozen=True)
class MeetingNotice:
    """The home page's meeting: the next one, or while none is scheduled
    the latest one held. Its day and time are Geneva's, where the Group meets."""

    meeting: Meeting
    upcoming: bool
    date_iso: str  # "2026-07-15", or "2026-07-15T10:00+02:00" with a time
    date_label: str  # "15 July 2026"
    geneva_time: str  # "10:00", empty for an all-day meeting
    location: str
    title_language: str  # "en" while the title is not translated, else ""
    description_language: str


def english_fallback(meeting, field, language):
    """English, "en", when `field` shows its English text for want of a translation."""
    if language == settings.LANGUAGE_CODE or getattr(meeting, f"{field}_{language}", ""):
        return ""
    return settings.LANGUAGE_CODE


def meeting_notice(meeting, *, upcoming):
    language = translation.get_language()
    starts_at = meeting.starts_at.astimezone(GENEVA) if meeting.starts_at else None
    return MeetingNotice(
        meeting=meeting,
        upcoming=upcoming,
        date_iso=starts_at.isoformat(timespec="minutes") if starts_at else meeting.date.isoformat(),
        date_label=dateformat.format(starts_at.date() if starts_at else meeting.date, "j F Y"),
        geneva_time=f"{starts_at:%H:%M}" if starts_at else "",
        location=meeting.location_text(),
        title_language=english_fallback(meeting, "title", language),
        description_language=english_fallback(meeting, "description", language),
    )


# The first of Meeting.objects.next_meetings() and of held_meetings() as of
# a day, compiled once (msme_portal/compiled_queries.py): every home page asks.
NEXT_MEETING = CompiledInstances(
    Meeting, lambda shape, today: Meeting.objects.rewrite(False).next_meetings(today)[:1]
)
LATEST_HELD_MEETING = CompiledInstances(
    Meeting, lambda shape, today: Meeting.objects.rewrite(False).held_meetings(today)[:1]
)


def home_meeting():
    """The next meeting's notice, else the latest held one's, else None."""
    today = timezone.localdate()
    upcoming = NEXT_MEETING.instances(None, today)
    if upcoming:
        return meeting_notice(upcoming[0], upcoming=True)
    held = LATEST_HELD_MEETING.instances(None, today)
    return meeting_notice(held[0], upcoming=False) if held else None
