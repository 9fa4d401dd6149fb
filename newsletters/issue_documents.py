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

Pages are made when first asked for, and by the idle send worker
(`build_missing()`), so that publishing makes them ahead of readers.
Design: docs/architecture.md, "Stored issue pages".
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation

from guides.models import Guide
from msme_portal import page_cache
from msme_portal.http_cache import release
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters import idle_work, issue_page, sharing_images
from newsletters.models import (
    Issue,
    IssueDocument,
    IssuePageGeneration,
    IssueStatus,
    Meeting,
    PdfEdition,
    Question,
    Section,
    SectionLink,
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
    with connection.cursor() as cursor:
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
            if (issue.pk, language) in current:
                continue
            try:
                with translation.override(language):
                    path = issue.get_absolute_url()
                    request = RequestFactory().get(path)
                    request.user = AnonymousUser()
                    request.resolver_match = resolve(path)
                    _response, stored = answer_and_store(request, issue.slug)
                if stored:
                    made += 1
            except Exception:  # One page failing must not stop the others, or the worker.
                logger.exception("Could not store the %s page of %s", language, issue)
    return made


# What drops which pages.


def drop(issue_ids):
    """Make the stored pages of `issue_ids` stale by raising their generation
    (every issue has its row from its creation on: nothing is inserted
    here, which could stop an issue being deleted). They are kept, to be
    served while one request makes them again."""
    issue_ids = {pk for pk in issue_ids if pk is not None}
    if not issue_ids:
        return
    IssuePageGeneration.objects.filter(issue_id__in=issue_ids).update(number=F("number") + 1)


def issues_showing(test):
    """The issues whose stored pages pass `test(shows, as_of)`."""
    return {
        issue_id
        for issue_id, shows, as_of in IssueDocument.objects.values_list(
            "issue_id", "shows", "as_of"
        )
        if test(shows, as_of)
    }


def on_issue_change(sender, instance, created=False, **kwargs):
    """The issue itself, the pages whose pager links to it, and the issues
    beside it in publication order (their pager may now link to it)."""
    if created:
        IssuePageGeneration.objects.get_or_create(issue=instance)
    affected = {instance.pk} | issues_showing(lambda shows, _: instance.pk in shows["neighbours"])
    if instance.published_at is not None:
        others = list(
            Issue.objects.published().exclude(pk=instance.pk).values_list("published_at", "pk")
        )
        earlier = [row for row in others if row[0] < instance.published_at]
        later = [row for row in others if row[0] > instance.published_at]
        for beside in (max(earlier, default=None), min(later, default=None)):
            if beside is not None:
                affected.add(beside[1])
    drop(affected)


def on_section_change(sender, instance, **kwargs):
    drop({instance.issue_id})


def on_section_part_change(sender, instance, **kwargs):
    drop(set(Section.objects.filter(pk=instance.section_id).values_list("issue_id", flat=True)))


def on_pdf_edition_change(sender, instance, **kwargs):
    drop({instance.issue_id})


def on_listed_change(key):
    def receiver(sender, instance, **kwargs):
        drop(issues_showing(lambda shows, _: instance.pk in shows[key]))

    return receiver


def on_featured_change(key):
    """A guide or organization added to or taken from an issue's list."""

    def receiver(sender, instance, action, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if isinstance(instance, Issue):
            drop({instance.pk})
        else:  # From the guide's or organization's side: pk_set holds issues.
            drop(set(pk_set or ()) | issues_showing(lambda shows, _: instance.pk in shows[key]))

    return receiver


def remember_dates(*names):
    """pre_save: the dates the row had, for the post_save receiver."""

    def receiver(sender, instance, **kwargs):
        old = sender.objects.filter(pk=instance.pk).values(*names).first() if instance.pk else None
        instance._dates_before_save = old

    return receiver


def dates_had(instance, *names):
    """[(start, end) before the save, if it existed; (start, end) now]."""
    before = getattr(instance, "_dates_before_save", None)
    now = tuple(getattr(instance, name) for name in names)
    return [tuple(before[name] for name in names), now] if before else [now]


def on_register_change(start, end):
    """A member economy or an officer: the pages with the members' list as
    of a day on or after the earliest date the row has or had (a row with no
    start date counts from the beginning), and for an economy the pages
    whose coordinator signs for it."""

    def receiver(sender, instance, **kwargs):
        periods = dates_had(instance, start, end)
        if any(period[0] is None for period in periods):
            earliest = datetime.date.min
        else:
            earliest = min(day for period in periods for day in period if day is not None)
        affected = issues_showing(lambda shows, as_of: shows["members"] and as_of >= earliest)
        if sender is MemberEconomy:
            affected |= issues_showing(lambda shows, _: instance.pk in shows["economies"])
        drop(affected)

    return receiver


def on_meeting_change(sender, instance, **kwargs):
    """The pages whose meeting lists reach the meeting's old or new date:
    the year after their date, and half a year back for past events."""
    days = [day for (day,) in dates_had(instance, "date")]

    def reaches(shows, as_of):
        return shows["meetings"] and any(
            as_of - issue_page.PAST_EVENTS_REACH <= day < as_of + issue_page.UPCOMING_REACH
            for day in days
        )

    drop(issues_showing(reaches))


def connect():
    """From NewslettersConfig.ready(). The receivers run inside the editing
    transaction; a page rendered meanwhile from the old content carries the
    old generation and is not served."""

    def on_save_and_delete(model, receiver, uid):
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")

    on_save_and_delete(Issue, on_issue_change, "documents-issue")
    on_save_and_delete(Section, on_section_change, "documents-section")
    on_save_and_delete(Question, on_section_part_change, "documents-question")
    on_save_and_delete(SectionLink, on_section_part_change, "documents-link")
    on_save_and_delete(PdfEdition, on_pdf_edition_change, "documents-pdf")
    on_save_and_delete(Guide, on_listed_change("guides"), "documents-guide")
    on_save_and_delete(NetworkOrganization, on_listed_change("organizations"), "documents-org")
    on_save_and_delete(MemberEconomy, on_register_change("joined_on", "left_on"), "documents-eco")
    on_save_and_delete(
        GroupOfficer, on_register_change("term_start", "term_end"), "documents-officer"
    )
    on_save_and_delete(Meeting, on_meeting_change, "documents-meeting")
    for model, names in [
        (MemberEconomy, ("joined_on", "left_on")),
        (GroupOfficer, ("term_start", "term_end")),
        (Meeting, ("date",)),
    ]:
        pre_save.connect(
            remember_dates(*names),
            sender=model,
            weak=False,
            dispatch_uid=f"documents-{model.__name__}-before",
        )
    for through, key in [
        (Issue.featured_guides.through, "guides"),
        (Issue.featured_organizations.through, "organizations"),
    ]:
        m2m_changed.connect(
            on_featured_change(key),
            sender=through,
            weak=False,
            dispatch_uid=f"documents-{through.__name__}",
        )
