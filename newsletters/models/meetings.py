"""Meetings of the Group and events it held or will hold: the public
calendar (/meetings/ and its .ics files, newsletters/calendar_files.py) and
the lists that issues and the home page draw on.

A meeting's day is its local `date`, in its own time zone. Its time of day is
optional: a meeting whose time was never announced is an all-day one.
"""

import re
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Europe/Zurich"  # Geneva, where the WTO meets

# A WTO document symbol: parts separated by slashes, the first a word
# ("INF/MSME/W/30", "WT/MIN(17)/58", "INF/MSME/4/Rev.2"). Loose on purpose:
# it catches a title or an address typed on the wrong line, not every typo.
DOCUMENT_SYMBOL = re.compile(r"[A-Z][A-Z0-9]*(\([0-9A-Z]+\))?(/[A-Za-z0-9().\-]+)+")

# Changes to these fields make calendar clients replace their copy of the
# event (its SEQUENCE goes up). Translated ones count in every language.
CALENDAR_FIELDS = ("date", "start_time", "end_date", "end_time", "time_zone", "format", "status")
TRANSLATED_CALENDAR_FIELDS = ("title", "place")


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("Group meeting")
    EVENT = "event", _("Event")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingFormat(models.TextChoices):
    NOT_ANNOUNCED = "", _("Not announced")
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


def validate_time_zone(name):
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("“%(name)s” is not a known time zone: give an IANA name such as Europe/Zurich."),
            params={"name": name},
            code="unknown_time_zone",
        ) from error


