"""The public calendar: /meetings/ (upcoming meetings and events, then the
past ones of the latest PAST_YEARS_SHOWN years, by year, with their
recordings and documents), a page for each year (/meetings/2019/, where
each meeting's address is), and its iCalendar files
(newsletters/calendar_files.py): one meeting's and the whole programme's.

The programme is also at /meetings.ics without a language, in English:
calendar clients keep the address they were given and negotiate nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from msme_portal.compiled_queries import CompiledInstances, CompiledValues
from msme_portal.document_symbols import document_url
from msme_portal.page_cache import cache_public_page
from newsletters import calendar_files
from newsletters.models import Meeting, MeetingKind


@dataclass(frozen=True)
class MeetingEntry:
    """A meeting with its dates and times as the page prints them: in the
    meeting's own time zone, which need not be the site's."""

    meeting: Meeting
    title: str
    description: str
    kind_label: str
    cancelled: bool
    calendar_url: str  # its .ics while it is still to come, else ""
    date_iso: str  # "2026-07-15", or "2026-07-15T10:00+02:00" with a time
    date_label: str  # "15 July 2026"
    last_day_label: str  # "17 July 2026" for a meeting over several days, else ""
    last_day_iso: str
    start_label: str  # "10:00", empty for an all-day meeting
    end_iso: str
    end_label: str
    zone_label: str  # "CEST, Europe/Zurich"
    location: str
    documents: list[tuple[str, str]]  # (symbol, its Documents Online address)
    title_language: str  # "en" while the title is not translated, else ""
    description_language: str


def fallback_language(meeting, field, language):
    """English when `field` shows its English text for want of a translation."""
    if language == settings.LANGUAGE_CODE or getattr(meeting, f"{field}_{language}", ""):
        return ""
    return settings.LANGUAGE_CODE


def entry(meeting, language, *, upcoming, kind_labels):
    """The page's entry for `meeting`: every value its item prints, each
    worked out once (a title is printed up to four times)."""
    starts_at, ends_at = meeting.starts_at, meeting.ends_at
    last_day = meeting.last_day if meeting.last_day != meeting.date else None
    cancelled = meeting.is_cancelled
    return MeetingEntry(
        meeting=meeting,
        title=meeting.title,
        description=meeting.description,
        kind_label=kind_labels[meeting.kind],
        cancelled=cancelled,
        calendar_url=(
            reverse("newsletters:meeting_ics", kwargs={"pk": meeting.pk})
            if upcoming and not cancelled
            else ""
        ),
        last_day_iso=(ends_at.isoformat(timespec="minutes") if ends_at else last_day.isoformat())
        if last_day
        else "",
        date_iso=starts_at.isoformat(timespec="minutes") if starts_at else meeting.date.isoformat(),
        date_label=dateformat.format(meeting.date, "j F Y"),
        last_day_label=dateformat.format(last_day, "j F Y") if last_day else "",
        start_label=f"{starts_at:%H:%M}" if starts_at else "",
        end_iso=ends_at.isoformat(timespec="minutes") if ends_at else "",
        end_label=f"{ends_at:%H:%M}" if ends_at else "",
        zone_label=f"{starts_at:%Z}, {meeting.time_zone}" if starts_at else "",
        location=meeting.location_text(),
        documents=[(symbol, document_url(symbol, language)) for symbol in meeting.document_symbols],
        title_language=fallback_language(meeting, "title", language),
        description_language=fallback_language(meeting, "description", language),
    )


def by_year(entries):
    """[(year, entries)], in the order the entries come."""
    years = []
    for item in entries:
        year = item.meeting.date.year
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append(item)
    return years


# Every meeting's day, and Meeting.objects.upcoming() between two days:
# compiled once per process.
MEETING_DAYS = CompiledValues(
    lambda shape: Meeting.objects.rewrite(False).order_by("date").values_list("date")
)
MEETINGS_BETWEEN = CompiledInstances(
    Meeting,
    lambda shape, start, end: (
        Meeting.objects.rewrite(False).upcoming(from_date=start).filter(date__lt=end)
    ),
)

# Past years the overview shows; each earlier year has its own page, so the
# page does not grow with the Group's history.
PAST_YEARS_SHOWN = 2


def meeting_days():
    return [day for (day,) in MEETING_DAYS.rows(None)]


def years_of(days):
    """The years of `days`, the latest first."""
    return sorted({day.year for day in days}, reverse=True)


@cache_public_page
def meeting_list(request):
    language = translation.get_language()
    kind_labels = {kind: str(label) for kind, label in MeetingKind.choices}
    today = timezone.localdate()
    past_years = years_of(day for day in meeting_days() if day < today)
    shown_years, earlier_years = past_years[:PAST_YEARS_SHOWN], past_years[PAST_YEARS_SHOWN:]
    start = date(shown_years[-1], 1, 1) if shown_years else today
    # Soonest first as upcoming() orders them; past() orders the others
    # exactly the other way round.
    meetings = MEETINGS_BETWEEN.instances(None, start, date.max)
    upcoming = [
        entry(meeting, language, upcoming=True, kind_labels=kind_labels)
        for meeting in meetings
        if meeting.date >= today
    ]
    past = [
        entry(meeting, language, upcoming=False, kind_labels=kind_labels)
        for meeting in reversed(meetings)
        if meeting.date < today
    ]
    context = {"upcoming": upcoming, "past_years": by_year(past), "earlier_years": earlier_years}
    return render(request, "newsletters/meetings.html", context)


@cache_public_page
def meeting_year(request, year):
    """Every meeting and event of `year`, in the order they take place."""
    years = years_of(meeting_days())
    if year not in years:
        raise Http404("No meeting that year.")
    language = translation.get_language()
    kind_labels = {kind: str(label) for kind, label in MeetingKind.choices}
    today = timezone.localdate()
    meetings = MEETINGS_BETWEEN.instances(None, date(year, 1, 1), date(year + 1, 1, 1))
    entries = [
        entry(meeting, language, upcoming=meeting.date >= today, kind_labels=kind_labels)
        for meeting in meetings
    ]
    context = {"year": year, "entries": entries, "years": years}
    return render(request, "newsletters/meeting_year.html", context)


def calendar_response(meetings, name):
    return HttpResponse(
        calendar_files.calendar_bytes(meetings, name), content_type=calendar_files.CONTENT_TYPE
    )


@cache_public_page
def meeting_calendar(request, pk):
    """One meeting's .ics, behind its "Add to calendar" link."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return calendar_response([meeting], meeting.title)


@cache_public_page
def programme_calendar(request, language=None):
    """Every meeting and event, oldest first, for calendar subscriptions;
    in `language` when the address has none."""
    with translation.override(language or translation.get_language()):
        meetings = Meeting.objects.order_by("date", "start_time", "pk")
        return calendar_response(meetings, _("WTO MSME Group meetings"))
