"""Public pages of the newsletter: the home page, the archive and an issue.

The issue page is built by newsletters/issue_page.py, which the admin's
preview and the email use too. An issue's former slugs redirect to it
(newsletters/models/former_addresses.py).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import ListView, View

from msme_portal.compiled_queries import CompiledInstances, CompiledValues
from msme_portal.jinja2 import url
from msme_portal.page_cache import cache_public_page
from msme_portal.thumbnails import COVER_WIDTH, thumbnail
from newsletters import issue_documents, issue_page, issue_rows
from newsletters.home_meeting import home_meeting
from newsletters.models import Issue, Section

# The latest issue, and the titles of its top sections for its contents,
# compiled once per process (msme_portal/compiled_queries.py).
LATEST_ISSUE = CompiledInstances(
    Issue, lambda shape, now: Issue.objects.rewrite(False).published(at=now)[:1]
)
TOP_SECTIONS = CompiledValues(
    lambda language, issue_id: (
        Section.objects.rewrite(False)
        .filter(issue_id=issue_id, parent=None)
        .order_by("order", "pk")
        .values_list("number", "anchor", *issue_rows.text_columns(["title"], language))
    )
)


@dataclass(frozen=True)
class TopSection:
    number: int | None
    anchor: str
    title: str


def top_sections(issue, language):
    return [
        TopSection(number, anchor, *issue_rows.shown_texts(titles, language))
        for number, anchor, *titles in TOP_SECTIONS.rows(language, issue.pk)
    ]


# The next meeting changes with the date, which is part of every page's ETag
# and so of the key the page is stored under.
@cache_public_page
def home(request):
    latest = LATEST_ISSUE.instances(None, timezone.now())
    issue = latest[0] if latest else None
    if issue is not None:
        issue.top_sections = top_sections(issue, issue_page.page_language())
    context = {
        "issue": issue,
        "cover": thumbnail(issue.cover_image, COVER_WIDTH) if issue else None,
        "meeting": home_meeting(),
    }
    return render(request, "newsletters/home.html", context)


@dataclass(frozen=True)
class ArchiveIssue:
    """A published issue as the archive lists it."""

    slug: str
    published_at: datetime
    volume: int | None
    number: int | None
    title: str
    summary: str

    def get_absolute_url(self):
        return url("newsletters:issue_detail", slug=self.slug)  # worked out once per process


ARCHIVE_ISSUES = CompiledValues(
    lambda language, now: (
        Issue.objects.rewrite(False)
        .published(at=now)
        .values_list(
            "slug",
            "published_at",
            "volume",
            "number",
            *issue_rows.text_columns(["title", "summary"], language),
        )
    )
)


def archive_issues(language, now):
    """The issues published by `now`, newest first (as Issue is ordered)."""
    return [
        ArchiveIssue(slug, published_at, volume, number, *issue_rows.shown_texts(texts, language))
        for slug, published_at, volume, number, *texts in ARCHIVE_ISSUES.rows(language, now)
    ]


@method_decorator(cache_public_page(allowed_params=("page",)), name="get")
class IssueListView(ListView):
    """The archive: published issues, newest first, grouped by year."""

    template_name = "newsletters/issue_list.html"
    context_object_name = "issues"
    paginate_by = 24

    def get_queryset(self):
        # Every published issue: a few hundred at most, paged in Python.
        return archive_issues(issue_page.page_language(), timezone.now())

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
    """A published issue: see newsletters/issue_page.py, stored by
    newsletters/issue_documents.py. A slug the issue had before answers with
    a permanent redirect to its address."""

    def get(self, request, slug):
        try:
            # Stored whole once rendered (newsletters/issue_documents.py).
            return issue_documents.issue_page_response(request, slug)
        except Http404:
            moved = moved_issue(slug)
            if moved is None:
                raise
            return moved


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
