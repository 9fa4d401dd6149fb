"""The latest publication time that has come, part of every page's ETag.

A scheduled issue comes out without an edit, so the content version alone
cannot tell that the home page and the lists changed: this registers, with
msme_portal.http_cache.add_validator(), the moment the last one came out.
"""

from django.core.cache import cache
from django.utils import timezone

from newsletters.models import Issue, IssueStatus

PUBLICATIONS_KEY = "http-cache:publications:{version}"
PUBLICATIONS_TIMEOUT = 24 * 60 * 60

# (content version, its times) as this process last read them: every page
# asks for them, and they change only with the version, so a page served
# again costs no look-up for them.
last_read = (None, None)


def publication_times(version):
    """(latest publication time already come, scheduled times still to come)
    as POSIX timestamps, cached under the content version: scheduling or
    publishing is an edit, which replaces the version."""
    global last_read
    read_version, read_times = last_read
    if version is not None and version == read_version:
        return read_times
    key = PUBLICATIONS_KEY.format(version=version)
    times = cache.get(key)
    if times is None:
        # Both from one query: every published issue's time, split at now as
        # Issue.objects.published() splits them (a published issue always
        # has a time). Each page rendered after an edit needs these first.
        now = timezone.now()
        moments = Issue.objects.filter(status=IssueStatus.PUBLISHED).values_list(
            "published_at", flat=True
        )
        moments = [moment for moment in moments if moment is not None]
        latest = max((moment for moment in moments if moment <= now), default=None)
        times = (
            latest.timestamp() if latest else 0.0,
            sorted(moment.timestamp() for moment in moments if moment > now),
        )
        cache.set(key, times, PUBLICATIONS_TIMEOUT)
    last_read = (version, times)
    return times


def latest_publication(version):
    """POSIX timestamp of the latest publication time that has come, counting
    the scheduled issues whose time came since the times were cached."""
    latest, scheduled = publication_times(version)
    now = timezone.now().timestamp()
    return max([latest, *(moment for moment in scheduled if moment <= now)])
