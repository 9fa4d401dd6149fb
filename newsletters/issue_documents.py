"""Published issue pages stored whole, and dropped precisely.

A published issue's page depends only on its own content and on the
registers, guides, organizations and meetings as of its date, so it is
rendered once per language and stored (`IssueDocument`), then served in one
query. What it shows besides its issue is recorded with it (`shows`, `as_of`),
and each change drops only the pages that show the thing changed: a guide,
the pages that list it; a member economy that joined in 2024, the pages as of
2024 on; never a page for an unrelated issue. Every drop also raises the
issue's generation (`IssuePageGeneration`), and a page is served only if it
was rendered at the current generation, so a page rendered from content an
edit replaced meanwhile is never served, however late it was stored.

Pages are made again by an edit through the admin before it commits
(`make_again()`), when first asked for, and by the idle send worker
(`build_missing()`), so that publishing makes them ahead of readers. What
drops which pages: newsletters/issue_page_drops.py.
Design: docs/architecture.md, "Stored issue pages".
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation

from msme_portal import page_cache
from msme_portal.compiled_queries import prepared_cursor
from msme_portal.http_cache import release
from newsletters import idle_work, issue_page, sharing_images
from newsletters.models import (
    Issue,
    IssueDocument,
    IssueStatus,
    SubscriberLanguage,
)
from newsletters.publication_times import publication_times

logger = logging.getLogger(__name__)


# What look_up() asks. Written out rather than built by the ORM: it is asked
# on every request the page cache does not answer, and building the query
# cost three times as much as running it. Its conditions are those of
# Issue.objects.published() (tests/newsletters/test_issue_documents.py checks
# that they agree).
LOOK_UP_SQL = """
    SELECT issue.id, generation.number, document.body,
        document.generation = generation.number
        AND document.release = %s
        AND (document.expires_at IS NULL OR document.expires_at > %s)
    FROM newsletters_issue issue
    LEFT JOIN newsletters_issuepagegeneration generation ON generation.issue_id = issue.id
    LEFT JOIN newsletters_issuedocument document
        ON document.issue_id = issue.id AND document.language = %s
    WHERE issue.slug = %s AND issue.status = %s AND issue.published_at <= %s
"""


def look_up(slug, language):
    """The published issue `slug` with its stored page in `language`, or
    None: one query. The page may be stale (rendered at an earlier
    generation or release, or before a publication it did not know of);
    `Found.current` says."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with prepared_cursor(connection) as cursor:
        cursor.execute(LOOK_UP_SQL, [release(), now, language, slug, IssueStatus.PUBLISHED, now])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, generation, body, current = row
    return Found(pk, generation, body, bool(current))


@dataclasses.dataclass(frozen=True)
class Found:
    issue_id: int
    generation: int | None
    body: str | None
    current: bool


# How long one request may hold the right to make a stale page again while
# the others are served the stale one; a worker killed while making it
# holds it no longer than this.
REMAKING_TIMEOUT = 10
REMAKING_KEY = "newsletters:issue-documents:remaking:{issue}:{language}:{generation}:{release}"


def issue_page_response(request, slug):
    """The page of the published issue `slug`: stored, or rendered and
    stored. Http404 for an issue the public may not see. Staff signed in get
    it rendered afresh, as they may have just edited it, and so does everyone
    with the page cache off (`make run`: an edited template shows at once).

    After an edit, one request makes the page again while the others get
    the stale page, marked not to be kept (as a caching proxy's "use stale
    while updating"): a page read by many at once is rendered once, not
    once per reader."""
    response, _stored = answer_and_store(request, slug)
    return response


def answer_and_store(request, slug):
    """issue_page_response()'s answer, and whether it stored the page: not
    when the stored one was current, nor when another request is making it
    again and the stale one is served."""
    language = issue_page.page_language()
    found = look_up(slug, language)
    if found is None:
        raise Http404
    anonymous = settings.PAGE_CACHE_ENABLED and not request.user.is_authenticated
    if anonymous and found.current:
        return HttpResponse(found.body), False
    remaking_key = None
    if anonymous and found.body is not None:
        remaking_key = REMAKING_KEY.format(
            issue=found.issue_id, language=language, generation=found.generation, release=release()
        )
        if not cache.add(remaking_key, True, REMAKING_TIMEOUT):
            return stale_response(found.body), False
    try:
        at_generation = found.generation if anonymous else None
        return render_and_store(request, slug, language, at_generation), anonymous
    finally:
        if remaking_key is not None:
            cache.delete(remaking_key)


