"""Write the built-in content to the database, as often as asked.

Each register (member economies, officers, Network organizations, guides
with their topics, meetings) is seeded only while it is empty: once it has
rows it is the Secretariat's, and matching the demo's rows by name would
bring back anything staff renamed (say "Turkey" to "Türkiye") beside its new
name. The demo issue is created when its slug is free; once it exists it is
the Secretariat's to edit and is kept as it is, unless `reset` asks for it to
be deleted and created again from the data.
"""

from dataclasses import dataclass

from django.db import transaction

from guides.models import Guide, Topic
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters.models import Issue, Meeting, Question, Section, SectionLink

from . import guides, network, summer_2022


@dataclass
class Tally:
    """What one step of the load did."""

    label: str
    created: int = 0
    kept: int = 0

    def count(self, created):
        if created:
            self.created += 1
        else:
            self.kept += 1


def _walk(sections):
    for section in sections:
        yield section
        yield from _walk(section.get("children", []))


def total_steps():
    """How many rows the load visits, for a progress bar."""
    return (
        len(network.ECONOMIES)
        + len(network.OFFICERS)
        + len(network.ORGANIZATIONS)
        + len(guides.TOPICS)
        + len(guides.GUIDES)
        + len(summer_2022.MEETINGS)
        + sum(1 for _ in _walk(summer_2022.SECTIONS))
    )


class DemoLoader:
    """Loads everything in one transaction.

    `tick` is called once per data row visited, for a progress bar; after
    `run()`, `tallies` says what each register step created or kept and
    `issue_outcome` is "created", "kept" or "recreated".
    """

    def __init__(self, reset=False, tick=None):
        self.reset = reset
        self.tick = tick or (lambda: None)
        self.tallies = []
        self.issue_outcome = ""
        self._order = 0

    @transaction.atomic
    def run(self):
        self.load_economies()
        self.load_officers()
        self.load_organizations()
        self.load_guides()
        self.load_meetings()
        self.load_issue()
        return self

    def _tally(self, label):
        tally = Tally(label)
        self.tallies.append(tally)
        return tally

    def _seeded_already(self, model, rows, tally):
        """True (and every row counted as kept) if `model` has rows already."""
        if not model.objects.exists():
            return False
        tally.kept = len(rows)
        for _ in rows:
            self.tick()
        return True

    def load_economies(self):
        tally = self._tally("Member economies")
        if self._seeded_already(MemberEconomy, network.ECONOMIES, tally):
            return
        for name, sort_name, joined_on in network.ECONOMIES:
            is_eu = name == network.EUROPEAN_UNION
            MemberEconomy.objects.create(
                name=name,
                sort_name=sort_name,
                joined_on=joined_on,
                is_european_union=is_eu,
                eu_member_states=network.EU_MEMBER_STATES if is_eu else None,
            )
            tally.count(created=True)
            self.tick()

    def load_officers(self):
        tally = self._tally("Coordinators and chairs")
        if self._seeded_already(GroupOfficer, network.OFFICERS, tally):
            return
        for name, role, economy_name, term_start, term_end in network.OFFICERS:
            economy = MemberEconomy.objects.filter(name=economy_name).first()
            if economy is None:  # renamed or removed by staff: leave officers to them
                tally.kept += 1
                self.tick()
                continue
            GroupOfficer.objects.create(
                name=name, role=role, economy=economy, term_start=term_start, term_end=term_end
            )
            tally.count(created=True)
            self.tick()

    def load_organizations(self):
        tally = self._tally("Network organizations")
        if self._seeded_already(NetworkOrganization, network.ORGANIZATIONS, tally):
            return
        for position, (name, acronym, kind, website) in enumerate(network.ORGANIZATIONS, 1):
            NetworkOrganization.objects.create(
                name=name,
                acronym=acronym,
                kind=kind,
                website=website,
                joined_on=network.NETWORK_LAUNCHED_ON,
                display_order=position,
            )
            tally.count(created=True)
            self.tick()

    def load_guides(self):
        topic_tally = self._tally("Guide topics")
        guide_tally = self._tally("Guides")
        if Guide.objects.exists() or Topic.objects.exists():
            # Guides need their topics: the two are seeded together or not at all.
            topic_tally.kept, guide_tally.kept = len(guides.TOPICS), len(guides.GUIDES)
            for _ in range(len(guides.TOPICS) + len(guides.GUIDES)):
                self.tick()
            return
        topics = {}
        for name, slug in guides.TOPICS:
            topics[slug] = Topic.objects.create(name=name, slug=slug)
            topic_tally.count(created=True)
            self.tick()
        for title, audience, topic, url in guides.GUIDES:
            Guide.objects.create(
                title=title,
                audience=audience,
                topic=topics[topic],
                url=url,
                added_on=guides.ADDED_ON,
            )
            guide_tally.count(created=True)
            self.tick()

    def load_meetings(self):
        tally = self._tally("Meetings and events")
        if self._seeded_already(Meeting, summer_2022.MEETINGS, tally):
            return
        for kind, day, title, recording_url in summer_2022.MEETINGS:
            Meeting.objects.create(date=day, title=title, kind=kind, recording_url=recording_url)
            tally.count(created=True)
            self.tick()

    def load_issue(self):
        data = summer_2022.ISSUE
        existing = Issue.objects.filter(slug=data["slug"]).first()
        if existing and not self.reset:
            self.issue_outcome = "kept"
            for _ in _walk(summer_2022.SECTIONS):
                self.tick()
            return
        if existing:
            existing.delete()
        issue = Issue(**data)
        issue.full_clean()
        issue.save()
        issue.featured_guides.set(
            guide
            for title, audience, _, _ in guides.GUIDES
            if (guide := Guide.objects.filter(title=title, audience=audience).first())
        )
        issue.featured_organizations.set(
            NetworkOrganization.objects.filter(name__in=[row[0] for row in network.ORGANIZATIONS])
        )
        self._order = 0
        self._create_sections(issue, summer_2022.SECTIONS, parent=None)
        self.issue_outcome = "recreated" if existing else "created"

    def _create_sections(self, issue, rows, parent):
        for row in rows:
            self._order += 10
            economy = row.get("signatory_economy")
            section = Section(
                issue=issue,
                parent=parent,
                order=self._order,
                kind=row.get("kind", "article"),
                number=row.get("number"),
                title=row["title"],
                anchor=row["anchor"],
                body=row.get("body", ""),
                box_style=row.get("box_style", "plain"),
                listing=row.get("listing", ""),
                signatory_name=row.get("signatory_name", ""),
                signatory_title=row.get("signatory_title", ""),
                signatory_economy=MemberEconomy.objects.filter(name=economy).first(),
                interviewee_name=row.get("interviewee_name", ""),
                interviewee_organization=row.get("interviewee_organization", ""),
                interviewee_bio=row.get("interviewee_bio", ""),
            )
            section.full_clean()
            section.save()
            Question.objects.bulk_create(
                Question(section=section, order=position, question=question, answer=answer)
                for position, (question, answer) in enumerate(row.get("questions", []), 1)
            )
            SectionLink.objects.bulk_create(
                SectionLink(section=section, order=position, label=label, url=url)
                for position, (label, url) in enumerate(row.get("links", []), 1)
            )
            self.tick()
            self._create_sections(issue, row.get("children", []), parent=section)
