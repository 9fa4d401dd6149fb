"""The Wagtail side of the benchmark: the registers as snippets and the issue
as a page whose body is a StreamField (newsletter/blocks.py)."""

from datetime import timedelta

from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from newsletter.blocks import IssueBodyBlock


@register_snippet
class MemberEconomy(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sort_name = models.CharField(max_length=200)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    # Filled for the European Union only: it counts as its member States.
    eu_member_states = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_name"]

    def __str__(self):
        return self.name

    @property
    def counts_as(self):
        return self.eu_member_states or 1


@register_snippet
class GroupOfficer(models.Model):
    ROLES = [("coordinator", "Coordinator"), ("chair", "Chair")]

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=ROLES)
    economy = models.ForeignKey(MemberEconomy, on_delete=models.PROTECT)
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["term_start"]

    def __str__(self):
        return self.name


@register_snippet
class Organization(models.Model):
    """A participant in the Trade4MSMEs Network."""

    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    display_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name


@register_snippet
class Guide(models.Model):
    AUDIENCES = [("msmes", "MSMEs"), ("policymakers", "Policymakers")]

    title = models.CharField(max_length=300)
    audience = models.CharField(max_length=20, choices=AUDIENCES)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["audience", "title"]

    def __str__(self):
        return self.title


@register_snippet
class Meeting(models.Model):
    KINDS = [("meeting", "Group meeting"), ("event", "Event")]

    kind = models.CharField(max_length=20, choices=KINDS)
    date = models.DateField()
    title = models.CharField(max_length=300)
    link = models.URLField(blank=True)
    recording_url = models.URLField(blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return self.title


class NewsletterIssuePage(Page):
    summary = models.TextField()
    published_on = models.DateField()
    body = StreamField(IssueBodyBlock())
    guides = ParentalManyToManyField(Guide, blank=True)
    organizations = ParentalManyToManyField(Organization, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("published_on"),
        FieldPanel("body"),
        FieldPanel("guides"),
        FieldPanel("organizations"),
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.listings())
        sections = [block for block in self.body if block.block_type == "section"]
        context["sections"] = sections
        context["closing_boxes"] = [block for block in self.body if block.block_type == "box"]
        return context

    def listings(self):
        """The registers as they stood on the issue's date, for the sections
        that list them."""
        day = self.published_on
        asked = set()
        for block in self.body:
            asked.add(block.value.get("listing"))
            for box in block.value.get("boxes", []):
                asked.add(box["listing"])
        listings = {}
        if {"upcoming_meetings", "past_events"} & asked:
            listings["upcoming_meetings"] = Meeting.objects.filter(date__gte=day)
            listings["past_events"] = Meeting.objects.filter(
                kind="event", date__lt=day, date__gte=day - timedelta(days=183)
            )
        if "new_guides" in asked:
            guides = list(self.guides.all())
            msmes = [guide for guide in guides if guide.audience == "msmes"]
            policymakers = [guide for guide in guides if guide.audience == "policymakers"]
            size = max(len(msmes), len(policymakers))
            msmes += [None] * (size - len(msmes))
            policymakers += [None] * (size - len(policymakers))
            listings["guide_rows"] = list(zip(msmes, policymakers, strict=True))
        if "network" in asked:
            listings["organizations"] = self.organizations.all()
        if "members" in asked:
            members = list(
                MemberEconomy.objects.filter(
                    models.Q(joined_on=None) | models.Q(joined_on__lte=day),
                    models.Q(left_on=None) | models.Q(left_on__gt=day),
                )
            )
            listings["members"] = members
            listings["group_size"] = sum(economy.counts_as for economy in members)
            officers = list(
                GroupOfficer.objects.filter(term_start__lte=day).select_related("economy")
            )
            listings["current_officers"] = [
                officer for officer in officers if not officer.term_end or officer.term_end >= day
            ]
            listings["previous_officers"] = [
                officer for officer in officers if officer.term_end and officer.term_end < day
            ]
        return listings
