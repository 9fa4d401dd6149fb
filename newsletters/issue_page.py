"""The issue page: one issue with its neighbours, its sections and the lists
they ask for, as explicit objects (`IssuePage`), and the page rendered from them.

The public view, the admin's preview and the email edition are its clients:
see "How /issues/summer-2022/ is built" in docs/architecture.md.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from guides.models import Audience
from msme_portal.thumbnails import (
    COVER_WIDTH,
    PORTRAIT_WIDTH,
    SECTION_IMAGE_WIDTH,
    Thumbnail,
    thumbnail,
)
from network.officers import OfficerList, split_by_term
from newsletters import editions, issue_rows, listing_rows
from newsletters.models import Issue, PdfEdition
from newsletters.models.issues import Listing

# An issue lists the meetings of the year after its date: one scheduled
# years later leaves an archived issue as it was.
UPCOMING_REACH = timedelta(days=365)
# Meeting.objects.past_events() reaches this far back.
PAST_EVENTS_REACH = timedelta(days=183)


@dataclass(frozen=True)
class IssueLink:
    """A published issue before or after this one, as the pager links to it."""

    slug: str
    title: str
    pk: int | None = None


@dataclass(frozen=True)
class DatedMeeting:
    meeting: listing_rows.MeetingRow
    date_iso: str  # "2022-07-05"
    date_label: str  # "5 July 2022", the text of the date filter "j F Y"


# A row of the guides' two columns: a guide for MSMEs, one for policymakers.
GuidePair = tuple[listing_rows.GuideRow | None, listing_rows.GuideRow | None]


@dataclass
class Listings:
    """The data lists the issue's sections ask for. A list no section asks
    for is not loaded, and stays None."""

    upcoming_meetings: list[DatedMeeting] | None = None
    past_events: list[DatedMeeting] | None = None
    guide_rows: list[GuidePair] | None = None
    organizations: list[listing_rows.OrganizationRow] | None = None
    members: list[listing_rows.MemberRow] | None = None
    group_size: int | None = None
    officers: OfficerList | None = None


@dataclass
class SectionBlock:
    """A section with what the page shows of it: its questions and links in
    display order, its thumbnails, and (top-level sections only: they nest
    one level) its sub-sections and side boxes."""

    section: issue_rows.SectionRow
    questions: list[issue_rows.QuestionRow]
    links: list[issue_rows.LinkRow]
    image: Thumbnail | None
    portrait: Thumbnail | None
    subsections: list["SectionBlock"] = field(default_factory=list)
    boxes: list["SectionBlock"] = field(default_factory=list)
    # Anchors the section had, kept as ids in the page for links sent before.
    former_anchors: list[str] = field(default_factory=list)
    # "en" when the section is shown in English on a page in another language,
    # its translation being incomplete (newsletters/editions.py).
    fallback_language: str | None = None


@dataclass
class IssuePage:
    """Everything the issue page shows, for a published issue or a draft."""

    issue: Issue
    previous_issue: IssueLink | None
    next_issue: IssueLink | None
    sections: list[SectionBlock]  # top-level, in order
    cover: Thumbnail | None
    listings: Listings
    is_preview: bool = False
    # "en" when the issue's title is shown in English on a page in another language.
    title_language: str | None = None
    # The stored PDF edition in the page's language, once made (public pages).
    pdf_edition: PdfEdition | None = None

    def template_context(self):
        return {
            "issue": self.issue,
            "previous_issue": self.previous_issue,
            "next_issue": self.next_issue,
            "sections": self.sections,
            "cover": self.cover,
            "listings": self.listings,
            "is_preview": self.is_preview,
            "title_language": self.title_language,
            "pdf_edition": self.pdf_edition,
        }


def published_in_order():
    return Issue.objects.published().order_by("published_at", "pk")


def load_published_page(slug):
    """The page of the published issue `slug`, or Http404.

    One query finds the issue and its neighbours: every published issue, in
    order, less the two timestamps the page never shows. A subquery per
    neighbour cost more to build than the rest of the issue's query.
    """
    published = list(published_in_order().defer("created_at", "updated_at"))
    issue = next((each for each in published if each.slug == slug), None)
    if issue is None:
        raise Http404(
            _("No %(verbose_name)s found matching the query")
            % {"verbose_name": Issue._meta.verbose_name}
        )
    page = build_page(issue, published=published)
    page.pdf_edition = (
        PdfEdition.objects.filter(issue=issue, language=page_language()).only("size").first()
    )
    return page


def neighbours(issue, published):
    """(previous, next) IssueLinks of `issue` among `published`, every
    published issue ordered by publication time then pk."""
    previous = following = None
    if issue.published_at is not None:
        for other in published:
            if other.published_at < issue.published_at:
                previous = other
            elif other.published_at > issue.published_at:
                following = other
                break
    return (
        IssueLink(previous.slug, previous.title, previous.pk) if previous else None,
        IssueLink(following.slug, following.title, following.pk) if following else None,
    )


def build_page(issue, *, published=None, is_preview=False):
    """The IssuePage of `issue`, in a fixed number of queries: at most one
    per kind of row shown (plain filtered queries: Django's prefetching cost
    more to set up than the queries themselves), and one for the neighbours
    unless `published` (as `load_published_page()` reads it) is given. The
    rows are read as values (newsletters/issue_rows.py): making them model
    instances cost more than the queries."""
    language = page_language()
    content = issue_rows.section_content(issue, language)
    sections = content.sections
    former_anchors = page_former_anchors(sections)
    blocks = {
        section.pk: SectionBlock(
            section=section,
            questions=content.questions[section.pk],
            links=content.links[section.pk],
            image=thumbnail(section.image, SECTION_IMAGE_WIDTH),
            portrait=thumbnail(section.portrait, PORTRAIT_WIDTH),
            former_anchors=former_anchors.get(section.pk, []),
            fallback_language=(
                editions.SOURCE_LANGUAGE if content.in_english[section.pk] else None
            ),
        )
        for section in sections
    }
    top_level = []
    for section in sections:
        block = blocks[section.pk]
        parent = blocks.get(section.parent_id)
        if section.parent_id is None:
            top_level.append(block)
        elif parent is None:
            continue  # a parent in another issue: the admin's form refuses it
        elif section.is_box:
            parent.boxes.append(block)
        else:
            parent.subsections.append(block)
    if published is None:
        published = []
        if issue.published_at is not None:
            published = issue_rows.published_issues(language, timezone.now())
    previous_issue, next_issue = neighbours(issue, published)
    return IssuePage(
        issue=issue,
        previous_issue=previous_issue,
        next_issue=next_issue,
        sections=top_level,
        cover=thumbnail(issue.cover_image, COVER_WIDTH),
        listings=load_listings(issue, {section.listing for section in sections}, language),
        is_preview=is_preview,
        title_language=(
            editions.SOURCE_LANGUAGE
            if language != editions.SOURCE_LANGUAGE and not getattr(issue, f"title_{language}")
            else None
        ),
    )


def page_language():
    """The language the page is shown in: one of the editions' languages."""
    language = (translation.get_language() or editions.SOURCE_LANGUAGE).split("-")[0]
    return language if language in editions.LANGUAGE_NAMES else editions.SOURCE_LANGUAGE


