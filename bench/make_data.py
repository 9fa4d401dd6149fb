"""Fill the benchmark database with a realistic archive.

On top of whatever is there (the Summer 2022 issue from `manage.py
load_demo`), adds up to: 68 member economies, 200 guides, 40 published issues
of 25 sections each (the coordinator's message, numbered articles with
sub-articles and links, interviews with questions, side boxes, and every kind
of listing), meetings and events over ten years, and 100,000 subscribers.
Rows are made with bulk_create and a fixed random seed, so every run builds
the same data.

Usage: python bench/make_data.py (DJANGO_SETTINGS_MODULE and DATABASE_URL set).
"""

import os
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msme_portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from guides.models import Audience, Guide, Topic  # noqa: E402
from network.models import MemberEconomy, NetworkOrganization, OrganizationKind  # noqa: E402
from newsletters.models import (  # noqa: E402
    Issue,
    IssueStatus,
    Meeting,
    MeetingKind,
    Question,
    Section,
    SectionKind,
    SectionLink,
)
from newsletters.models.issues import BoxStyle, Listing  # noqa: E402

ECONOMIES = 68
GUIDES = 200
ISSUES = 40
SECTIONS_PER_ISSUE = 25
SUBSCRIBERS = 100_000
ZURICH = ZoneInfo("Europe/Zurich")

VOCABULARY = (
    "trade small medium enterprises access finance digital platforms customs "
    "procedures information market export import members group ministerial "
    "declaration recommendations e-commerce women entrepreneurs regulatory "
    "transparency workshop survey policy tariff network partners global value "
    "chains capacity building standards certification payments logistics"
)
WORDS = VOCABULARY.split()

rng = random.Random(2022)


