"""Newsletter issues and the sections they are assembled from."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guides.models import Guide
from msme_portal.images import RandomImageName, validate_image
from msme_portal.richtext import RichTextField
from network.models import MemberEconomy, NetworkOrganization

from .former_addresses import record_anchor_change, recording_slug_change


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Season(models.TextChoices):
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")
    WINTER = "winter", _("Winter")


class IssueQuerySet(models.QuerySet):
    def published(self, at=None):
        """The one definition of "the public can see it": published, and its
        publication time has come by `at` (default: now; a later time means
        scheduled)."""
        return self.filter(status=IssueStatus.PUBLISHED, published_at__lte=at or timezone.now())


class Issue(models.Model):
    title = models.CharField(_("title"), max_length=150, help_text=_('For example "Summer 2022".'))
    slug = models.SlugField(
        _("slug"), max_length=150, unique=True, help_text=_("Used in the issue's web address.")
    )
    volume = models.PositiveSmallIntegerField(_("volume"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    season = models.CharField(_("season"), max_length=10, choices=Season.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date and time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the issue: it appears by itself then."),
    )
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences for listings and feeds.")
    )
    cover_image = models.ImageField(
        _("cover image"),
        upload_to=RandomImageName("covers"),
        validators=[validate_image],
        blank=True,
    )
    cover_image_alt = models.CharField(
        _("cover image text alternative"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it."),
    )
    featured_guides = models.ManyToManyField(
        Guide,
        verbose_name=_("new guides"),
        blank=True,
        related_name="issues",
        help_text=_('Guides this issue announces ("New guides on Trade4MSMEs.org").'),
    )
    featured_organizations = models.ManyToManyField(
        NetworkOrganization,
        verbose_name=_("network organizations"),
        blank=True,
        related_name="issues",
        help_text=_("Network organizations this issue lists."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-published_at", "-created_at"]
        permissions = [("publish_issue", _("Can publish and unpublish issues"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=IssueStatus.PUBLISHED)
                | models.Q(published_at__isnull=False),
                name="published_issue_has_date",
                violation_error_message=_("A published issue needs a publication date."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sent emails link to the old slug: newsletters/models/former_addresses.py.
        with recording_slug_change(self, kwargs.get("update_fields")):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsletters:issue_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.cover_image and not self.cover_image_alt.strip():
            raise ValidationError(
                {"cover_image_alt": _("Describe the cover image for people who cannot see it.")}
            )

    @property
    def is_public(self):
        return (
            self.status == IssueStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == IssueStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    # Publication: the one rule, for the admin's actions and forms, the
    # commands and the tests.

    def publication_problems(self, sections=None, question_counts=None):
        """Why this issue cannot be published, as ValidationErrors with codes
        (an empty list if it can). `sections` are the sections it is about to
        have, saved or not (the admin's rows); by default, those stored.
        `question_counts` says, by id() of a section object, how many
        questions it is about to have; the others' are counted as stored."""
        if sections is None:
            sections = list(self.sections.only("title", "kind", "interviewee_name"))
        question_counts = question_counts or {}
        problems = []
        if not sections:
            problems.append(ValidationError(_("it has no sections"), code="no_sections"))
        interviews = [section for section in sections if section.kind == SectionKind.INTERVIEW]
        stored = [s.pk for s in interviews if s.pk and id(s) not in question_counts]
        with_questions = (
            set(Question.objects.filter(section__in=stored).values_list("section_id", flat=True))
            if stored
            else set()
        )
        for section in interviews:
            if not section.interviewee_name.strip():
                problems.append(
                    ValidationError(
                        _("the interview “%(title)s” does not name the interviewee"),
                        code="interview_without_interviewee",
                        params={"title": section.title},
                    )
                )
            has_questions = (
                question_counts[id(section)] > 0
                if id(section) in question_counts
                else section.pk in with_questions
            )
            if not has_questions:
                problems.append(
                    ValidationError(
                        _("the interview “%(title)s” has no questions"),
                        code="interview_without_questions",
                        params={"title": section.title},
                    )
                )
        return problems

    def publish(self, now=None):
        """Publish the issue, dated `now` (default: the current time) unless
        it already has a date. Raises ValidationError listing the publication
        problems when it cannot be published."""
        problems = self.publication_problems()
        if problems:
            raise ValidationError(problems)
        self.status = IssueStatus.PUBLISHED
        if self.published_at is None:
            self.published_at = now or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])

    def unpublish(self):
        """Make the issue a draft again; returns whether it was published."""
        if self.status != IssueStatus.PUBLISHED:
            return False
        self.status = IssueStatus.DRAFT
        self.save(update_fields=["status", "updated_at"])
        return True


class SectionKind(models.TextChoices):
    COORDINATOR_MESSAGE = "coordinator_message", _("Coordinator's message")
    ARTICLE = "article", _("Article")
    INTERVIEW = "interview", _("Interview")
    BOX = "box", _("Side box")


