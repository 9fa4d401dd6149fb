"""Meetings of the Group and events it held, as dated data that issues'
lists and the home page draw on."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("Group meeting")
    EVENT = "event", _("Event")


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, from_date=None):
        """Group meetings on or after `from_date` (default: today), soonest first."""
        from_date = from_date or timezone.localdate()
        return self.filter(kind=MeetingKind.MEETING, date__gte=from_date).order_by("date")

    def past_events(self, before, since=None):
        """Events before `before`, back to `since` (default: half a year)."""
        since = since or (before - timedelta(days=183))
        return self.filter(kind=MeetingKind.EVENT, date__lt=before, date__gte=since).order_by(
            "date"
        )


class Meeting(models.Model):
    """A meeting of the Group or an event it held, as dated data."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting or event")
        verbose_name_plural = _("meetings and events")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.title}"
