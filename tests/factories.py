"""Small factories with sensible defaults and unique values.

Each `make_*` creates and saves one object; keyword arguments override the
defaults. Values that must be unique carry a counter.
"""

import functools
import itertools
from datetime import date, timedelta

from django.utils import timezone, translation

from guides.models import Audience, Guide, Topic
from network.models import (
    GroupOfficer,
    MemberEconomy,
    NetworkOrganization,
    OfficerRole,
    OrganizationKind,
)
from newsletters.models import (
    Issue,
    IssueStatus,
    Meeting,
    MeetingKind,
    Question,
    Section,
    SectionKind,
    SectionLink,
    Subscriber,
    SubscriberStatus,
)

_counter = itertools.count(1)


def _next():
    return next(_counter)


def in_english(make):
    """The texts a factory is given are the English source, whatever language
    the last request left active (the test client's requests activate the
    language of the page, and it stays active in the test's thread)."""

    @functools.wraps(make)
    def making_in_english(*args, **kwargs):
        with translation.override("en"):
            return make(*args, **kwargs)

    return making_in_english


@in_english
def make_issue(**kwargs):
    """A published issue, public since yesterday, unless told otherwise."""
    n = _next()
    defaults = {
        "title": f"Issue {n}",
        "slug": f"issue-{n}",
        "status": IssueStatus.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        "summary": f"Summary of issue {n}.",
    }
    defaults.update(kwargs)
    if defaults["status"] == IssueStatus.DRAFT and "published_at" not in kwargs:
        defaults["published_at"] = None
    featured_guides = defaults.pop("featured_guides", ())
    featured_organizations = defaults.pop("featured_organizations", ())
    issue = Issue.objects.create(**defaults)
    if featured_guides:
        issue.featured_guides.set(featured_guides)
    if featured_organizations:
        issue.featured_organizations.set(featured_organizations)
    return issue


def make_draft_issue(**kwargs):
    return make_issue(status=IssueStatus.DRAFT, **kwargs)


def make_scheduled_issue(**kwargs):
    return make_issue(published_at=timezone.now() + timedelta(days=7), **kwargs)


@in_english
def make_section(issue, **kwargs):
    n = _next()
    defaults = {
        "issue": issue,
        "order": n,
        "kind": SectionKind.ARTICLE,
        "title": f"Section {n}",
        "anchor": f"section-{n}",
        "body": f"<p>Text of section {n}.</p>",
    }
    defaults.update(kwargs)
    if defaults["kind"] == SectionKind.INTERVIEW:
        defaults.setdefault("interviewee_name", f"Interviewee {n}")
    if defaults["kind"] == SectionKind.COORDINATOR_MESSAGE:
        defaults.setdefault("signatory_name", f"Coordinator {n}")
    return Section.objects.create(**defaults)


def make_box(parent, **kwargs):
    return make_section(parent.issue, parent=parent, kind=SectionKind.BOX, **kwargs)


@in_english
def make_question(section, **kwargs):
    n = _next()
    defaults = {
        "section": section,
        "order": n,
        "question": f"Question {n}?",
        "answer": f"<p>Answer {n}.</p>",
    }
    defaults.update(kwargs)
    return Question.objects.create(**defaults)


@in_english
def make_link(section, **kwargs):
    n = _next()
    defaults = {
        "section": section,
        "order": n,
        "label": f"Link {n}",
        "url": f"https://example.org/link-{n}",
    }
    defaults.update(kwargs)
    return SectionLink.objects.create(**defaults)


@in_english
def make_topic(**kwargs):
    n = _next()
    defaults = {"name": f"Topic {n}", "slug": f"topic-{n}"}
    defaults.update(kwargs)
    return Topic.objects.create(**defaults)


@in_english
def make_guide(**kwargs):
    n = _next()
    defaults = {
        "title": f"Guide {n}",
        "audience": Audience.MSMES,
        "url": f"https://trade4msmes.example.org/guide-{n}/",
        "summary": f"Summary of guide {n}.",
        "added_on": date(2022, 6, 1),
    }
    defaults.update(kwargs)
    if "topic" not in defaults:
        defaults["topic"] = make_topic()
    return Guide.objects.create(**defaults)


@in_english
def make_economy(**kwargs):
    n = _next()
    name = kwargs.pop("name", f"Economy {n:04d}")
    defaults = {"name": name, "sort_name": name}
    defaults.update(kwargs)
    return MemberEconomy.objects.create(**defaults)


@in_english
def make_organization(**kwargs):
    n = _next()
    defaults = {
        "name": f"Organization {n}",
        "acronym": f"O{n}",
        "kind": OrganizationKind.INTERNATIONAL_ORGANIZATION,
        "website": f"https://org-{n}.example.org/",
        "display_order": n,
    }
    defaults.update(kwargs)
    return NetworkOrganization.objects.create(**defaults)


def make_officer(**kwargs):
    n = _next()
    defaults = {
        "name": f"Ambassador {n}",
        "role": OfficerRole.COORDINATOR,
        "term_start": date(2020, 1, 1),
    }
    defaults.update(kwargs)
    if "economy" not in defaults:
        defaults["economy"] = make_economy()
    return GroupOfficer.objects.create(**defaults)


@in_english
def make_meeting(**kwargs):
    n = _next()
    defaults = {
        "kind": MeetingKind.MEETING,
        "date": timezone.localdate() + timedelta(days=30),
        "title": f"Meeting {n}",
    }
    defaults.update(kwargs)
    return Meeting.objects.create(**defaults)


def make_event(**kwargs):
    kwargs.setdefault("kind", MeetingKind.EVENT)
    kwargs.setdefault("date", timezone.localdate() - timedelta(days=30))
    return make_meeting(**kwargs)


def make_subscriber(**kwargs):
    """A pending subscriber, with a name, who agreed to a privacy statement."""
    n = _next()
    defaults = {
        "email": f"reader{n}@example.org",
        "name": f"Reader {n}",
        "consent_given_at": timezone.now(),
        "privacy_statement_version": "test",
    }
    defaults.update(kwargs)
    if defaults.get("status") == SubscriberStatus.CONFIRMED:
        defaults.setdefault("confirmed_at", timezone.now())
    return Subscriber.objects.create(**defaults)


def make_confirmed_subscriber(**kwargs):
    """A confirmed subscriber without a name (so the email says "Hello,")."""
    n = _next()
    defaults = {
        "email": f"reader{n}@example.net",
        "status": SubscriberStatus.CONFIRMED,
        "consent_given_at": timezone.now(),
        "confirmed_at": timezone.now(),
    }
    defaults.update(kwargs)
    return Subscriber.objects.create(**defaults)


def make_confirmed_subscribers(count, start=0, **kwargs):
    """`count` confirmed subscribers in one query, reader{start}@example.net onwards."""
    now = timezone.now()
    fields = {
        "status": SubscriberStatus.CONFIRMED,
        "consent_given_at": now,
        "confirmed_at": now,
        **kwargs,
    }
    return Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{start + n}@example.net", **fields) for n in range(count)
    )
