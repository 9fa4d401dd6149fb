"""Public pages of the newsletter: the home page, the archive and an issue.

The issue page is built by newsletters/issue_page.py, which the admin's
preview and the email use too. An issue's former slugs redirect to it
(newsletters/models/former_addresses.py).
"""

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import dateformat, timezone, translation
from django.utils.decorators import method_decorator
from django.views.generic import ListView, View

from msme_portal.page_cache import cache_public_page
from msme_portal.thumbnails import COVER_WIDTH, thumbnail
from newsletters import issue_page, sharing_images
from newsletters.models import Issue, Meeting, Section
from newsletters.models.meetings import DEFAULT_TIME_ZONE
from newsletters.views.meeting_views import fallback_language

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
        title_language=fallback_language(meeting, "title", language),
        description_language=fallback_language(meeting, "description", language),
    )


def home_meeting():
    """The next meeting's notice, else the latest held one's, else None."""
    meeting = Meeting.objects.next_meeting()
    if meeting is not None:
        return meeting_notice(meeting, upcoming=True)
    held = Meeting.objects.latest_held_meeting()
    return meeting_notice(held, upcoming=False) if held is not None else None


# The next meeting changes with the date, which is part of every page's ETag
# and so of the key the page is stored under.
@cache_public_page
def home(request):
    issue = (
        Issue.objects.published()
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.filter(parent=None).order_by("order", "pk"),
                to_attr="top_sections",
            )
        )
        .first()
    )
    context = {
        "issue": issue,
        "cover": thumbnail(issue.cover_image, COVER_WIDTH) if issue else None,
        "meeting": home_meeting(),
    }
    return render(request, "newsletters/home.html", context)


@method_decorator(cache_public_page(allowed_params=("page",)), name="get")
class IssueListView(ListView):
    """The archive: published issues, newest first, grouped by year."""

    template_name = "newsletters/issue_list.html"
    context_object_name = "issues"
    paginate_by = 24

    def get_queryset(self):
        return Issue.objects.published().only(
            "title", "slug", "summary", "published_at", "volume", "number", "season"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = []
        for issue in context["issues"]:
            year = timezone.localtime(issue.published_at).year
            if not years or years[-1]["year"] != year:
                years.append({"year": year, "issues": []})
            years[-1]["issues"].append(issue)
        context["years"] = years
        return context


@method_decorator(cache_public_page, name="get")
class IssueDetailView(View):
    """A published issue: see newsletters/issue_page.py. A slug the issue
    had before answers with a permanent redirect to its address."""

    def get(self, request, slug):
        try:
            page = issue_page.load_published_page(slug)
        except Http404:
            moved = moved_issue(slug)
            if moved is None:
                raise
            return moved
        response = issue_page.page_response(request, page)
        # Derived from the issue: no query (newsletters/sharing_images.py).
        response.context_data["sharing_image"] = sharing_images.page_image(page.issue, page.cover)
        return response


def moved_issue(slug):
    """The redirect from a former slug of a published issue, or None (a
    draft's former slug is as unknown as any other address). Looked up only
    once no published issue has the slug, so the issue page pays no query
    for it."""
    issue = Issue.objects.published().filter(former_slugs__slug=slug).only("slug").first()
    if issue is None:
        return None
    response = HttpResponsePermanentRedirect(issue.get_absolute_url())
    # Public like a 404 (msme_portal/http_cache.py keeps a view's own public
    # header for anonymous visitors only), and short-lived: browsers keep a
    # 301 without Cache-Control for good, and the slug may change again.
    response.headers["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    return response