def page_former_anchors(sections):
    """Each section's former anchors that can still be ids in the page: none
    that a section has now (or its heading's id, "<anchor>-title"), and each
    once only, so the live address always wins and ids stay unique."""
    taken = {section.anchor for section in sections}
    taken |= {f"{anchor}-title" for anchor in taken}
    kept = defaultdict(list)
    for section in sections:
        for anchor in section.former_anchors:
            if anchor not in taken:
                kept[section.pk].append(anchor)
                taken.add(anchor)
    return kept


def reference_day(issue):
    """The day the page reads the registers and meetings as of: the issue's
    publication day (a draft: today)."""
    if issue.published_at:
        return timezone.localdate(issue.published_at)
    return timezone.localdate()


def load_listings(issue, asked, language):
    """The Listings the `asked` kinds name, each loaded only if asked, as a
    page in `language` shows them."""
    listings = Listings()
    reference = reference_day(issue)
    if {Listing.UPCOMING_MEETINGS, Listing.PAST_EVENTS} & asked:
        # One query for both lists: meetings and events from the issue's
        # date on, and the events of the half year before it, so the date
        # tells them apart. Cancelled ones are neither to come nor held.
        meetings = dated(
            listing_rows.meetings(
                language, reference, reference + UPCOMING_REACH, reference - PAST_EVENTS_REACH
            )
        )
        listings.upcoming_meetings = [m for m in meetings if m.meeting.date >= reference]
        listings.past_events = [m for m in meetings if m.meeting.date < reference]
    if Listing.NEW_GUIDES in asked:
        # Neither the page nor the email shows a guide's topic.
        listings.guide_rows = guide_table(listing_rows.guides(language, issue.pk))
    if Listing.NETWORK in asked:
        listings.organizations = listing_rows.organizations(language, issue.pk)
    if Listing.MEMBERS in asked:
        # The register as it stood on the issue's date: an issue is a record
        # of its time, which a member or a chair added since leaves alone.
        listings.members = listing_rows.members(language, reference)
        # The same count as MemberEconomy.objects.as_of(reference).group_size(),
        # from the rows already loaded rather than one more query.
        listings.group_size = sum(economy.counts_as for economy in listings.members)
        listings.officers = officer_list(reference, language)
    return listings


def officer_list(day, language):
    """network.officers.officer_list(as_of=day), read as values."""
    rows = listing_rows.officers(language, day)
    return split_by_term(rows, day)


def dated(meetings):
    """Each meeting with its date as the page prints it. The lists can hold
    dozens of meetings, and the date filter looks up the format and
    translates the month anew for every one; here each month's name is
    translated once."""
    months = {}
    result = []
    for meeting in meetings:
        day = meeting.date
        if day.month not in months:
            months[day.month] = str(MONTHS[day.month])
        label = f"{day.day} {months[day.month]} {day.year:04d}"
        result.append(DatedMeeting(meeting, day.isoformat(), label))
    return result


def guide_table(guides):
    """Rows of (guide for MSMEs, guide for policymakers), side by side."""
    columns = defaultdict(list)
    for guide in guides:
        columns[guide.audience].append(guide)
    msmes, policymakers = columns[Audience.MSMES], columns[Audience.POLICYMAKERS]
    size = max(len(msmes), len(policymakers))
    msmes += [None] * (size - len(msmes))
    policymakers += [None] * (size - len(policymakers))
    return list(zip(msmes, policymakers, strict=True))


def page_response(request, page):
    """The whole page: newsletters/jinja2/newsletters/issue_detail.html, the
    article in the site's shell."""
    return TemplateResponse(request, "newsletters/issue_detail.html", page.template_context())
