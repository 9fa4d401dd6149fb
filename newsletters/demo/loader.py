"""Write the built-in content to the database, as often as asked.

Each register (member economies, officers, Network organizations, guides
with their topics, meetings) is seeded only while it is empty: once it has
rows it is the Secretariat's, and matching the demo's rows by name would
bring back anything staff renamed (say "Turkey" to "Türkiye") beside its new
name. The demo issue is created when its slug is free; once it exists it is
the Secretariat's to edit and is kept as it is, unless `reset` asks for it to
be deleted and created again from the files (read by `content`).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from guides.models import Guide, Topic
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters.models import Issue, Meeting, Question, Section, SectionLink

from . import content
from .content import DemoDataError


def _validate(instance, where):
    """full_clean(), its complaints told as a fault of the data file."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DemoDataError(f"{where}: {' '.join(error.messages)}") from None


def _save(instance, where):
    _validate(instance, where)
    instance.save()
    return instance


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


def total_steps():
    """How many rows the load visits, for a progress bar."""
    return (
        len(content.read_economies())
        + len(content.read_officers())
        + len(content.read_organizations())
        + len(content.read_topics())
        + len(content.read_guides())
        + len(content.read_meetings())
        + len(content.read_sections())
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
        rows = content.read_economies()
        if self._seeded_already(MemberEconomy, rows, tally):
            return
        for line, row in enumerate(rows, 2):
            economy = MemberEconomy(
                name=row["name"],
                sort_name=row["sort_name"],
                joined_on=row["joined_on"],
                # Only the European Union counts as several member States.
                is_european_union=row["eu_member_states"] is not None,
                eu_member_states=row["eu_member_states"],
            )
            _save(economy, f"registers/economies.csv, line {line}")
            tally.count(created=True)
            self.tick()

    def load_officers(self):
        tally = self._tally("Coordinators and chairs")
        rows = content.read_officers()
        if self._seeded_already(GroupOfficer, rows, tally):
            return
        for line, row in enumerate(rows, 2):
            economy = MemberEconomy.objects.filter(name=row["economy"]).first()
            if economy is None:  # renamed or removed by staff: leave officers to them
                tally.kept += 1
                self.tick()
                continue
            officer = GroupOfficer(
                name=row["name"],
                role=row["role"],
                economy=economy,
                term_start=row["term_start"],
                term_end=row["term_end"],
            )
            _save(officer, f"registers/officers.csv, line {line}")
            tally.count(created=True)
            self.tick()

    def load_organizations(self):
        tally = self._tally("Network organizations")
        rows = content.read_organizations()
        if self._seeded_already(NetworkOrganization, rows, tally):
            return
        # The file lists them in the printed order, which the site keeps.
        for position, row in enumerate(rows, 1):
            organization = NetworkOrganization(
                name=row["name"],
                acronym=row["acronym"],
                kind=row["kind"],
                website=row["website"],
                joined_on=row["joined_on"],
                display_order=position,
            )
            _save(organization, f"registers/organizations.csv, line {position + 1}")
            tally.count(created=True)
            self.tick()

    def load_guides(self):
        topic_tally = self._tally("Guide topics")
        guide_tally = self._tally("Guides")
        topic_rows, guide_rows = content.read_topics(), content.read_guides()
        if Guide.objects.exists() or Topic.objects.exists():
            # Guides need their topics: the two are seeded together or not at all.
            topic_tally.kept, guide_tally.kept = len(topic_rows), len(guide_rows)
            for _ in range(len(topic_rows) + len(guide_rows)):
                self.tick()
            return
        topics = {}
        for line, row in enumerate(topic_rows, 2):
            topic = Topic(name=row["name"], slug=row["slug"])
            topics[row["slug"]] = _save(topic, f"registers/topics.csv, line {line}")
            topic_tally.count(created=True)
            self.tick()
        for line, row in enumerate(guide_rows, 2):
            where = f"registers/guides.csv, line {line}"
            if row["topic"] not in topics:
                raise DemoDataError(
                    f"{where}: topic {row['topic']!r} is not in registers/topics.csv."
                )
            guide = Guide(
                title=row["title"],
                audience=row["audience"],
                topic=topics[row["topic"]],
                url=row["url"],
                added_on=row["added_on"],
            )
            _save(guide, where)
            guide_tally.count(created=True)
            self.tick()

    def load_meetings(self):
        tally = self._tally("Meetings and events")
        rows = content.read_meetings()
        if self._seeded_already(Meeting, rows, tally):
            return
        for line, row in enumerate(rows, 2):
            meeting = Meeting(
                date=row["date"],
                title=row["title"],
                kind=row["kind"],
                recording_url=row["recording_url"],
            )
            _save(meeting, f"registers/meetings.csv, line {line}")
            tally.count(created=True)
            self.tick()

    def load_issue(self):
        data = content.read_issue()
        sections = content.read_sections()
        existing = Issue.objects.filter(slug=data["slug"]).first()
        if existing and not self.reset:
            self.issue_outcome = "kept"
            for _ in sections:
                self.tick()
            return
        if existing:
            existing.delete()
        try:
            issue = Issue(**data)
        except TypeError as error:  # a key that is no field of Issue
            raise DemoDataError(f"issue.toml, [issue]: {error}") from None
        _validate(issue, "issue.toml, [issue]")
        issue.save()
        # The issue announces every guide and organization of the register
        # files: those still there under the same names.
        issue.featured_guides.set(
            guide
            for row in content.read_guides()
            if (guide := Guide.objects.filter(title=row["title"], audience=row["audience"]).first())
        )
        issue.featured_organizations.set(
            NetworkOrganization.objects.filter(
                name__in=[row["name"] for row in content.read_organizations()]
            )
        )
        self._create_sections(issue, sections)
        self.issue_outcome = "recreated" if existing else "created"

    def _create_sections(self, issue, rows):
        created = {}  # anchor: section, to find each section's parent
        for order, row in enumerate(rows, 1):
            parent_anchor = row.get("parent")
            if parent_anchor and parent_anchor not in created:
                raise DemoDataError(
                    f"issue.toml, section {row['anchor']!r}: its parent {parent_anchor!r} "
                    "must be a section listed before it."
                )
            economy = row.get("signatory_economy")
            section = Section(
                issue=issue,
                parent=created.get(parent_anchor),
                order=order * 10,
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
            _validate(section, f"issue.toml, section {section.anchor!r}")
            section.save()
            created[section.anchor] = section
            Question.objects.bulk_create(
                Question(section=section, order=position, question=question, answer=answer)
                for position, (question, answer) in enumerate(row["questions"], 1)
            )
            SectionLink.objects.bulk_create(
                SectionLink(section=section, order=position, label=label, url=url)
                for position, (label, url) in enumerate(row["links"], 1)
            )
            self.tick()
