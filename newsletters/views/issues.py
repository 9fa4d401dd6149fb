"""Public pages of the newsletter: the home page, the archive and an issue.

`issue_page_context(issue)` builds everything the issue template needs; the
admin's preview of a draft calls it too, so a draft looks exactly as it will
once published.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView
from PIL import Image, UnidentifiedImageError

from guides.models import Audience
from network.models import MemberEconomy
from network.views import officers
from newsletters.models import Issue, Meeting, MeetingKind, Section
from newsletters.models.issues import Listing
from newsletters.page_cache import cache_public_page

logger = logging.getLogger(__name__)

PORTRAIT_WIDTH = 240
SECTION_IMAGE_WIDTH = 720
COVER_WIDTH = 480


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


def thumbnail(image_field, width):
    """A WebP copy of `image_field` at most `width` pixels wide.

    Made on first use and stored next to the original ("name.240w.webp"), so
    later requests only read its header. Returns None when the original is
    missing or unreadable, so a lost file never breaks a page.
    """
    if not image_field:
        return None
    storage = image_field.storage
    path = PurePosixPath(image_field.name)
    thumb_name = str(path.with_name(f"{path.stem}.{width}w.webp"))
    try:
        if not storage.exists(thumb_name):
            with storage.open(image_field.name, "rb") as original, Image.open(original) as image:
                # JPEG decodes straight to a reduced size: big photos stay cheap.
                image.draft("RGB", (width, width * 3))
                image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
                image.thumbnail((width, width * 3))
                buffer = BytesIO()
                image.save(buffer, "WEBP", quality=82)
                thumb_name = storage.save(thumb_name, ContentFile(buffer.getvalue()))
        with storage.open(thumb_name, "rb") as thumb, Image.open(thumb) as image:
            thumb_width, thumb_height = image.size
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("Could not make a thumbnail of %s", image_field.name, exc_info=True)
        return None
    return Thumbnail(storage.url(thumb_name), thumb_width, thumb_height)


def with_neighbours(issues):
    """Annotate each issue with the slug and title of the published issues
    before and after it, so the issue page links to them without queries."""
    published = Issue.objects.published()
    previous = published.filter(published_at__lt=OuterRef("published_at")).order_by(
        "-published_at", "-pk"
    )
    following = published.filter(published_at__gt=OuterRef("published_at")).order_by(
        "published_at", "pk"
    )
    return issues.annotate(
        previous_slug=Subquery(previous.values("slug")[:1]),
        previous_title=Subquery(previous.values("title")[:1]),
        next_slug=Subquery(following.values("slug")[:1]),
        next_title=Subquery(following.values("title")[:1]),
    )


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
        data["upcoming_meetings"] = [m for m in meetings if m.kind == MeetingKind.MEETING]
        data["past_events"] = [m for m in meetings if m.kind == MeetingKind.EVENT]
    if Listing.NEW_GUIDES in listings:
        data["guide_rows"] = guide_table(issue.featured_guides.all())
    if Listing.NETWORK in listings:
        data["organizations"] = list(issue.featured_organizations.all())
    if Listing.MEMBERS in listings:
        data["members"] = list(MemberEconomy.objects.all())
        # The same count as MemberEconomy.objects.group_size(), from the rows
        # already loaded rather than one more query.
        data["group_size"] = sum(economy.counts_as for economy in data["members"])
        data["current_officers"], data["previous_officers"] = officers()
    return data


def issue_page_context(issue):
    """Everything the issue template needs, for a published issue or a draft.

    Works on any issue; fetched through `Issue.objects.for_issue_page()` (and
    `with_neighbours()`) it costs a fixed number of queries.
    """
    sections = list(issue.sections.all())
    children = defaultdict(list)
    top_level = []
    for section in sections:
        if section.parent_id is None:
            top_level.append(section)
        else:
            children[section.parent_id].append(section)
        section.portrait_thumbnail = thumbnail(section.portrait, PORTRAIT_WIDTH)
        section.image_thumbnail = thumbnail(section.image, SECTION_IMAGE_WIDTH)
    for section in top_level:
        kids = children.get(section.pk, [])
        section.boxes = [kid for kid in kids if kid.is_box]
        section.subsections = [kid for kid in kids if not kid.is_box]
    if not hasattr(issue, "previous_slug"):
        annotated = with_neighbours(Issue.objects.filter(pk=issue.pk)).values(
            "previous_slug", "previous_title", "next_slug", "next_title"
        )
        for name, value in (annotated.first() or {}).items():
            setattr(issue, name, value)
    return {
        "issue": issue,
        "sections": top_level,
        "cover": thumbnail(issue.cover_image, COVER_WIDTH),
        "listings": listing_data(issue, {section.listing for section in sections}),
    }


def today(request):
    """The home page's next meeting changes with the date."""
    return timezone.localdate().isoformat()


@cache_public_page(extra_key=today)
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

    def get_queryset(self):
        return with_neighbours(Issue.objects.published().for_issue_page())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(issue_page_context(self.object))
        return context