class BoxStyle(models.TextChoices):
    PLAIN = "plain", _("Plain")
    HIGHLIGHT = "highlight", _("Highlight (calls, welcomes)")
    QUOTE = "quote", _("Quote")


class Listing(models.TextChoices):
    """Data rendered after a section's text, so lists are never retyped."""

    NONE = "", _("None")
    UPCOMING_MEETINGS = "upcoming_meetings", _("Upcoming meetings")
    PAST_EVENTS = "past_events", _("Past events")
    NEW_GUIDES = "new_guides", _("The issue's new guides, by audience")
    NETWORK = "network", _("The issue's network organizations")
    MEMBERS = "members", _("Member economies, coordinator and chairs")


class Section(models.Model):
    """One part of an issue: the coordinator's message, an article, an
    interview, or a side box.

    A section with a parent is shown inside it: the presentations under an
    article, the interviews under "MSME Voices", and side boxes, which sit
    beside their parent on wide screens and after it on narrow ones.
    """

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("shown with"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text=_(
            "For a sub-article or interview: the article it belongs to. "
            "For a side box: the section it sits beside."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=SectionKind.choices, default=SectionKind.ARTICLE
    )
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Printed section number, e.g. 2.")
    )
    title = models.CharField(_("title"), max_length=250)
    anchor = models.SlugField(
        _("anchor"),
        max_length=80,
        help_text=_("Identifier in the page address (#anchor); unique within the issue."),
    )
    # Kept in the page so sent links to them still arrive (former_addresses.py).
    former_anchors = models.JSONField(_("former anchors"), default=list, blank=True, editable=False)
    # Per language, digests of the English source and of the translation
    # when the translation last changed (newsletters/editions.py).
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)
    body = RichTextField(_("text"), blank=True)
    box_style = models.CharField(
        _("box style"), max_length=20, choices=BoxStyle.choices, default=BoxStyle.PLAIN
    )
    listing = models.CharField(
        _("list shown after the text"),
        max_length=30,
        choices=Listing.choices,
        default=Listing.NONE,
        blank=True,
    )
    image = models.ImageField(
        _("image"),
        upload_to=RandomImageName("sections"),
        validators=[validate_image],
        blank=True,
    )
    image_alt = models.CharField(
        _("image text alternative"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: describe it for people who cannot see it."),
    )
    image_caption = models.CharField(_("image caption"), max_length=300, blank=True)

    # Coordinator's message: the signature.
    signatory_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signatory_title = models.CharField(
        _("signatory's title"), max_length=150, blank=True, help_text=_('E.g. "Ambassador".')
    )
    signatory_economy = models.ForeignKey(
        MemberEconomy,
        verbose_name=_("signatory's economy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Interview: who is interviewed.
    interviewee_name = models.CharField(_("interviewee"), max_length=150, blank=True)
    interviewee_organization = models.CharField(_("organization"), max_length=200, blank=True)
    interviewee_bio = RichTextField(_("short biography"), blank=True)
    portrait = models.ImageField(
        _("portrait"),
        upload_to=RandomImageName("portraits"),
        validators=[validate_image],
        blank=True,
    )
    portrait_alt = models.CharField(_("portrait text alternative"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["issue", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "anchor"],
                name="unique_section_anchor_per_issue",
                violation_error_message=_("Another section of this issue uses this anchor."),
            ),
            models.UniqueConstraint(
                fields=["issue", "number"],
                condition=models.Q(number__isnull=False),
                name="unique_section_number_per_issue",
                violation_error_message=_("Another section of this issue has this number."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = record_anchor_change(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.issue.get_absolute_url()}#{self.anchor}"

    @property
    def is_box(self):
        return self.kind == SectionKind.BOX

    def clean(self):
        super().clean()
        errors = {}
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if self.portrait and not self.portrait_alt.strip():
            errors["portrait_alt"] = _("Describe the portrait for people who cannot see it.")
        if self.kind == SectionKind.INTERVIEW and not self.interviewee_name.strip():
            errors["interviewee_name"] = _("An interview needs the name of the interviewee.")
        if self.kind == SectionKind.COORDINATOR_MESSAGE and not self.signatory_name.strip():
            errors["signatory_name"] = _("The coordinator's message needs a signature.")
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                errors["parent"] = _("A section cannot be shown with itself.")
            elif self.issue_id is not None and self.parent.issue_id != self.issue_id:
                errors["parent"] = _("Choose a section of the same issue.")
            elif self.parent.parent_id is not None:
                errors["parent"] = _("Choose a top-level section; sections nest one level only.")
        if errors:
            raise ValidationError(errors)


class Question(models.Model):
    """A question and its answer in an interview."""

    section = models.ForeignKey(
        Section, verbose_name=_("interview"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    question = models.TextField(_("question"))
    answer = RichTextField(_("answer"))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return self.question[:80]


class SectionLink(models.Model):
    """A link shown under a section ("Recording", "Call for proposals")."""

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="links"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return self.label