def sentence(words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(sentences=5):
    return " ".join(sentence(rng.randint(10, 20)) for _ in range(sentences))


def body(paragraphs=3):
    parts = [f"<p>{paragraph()}</p>" for _ in range(paragraphs)]
    parts.insert(1, f'<p>See <a href="https://www.wto.org/msmes">{sentence(4)}</a></p>')
    return "".join(parts)


def economies():
    existing = MemberEconomy.objects.count()
    names = [f"Economy {n:03d}" for n in range(1, ECONOMIES - existing + 1)]
    MemberEconomy.objects.bulk_create(
        MemberEconomy(name=name, sort_name=name, joined_on=date(2017, 12, 13)) for name in names
    )
    return list(MemberEconomy.objects.all())


def guides():
    topics = list(Topic.objects.all())
    for n in range(max(0, 8 - len(topics))):
        topics.append(Topic.objects.create(name=f"Bench topic {n}", slug=f"bench-topic-{n}"))
    missing = GUIDES - Guide.objects.count()
    Guide.objects.bulk_create(
        Guide(
            title=f"Guide {n:03d}: {sentence(5)[:-1]}",
            audience=Audience.MSMES if n % 2 else Audience.POLICYMAKERS,
            topic=topics[n % len(topics)],
            url=f"https://trade4msmes.example.org/guides/{n}/",
            summary=paragraph(2),
            added_on=date(2021, 1, 1) + timedelta(days=n * 5),
        )
        for n in range(missing)
    )
    return list(Guide.objects.all())


def organizations():
    missing = 30 - NetworkOrganization.objects.count()
    kinds = list(OrganizationKind)
    NetworkOrganization.objects.bulk_create(
        NetworkOrganization(
            name=f"Bench organization {n}",
            acronym=f"BO{n}",
            kind=kinds[n % len(kinds)],
            website=f"https://org-{n}.example.org/",
            display_order=100 + n,
        )
        for n in range(max(0, missing))
    )
    return list(NetworkOrganization.objects.all())


def meetings():
    Meeting.objects.bulk_create(
        Meeting(
            kind=MeetingKind.MEETING if n % 3 else MeetingKind.EVENT,
            date=date(2017, 1, 15) + timedelta(days=n * 30),
            title=f"Bench meeting {n}: {sentence(5)[:-1]}",
            description=paragraph(2),
            link="https://www.wto.org/msmes",
        )
        for n in range(140)
    )


def issue_sections(issue, economy):
    """25 sections: a coordinator's message with a box, articles with
    sub-articles and boxes, and an interview block with three interviews."""
    order = iter(range(1, 1000))

    def section(**fields):
        return Section(issue=issue, order=next(order), body=body(), **fields)

    listings = [Listing.NEW_GUIDES, Listing.NETWORK, Listing.MEMBERS]
    message = section(
        number=1,
        kind=SectionKind.COORDINATOR_MESSAGE,
        title="Message from the coordinator",
        anchor="coordinator",
        signatory_name="Ambassador José Luis Cancela",
        signatory_title="Ambassador",
        signatory_economy=economy,
        listing=Listing.UPCOMING_MEETINGS,
    )
    articles = [
        section(
            number=number,
            title=sentence(6)[:-1],
            anchor=f"article-{number}",
            listing=listings[number - 2] if number - 2 < len(listings) else Listing.NONE,
        )
        for number in range(2, 9)
    ]
    voices = section(number=9, title="MSME Voices", anchor="msme-voices")
    Section.objects.bulk_create([message, *articles, voices])
    interviews = [
        section(
            kind=SectionKind.INTERVIEW,
            title=f"Interview with entrepreneur {n}",
            anchor=f"interview-{n}",
            parent=voices,
            interviewee_name=f"Entrepreneur {n}",
            interviewee_organization="A small exporter",
            interviewee_bio=f"<p>{paragraph(2)}</p>",
        )
        for n in range(3)
    ]
    children = [
        section(
            kind=SectionKind.BOX,
            title="Past events",
            anchor="past-events",
            parent=message,
            listing=Listing.PAST_EVENTS,
        ),
        *(
            section(title=sentence(5)[:-1], anchor=f"sub-{n}", parent=article)
            for n, article in enumerate(articles)
        ),
        *(
            section(
                kind=SectionKind.BOX,
                title=sentence(4)[:-1],
                anchor=f"box-{n}",
                parent=article,
                box_style=BoxStyle.HIGHLIGHT,
            )
            for n, article in enumerate(articles[2:])
        ),
    ]
    Section.objects.bulk_create(interviews + children)
    total = 2 + len(articles) + len(interviews) + len(children)
    assert total == SECTIONS_PER_ISSUE, total
    Question.objects.bulk_create(
        Question(
            section=interview,
            order=q,
            question=sentence(12)[:-1] + "?",
            answer=f"<p>{paragraph(4)}</p>",
        )
        for interview in interviews
        for q in range(5)
    )
    SectionLink.objects.bulk_create(
        SectionLink(
            section=article,
            order=1,
            label="Recording",
            url=f"https://www.wto.org/msmes/{issue.slug}/{article.anchor}",
        )
        for article in articles
    )


def issues(all_guides, all_organizations, all_economies):
    start = datetime(2012, 10, 1, 9, 0, tzinfo=ZURICH)
    seasons = ["autumn", "winter", "spring", "summer"]
    for n in range(ISSUES):
        slug = f"bench-issue-{n:02d}"
        if Issue.objects.filter(slug=slug).exists():
            continue
        published = start + timedelta(days=91 * n)
        if published.year == 2022 and published.month in (6, 7, 8):
            published -= timedelta(days=20)  # The demo's Summer 2022 stays its own season.
        issue = Issue.objects.create(
            title=f"{seasons[n % 4].title()} {published.year} (archive {n})",
            slug=slug,
            volume=n // 4 + 1,
            number=n % 4 + 1,
            season=seasons[n % 4],
            status=IssueStatus.PUBLISHED,
            published_at=published,
            summary=sentence(25),
        )
        issue.featured_guides.set(rng.sample(all_guides, 8))
        issue.featured_organizations.set(rng.sample(all_organizations, 12))
        issue_sections(issue, rng.choice(all_economies))


def subscribers(all_economies):
    """100,000 subscribers, or none when the model is not migrated yet."""
    try:
        from newsletters.models import Subscriber, SubscriberStatus
    except ImportError:
        print("subscribers: no Subscriber model, skipped")
        return 0
    if Subscriber._meta.db_table not in connection.introspection.table_names():
        print("subscribers: table not migrated, skipped")
        return 0
    missing = SUBSCRIBERS - Subscriber.objects.count()
    now = timezone.now()
    statuses = [SubscriberStatus.CONFIRMED] * 8 + [
        SubscriberStatus.PENDING,
        SubscriberStatus.UNSUBSCRIBED,
    ]
    batch = []
    for n in range(missing):
        status = statuses[n % len(statuses)]
        economy = all_economies[n % len(all_economies)] if n % 5 else None
        batch.append(
            Subscriber(
                email=f"reader{n:06d}@example{n % 97}.org",
                name=f"Reader {n}",
                organization=f"Organization {n % 1000}",
                economy=economy,
                economy_other="" if economy or n % 10 else "Elsewhere",
                language=["en", "fr", "es"][n % 3],
                status=status,
                consent_given_at=now - timedelta(days=n % 2000),
                privacy_statement_version="2026-11",
                confirmed_at=(
                    now - timedelta(days=n % 1900) if status == SubscriberStatus.CONFIRMED else None
                ),
            )
        )
        if len(batch) == 5000:
            Subscriber.objects.bulk_create(batch)
            batch.clear()
    Subscriber.objects.bulk_create(batch)
    return Subscriber.objects.count()


def main():
    with transaction.atomic():
        all_economies = economies()
        all_guides = guides()
        all_organizations = organizations()
        if not Meeting.objects.filter(title__startswith="Bench").exists():
            meetings()
        issues(all_guides, all_organizations, all_economies)
        subscriber_count = subscribers(all_economies)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {
        "issues": Issue.objects.count(),
        "sections": Section.objects.count(),
        "economies": MemberEconomy.objects.count(),
        "guides": Guide.objects.count(),
        "subscribers": subscriber_count,
    }
    print("data: " + ", ".join(f"{count} {name}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
