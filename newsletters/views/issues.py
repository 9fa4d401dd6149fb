"""Public pages of the newsletter: the home page, the archive and an issue.

`issue_page_context(issue)` builds everything the issue template needs; the
admin's preview of a draft calls it too, so a draft looks exactly as it will
once published.
"""

from collections import defaultdict

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from guides.models import Audience, Guide
from msme_portal.page_cache import cache_public_page
from msme_portal.thumbnails import COVER_WIDTH, PORTRAIT_WIDTH, SECTION_IMAGE_WIDTH, thumbnail
from network.models import MemberEconomy, NetworkOrganization
from network.views import officers, render_officers
from newsletters.models import Issue, Meeting, MeetingKind, Question, Section, SectionLink
from newsletters.models.issues import Listing


def set_neighbours(issue, published):
    """Give `issue` the slug and title of the published issues before and
    after it (previous_slug, previous_title, next_slug, next_title), so the
    issue page links to them without queries.

    `published` is every published issue, ordered by publication time then
    pk: one cheap query, where a subquery per link cost more to build than
    the rest of the issue's query.
    """
    previous = following = None
    if issue.published_at is not None:
        for other in published:
            if other.published_at < issue.published_at:
                previous = other
            elif other.published_at > issue.published_at:
                following = other
                break
    issue.previous_slug = previous.slug if previous else None
    issue.previous_title = previous.title if previous else None
    issue.next_slug = following.slug if following else None
    issue.next_title = following.title if following else None


def published_in_order():
    return Issue.objects.published().order_by("published_at", "pk")


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


def label_dates(meetings):
    """Give each meeting its date as the page prints it: `date_iso`
    ("2022-07-05") and `date_label`, the same text as the template filter
    `date:"j F Y"` ("5 July 2022"). The lists can hold dozens of meetings,
    and the filter looks up the format and translates the month anew for
    every one; here each month's name is translated once."""
    months = {}
    for meeting in meetings:
        day = meeting.date
        if day.month not in months:
            months[day.month] = str(MONTHS[day.month])
        meeting.date_iso = day.isoformat()
        meeting.date_label = f"{day.day} {months[day.month]} {day.year:04d}"


def listing_data(issue, listings):
    """The data lists the issue's sections ask for, each loaded only if asked."""
    data = {}
    reference = timezone.localdate(issue.published_at) if issue.published_at else None
    reference = reference or timezone.localdate()
    wants_meetings = {Listing.UPCOMING_MEETINGS, Listing.PAST_EVENTS} & listings
    if wants_meetings:
        # One query for both lists: upcoming() holds only meetings and
        # past_events() only events, so the kind tells them apart.
        meetings = list(
            Meeting.objects.upcoming(reference) | Meeting.objects.past_events(reference)
        )
        label_dates(meetings)
        data["upcoming_meetings"] = [m for m in meetings if m.kind == MeetingKind.MEETING]
        data["past_events"] = [m for m in meetings if m.kind == MeetingKind.EVENT]
    if Listing.NEW_GUIDES in listings:
        # Neither the page nor the email shows a guide's topic.
        data["guide_rows"] = guide_table(
            Guide.objects.filter(issues=issue).order_by("audience", "title")
        )
    if Listing.NETWORK in listings:
        data["organizations"] = list(
            NetworkOrganization.objects.filter(issues=issue).order_by("display_order", "name")
        )
    if Listing.MEMBERS in listings:
        data["members"] = list(MemberEconomy.objects.all())
        # The same count as MemberEconomy.objects.group_size(), from the rows
        # already loaded rather than one more query.
        data["group_size"] = sum(economy.counts_as for economy in data["members"])
        data["current_officers"], data["previous_officers"] = officers()
        data["officers_html"] = render_officers(data["current_officers"], data["previous_officers"])
    return data


def issue_page_context(issue):
    """Everything the issue template needs, for a published issue or a draft.

    Costs a fixed number of queries, at most one per kind of row shown
    (plain filtered queries: Django's prefetching cost more to set up than
    the queries themselves), one more if `set_neighbours()` was not called.
    Each section gets `question_list` and `link_list`, in display order, and
    its `subsections` and `boxes`.
    """
    sections = list(
        Section.objects.filter(issue=issue)
        .select_related("signatory_economy")
        .order_by("order", "pk")
    )
    questions, links = defaultdict(list), defaultdict(list)
    for question in Question.objects.filter(section__issue=issue).order_by("order", "pk"):
        questions[question.section_id].append(question)
    for link in SectionLink.objects.filter(section__issue=issue).order_by("order", "pk"):
        links[link.section_id].append(link)
    children = defaultdict(list)
    top_level = []
    for section in sections:
        section.question_list = questions.get(section.pk, [])
        section.link_list = links.get(section.pk, [])
        if section.parent_id is None:
            top_level.append(section)
        else:
            children[section.parent_id].append(section)
        section.portrait_thumbnail = thumbnail(section.portrait, PORTRAIT_WIDTH)
        section.image_thumbnail = thumbnail(section.image, SECTION_IMAGE_WIDTH)
    for section in sections:
        # Sections nest one level only; children get the same (empty) lists,
        # so templates never look up a missing attribute (a slow miss).
        kids = children.get(section.pk, [])
        section.boxes = [kid for kid in kids if kid.is_box]
        section.subsections = [kid for kid in kids if not kid.is_box]
    if not hasattr(issue, "previous_slug"):
        published = []
        if issue.published_at is not None:
            published = published_in_order().only("published_at", "slug", "title")
        set_neighbours(issue, published)
    return {
        "issue": issue,
        "sections": top_level,
        "cover": thumbnail(issue.cover_image, COVER_WIDTH),
        "listings": listing_data(issue, {section.listing for section in sections}),
    }


def render_issue_article(context):
    """The issue's article (masthead to pager) as HTML, from Jinja2: see
    msme_portal/jinja2.py for why this part of the page is not rendered by
    the Django template engine. `context` is `issue_page_context()`'s, plus
    `is_preview`."""
    # Jinja2 escaped every value (autoescape is on); rich text was sanitized
    # when it was saved.
    return mark_safe(  # noqa: S308
        render_to_string("newsletters/issue_article.html", context, using="jinja2")
    )


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
        "next_meeting": Meeting.objects.upcoming().first(),
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
class IssueDetailView(DetailView):
    template_name = "newsletters/issue_detail.html"
    context_object_name = "issue"

    def get_object(self, queryset=None):
        # One query finds the issue and its neighbours: every published issue,
        # in order, less the two timestamps the page never shows.
        published = list(published_in_order().defer("created_at", "updated_at"))
        issue = next((each for each in published if each.slug == self.kwargs["slug"]), None)
        if issue is None:
            raise Http404(
                _("No %(verbose_name)s found matching the query")
                % {"verbose_name": Issue._meta.verbose_name}
            )
        set_neighbours(issue, published)
        return issue

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(issue_page_context(self.object))
        context.setdefault("is_preview", False)  # The admin's preview passes True.
        context["article"] = render_issue_article(context)
        return context