def stale_response(body):
    """The page as it was before an edit, while another request makes it
    again: kept by no cache, and with no validators, so nobody revalidates
    a copy of it as current."""
    response = HttpResponse(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def render_and_store(request, slug, language, at_generation):
    """Render the page; store it if `at_generation` is given (the generation
    read before the content: a page rendered from content an edit is
    replacing carries the generation that edit raises)."""
    started_at = timezone.now()
    page = issue_page.load_published_page(slug)
    response = issue_page.page_response(request, page)
    # Derived from the issue: no query (newsletters/sharing_images.py).
    response.context_data["sharing_image"] = sharing_images.page_image(page.issue, page.cover)
    response.render()
    if at_generation is not None:
        store(page, language, response.content.decode(), at_generation, started_at)
    return response


def store(page, language, body, at_generation, built_at):
    issue = page.issue
    listings = page.listings
    sections = [block.section for block in all_blocks(page.sections)]
    shows = {
        "guides": sorted(
            {guide.pk for row in listings.guide_rows or [] for guide in row if guide is not None}
        ),
        "organizations": sorted(org.pk for org in listings.organizations or []),
        "economies": sorted({s.signatory_economy_id for s in sections if s.signatory_economy_id}),
        "neighbours": sorted(
            link.pk for link in (page.previous_issue, page.next_issue) if link is not None
        ),
        "members": listings.members is not None,
        "meetings": listings.upcoming_meetings is not None,
    }
    document = IssueDocument(
        issue=issue,
        language=language,
        body=body,
        release=release(),
        built_at=built_at,
        expires_at=next_publication(built_at),
        shows=shows,
        as_of=issue_page.reference_day(issue),
        generation=at_generation,
    )
    # One statement, whichever worker stores it first.
    IssueDocument.objects.bulk_create(
        [document],
        update_conflicts=True,
        unique_fields=["issue", "language"],
        update_fields=[
            "body",
            "release",
            "built_at",
            "expires_at",
            "shows",
            "as_of",
            "generation",
        ],
    )


def next_publication(after):
    """When the next scheduled issue comes out, or None: from the publication
    times every page's validators read (no query once they are cached)."""
    _, scheduled = publication_times(page_cache.content_version())
    moment = min((moment for moment in scheduled if moment > after.timestamp()), default=None)
    return None if moment is None else datetime.datetime.fromtimestamp(moment, datetime.UTC)


def all_blocks(blocks):
    for block in blocks:
        yield block
        yield from all_blocks(block.subsections)
        yield from all_blocks(block.boxes)


CHECKED_VERSION_KEY = "newsletters:issue-documents:checked-version"
BUILDING_KEY = "newsletters:issue-documents:building"
BUILDING_TIMEOUT = 600


def build_when_idle():
    """For the send workers: the missing pages, once per content version and
    by one worker at a time (newsletters/idle_work.py). Nothing with the page
    cache off, when pages are never stored."""
    if not settings.PAGE_CACHE_ENABLED:
        return 0
    version = page_cache.content_version()
    if cache.get(CHECKED_VERSION_KEY) == version:
        return 0

    def work():
        made = build_missing()
        cache.set(CHECKED_VERSION_KEY, version, None)
        return made

    return idle_work.in_turn(
        BUILDING_KEY, work, timeout=BUILDING_TIMEOUT, what="store the issue pages"
    )


def build_missing():
    """For the idle send workers: the pages of the published issues that are
    not stored, in each language; returns how many it stored (a page another
    request is making again is left to it)."""
    made = 0
    current = set(
        IssueDocument.objects.filter(
            release=release(), generation=F("issue__page_generation__number")
        ).values_list("issue_id", "language")
    )
    for issue in Issue.objects.published().only("slug"):
        for language in SubscriberLanguage.values:
            if (issue.pk, language) not in current:
                made += make_page(issue, language)
    return made


# How many pages an edit makes again before it commits, the latest issues'
# first: all of one issue's (a section's edit), but not the whole archive
# for a member economy that every issue lists, whose older pages are made
# when first read or by the idle send workers.
MADE_BEFORE_COMMIT = 6


def make_again(issue_ids):
    """For the edits made through the admin (newsletters/issue_page_drops.py),
    before they commit: the stored pages of `issue_ids` they dropped, in the
    languages they were stored in. Readers then see the new content and its
    page in one commit, rather than the page marked stale until one of them
    has made it again. A page that fails to render is left as it is."""
    if not settings.PAGE_CACHE_ENABLED:
        return 0
    documents = (
        IssueDocument.objects.filter(issue__in=Issue.objects.published(), issue_id__in=issue_ids)
        .select_related("issue")
        .only("language", "issue__slug")
        .order_by("-issue__published_at", "issue_id", "language")
    )
    made = 0
    for document in documents[:MADE_BEFORE_COMMIT]:
        made += make_page(document.issue, document.language)
    return made


def make_page(issue, language):
    """Render and store `issue`'s page in `language` as an anonymous reader
    would be served it; whether it was stored. An exception is logged: one
    page failing must not stop the others, or the worker, nor break the edit
    whose transaction it is made in (its savepoint is rolled back)."""
    try:
        with transaction.atomic(), translation.override(language):
            path = issue.get_absolute_url()
            request = RequestFactory().get(path)
            request.user = AnonymousUser()
            request.resolver_match = resolve(path)
            _response, stored = answer_and_store(request, issue.slug)
        return stored
    except Exception:
        logger.exception("Could not store the %s page of %s", language, issue)
        return False