def document_symbols(text):
    """The symbols of a documents field: one a line, blank lines skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def validate_document_symbols(text):
    wrong = [symbol for symbol in document_symbols(text) if not DOCUMENT_SYMBOL.fullmatch(symbol)]
    if wrong:
        raise ValidationError(
            _(
                "“%(line)s” is not a WTO document symbol. Write one symbol a line, "
                "such as INF/MSME/W/30."
            ),
            params={"line": wrong[0]},
            code="not_a_symbol",
        )


class MeetingQuerySet(models.QuerySet):
    def scheduled(self):
        """Without the cancelled ones."""
        return self.exclude(status=MeetingStatus.CANCELLED)

    def upcoming(self, from_date=None):
        """Meetings and events on or after `from_date` (default: today),
        soonest first. A meeting stays upcoming for the whole of its day."""
        from_date = from_date or timezone.localdate()
        return self.filter(date__gte=from_date).order_by(
            "date", F("start_time").asc(nulls_first=True), "pk"
        )

    def past(self, before=None):
        """Meetings and events before `before` (default: today), newest first."""
        before = before or timezone.localdate()
        return self.filter(date__lt=before).order_by(
            "-date", F("start_time").desc(nulls_last=True), "-pk"
        )

    def past_events(self, before, since=None):
        """Events before `before`, back to `since` (default: half a year)."""
        since = since or (before - timedelta(days=183))
        return self.filter(kind=MeetingKind.EVENT, date__lt=before, date__gte=since).order_by(
            "date"
        )

    def next_meetings(self, today=None):
        """The Group meetings that still take place, from `today` (default:
        today) on, soonest first."""
        return self.scheduled().upcoming(today).filter(kind=MeetingKind.MEETING)

    def held_meetings(self, today=None):
        """The Group meetings that took place (not cancelled) before `today`
        (default: today), the latest first."""
        return self.scheduled().past(today).filter(kind=MeetingKind.MEETING)


class Meeting(models.Model):
    """A meeting of the Group or an event, with its day, its time and place
    when they are announced, its documents and, once held, its recording."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
        help_text=_("A cancelled meeting stays listed, marked cancelled, and calendars drop it."),
    )
    date = models.DateField(_("date"), help_text=_("The day it starts, in its time zone."))
    start_time = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the time is not announced: it is then an all-day event."),
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Only for a meeting over several days."),
    )
    end_time = models.TimeField(
        _("end time"),
        null=True,
        blank=True,
        help_text=_("When it ends, on the end date or else on the start day."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=60,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Of the start and end times: an IANA name such as Europe/Zurich (Geneva)."),
    )
    format = models.CharField(
        _("format"),
        max_length=10,
        choices=MeetingFormat.choices,
        default=MeetingFormat.NOT_ANNOUNCED,
        blank=True,
    )
    place = models.CharField(
        _("place"),
        max_length=250,
        blank=True,
        help_text=_("Where it is held, e.g. “WTO, Centre William Rappard, Geneva, Room W”."),
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Its page, or where to register.")
    )
    documents = models.TextField(
        _("documents"),
        blank=True,
        validators=[validate_document_symbols],
        help_text=_("WTO document symbols, one a line, such as INF/MSME/W/30."),
    )
    recording_url = models.URLField(
        _("recording"), max_length=500, blank=True, help_text=_("Once there is one.")
    )
    sequence = models.PositiveIntegerField(
        _("revision"),
        default=0,
        editable=False,
        help_text=_("Goes up when its day, time, place, title or status change (calendars)."),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting or event")
        verbose_name_plural = _("meetings and events")
        ordering = ["-date", "-start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="meeting_ends_after_its_start_day",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=False),
                name="meeting_end_time_needs_a_start_time",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.calendar_fields_changed():
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its entry on its year's page, which lists it for good (the
        calendar's overview shows only the latest years)."""
        year_page = reverse("newsletters:meeting_year", kwargs={"year": self.date.year})
        return f"{year_page}#meeting-{self.pk}"

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The end date must not be before the start.")})
        if self.end_time and not self.start_time:
            raise ValidationError(
                {"end_time": _("Give the start time too, or leave the end time empty.")}
            )
        if self.start_time and self.end_date and self.end_date != self.date and not self.end_time:
            raise ValidationError({"end_time": _("Give the time it ends on the end date.")})
        # Start and end share the time zone, so their local times compare:
        # and an unknown zone is the time zone field's own error.
        if self.date and self.start_time and self.end_time:
            start = datetime.combine(self.date, self.start_time)
            if datetime.combine(self.last_day, self.end_time) <= start:
                raise ValidationError({"end_time": _("The end must come after the start.")})

    def calendar_fields_changed(self):
        # Each language's own column: `title` reads the active language's
        # text, or English while it is not translated.
        names = [
            *CALENDAR_FIELDS,
            *(
                f"{field}_{code}"
                for field in TRANSLATED_CALENDAR_FIELDS
                for code, _name in settings.LANGUAGES
            ),
        ]
        stored = Meeting.objects.filter(pk=self.pk).values(*names).first()
        if stored is None:
            return False
        return any(stored[name] != getattr(self, name) for name in names)

    @property
    def is_all_day(self):
        return self.start_time is None

    @property
    def is_cancelled(self):
        return self.status == MeetingStatus.CANCELLED

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone or DEFAULT_TIME_ZONE)

    @property
    def starts_at(self):
        """The aware start, or None for an all-day meeting."""
        if self.start_time is None or self.date is None:
            return None
        return datetime.combine(self.date, self.start_time, tzinfo=self.zone)

    @property
    def ends_at(self):
        """The aware end, or None when no end time is given."""
        if self.end_time is None or self.start_time is None or self.date is None:
            return None
        return datetime.combine(self.end_date or self.date, self.end_time, tzinfo=self.zone)

    @property
    def last_day(self):
        return self.end_date or self.date

    @property
    def document_symbols(self):
        return document_symbols(self.documents)

    def location_text(self):
        """Where it is held, as the page and calendars say it; empty when
        neither the format nor the place is announced."""
        place = self.place.strip()
        if self.format == MeetingFormat.VIRTUAL:
            return gettext("Virtual: %(place)s") % {"place": place} if place else gettext("Virtual")
        if self.format == MeetingFormat.HYBRID:
            if place:
                return gettext("%(place)s, and online") % {"place": place}
            return gettext("Hybrid (in person and online)")
        return place
