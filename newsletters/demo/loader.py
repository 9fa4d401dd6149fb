"""Write the built-in content to the database, as often as asked.

Each register (member economies, officers, Network organizations, guides
with their topics, meetings) is seeded only while it is empty: once it has
rows it is the Secretariat's, and matching the demo's rows by name would
bring back anything staff renamed (say "Turkey" to "Türkiye") beside its new
name. The demo issue is created when its slug is free; once it exists it is
the Secretariat's to edit and is kept as it is, unless `reset` asks for it to
be deleted and created again from the files (read by `content`).

French and Spanish values are seeded the same way, and also into rows that
exist already: a translation field is filled while it is empty and its row
still has the English text the translation was made from; one that holds
another text is a staff edit and is kept.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from guides.models import Guide, Topic
from msme_portal.richtext import RichTextField, sanitize_html
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters.editions import record_translations, translated_fields
from newsletters.models import Issue, Meeting, Question, Section, SectionLink
from newsletters.models.meetings import DEFAULT_TIME_ZONE

from . import content
from .content import LANGUAGES, DemoDataError


def _translations(row, *fields):
    """The French and Spanish values `row` has for `fields`, as field names of
    the model (`name_fr`...)."""
    return {
        f"{field}_{language}": row[f"{field}_{language}"]
        for field in fields
        for language in LANGUAGES
        if f"{field}_{language}" in row
    }


def _fill_missing(instance, values):
    """Set each of `values` the instance has empty; return the names set.
    A field that holds a value is left alone, the data's or a staff edit."""
    filled = [
        name
        for name, value in values.items()
        if value and not (getattr(instance, name) or "").strip()
    ]
    for name in filled:
        setattr(instance, name, values[name])
    return filled


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
    translated: int = 0  # kept rows given a translation they lacked

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

    def _seeded_already(self, model, rows, tally, key=None, fields=()):
        """True (and every row counted as kept) if `model` has rows already.

        Kept rows found under `key` ({lookup: column}, the English fields) get
        the translations of `fields` they lack; rows staff renamed are not
        found, so no translation of a name they replaced is added to them.
        """
        if not model.objects.exists():
            return False
        tally.kept = len(rows)
        for row in rows:
            if key:
                lookup = {field: row[column] for field, column in key.items()}
                instance = model.objects.filter(**lookup).first()
                filled = instance and _fill_missing(instance, _translations(row, *fields))
                if filled:
                    instance.save(update_fields=filled)
                    tally.translated += 1
            self.tick()
        return True

    def load_economies(self):
        tally = self._tally("Member economies")
        rows = content.read_economies()
        fields = ("name", "sort_name")
        key = {"name_en": "name"}
        if self._seeded_already(MemberEconomy, rows, tally, key, fields):
            return
        for line, row in enumerate(rows, 2):
            economy = MemberEconomy(
                name_en=row["name"],
                sort_name_en=row["sort_name"],
                **_translations(row, *fields),
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
        fields = ("name", "acronym")
        key = {"name_en": "name", "acronym_en": "acronym"}
        if self._seeded_already(NetworkOrganization, rows, tally, key, fields):
            return
        # The file lists them in the printed order, which the site keeps.
        for position, row in enumerate(rows, 1):
            organization = NetworkOrganization(
                name_en=row["name"],
                acronym_en=row["acronym"],
                **_translations(row, *fields),
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
            if not self._seeded_already(
                Topic, topic_rows, topic_tally, {"name_en": "name"}, ["name"]
            ):
                topic_tally.kept = len(topic_rows)
                for _ in topic_rows:
                    self.tick()
            guide_tally.kept = len(guide_rows)
            for _ in guide_rows:
                self.tick()
            return
        topics = {}
        for line, row in enumerate(topic_rows, 2):
            topic = Topic(name_en=row["name"], slug=row["slug"], **_translations(row, "name"))
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
                title_en=row["title"],
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
        key = {"date": "date", "kind": "kind", "title_en": "title"}
        if self._seeded_already(Meeting, rows, tally, key, ["title"]):
            return
        for line, row in enumerate(rows, 2):
            meeting = Meeting(
                kind=row["kind"],
                date=row["date"],
                start_time=row["start_time"],
                end_date=row["end_date"],
                end_time=row["end_time"],
                time_zone=row["time_zone"] or DEFAULT_TIME_ZONE,
                format=row["format"],
                title_en=row["title"],
                **_translations(row, "title"),
                place_en=row["place"],
                **_translations(row, "place"),
                documents="\n".join(row["documents"].split()),
                recording_url=row["recording_url"],
            )
            _save(meeting, f"registers/meetings.csv, line {line}")
            tally.count(created=True)
            self.tick()

    def load_issue(self):
        # No translation is loaded unless the files say who made it.
        content.read_translators()
        data = content.read_issue()
        sections = content.read_sections()
        existing = Issue.objects.filter(slug=data["slug"]).first()
        if existing and not self.reset:
            self.issue_outcome = "kept"
            self._translate_kept_issue(existing, data, sections)
            return
        if existing:
            existing.delete()
        try:
            issue = Issue(**_in_english(Issue, data))
        except TypeError as error:  # a key that is no field of Issue
            raise DemoDataError(f"issue.toml, [issue]: {error}") from None
        _validate(issue, "issue.toml, [issue]")
        issue.save()
        # The issue announces every guide and organization of the register
        # files: those still there under the same names.
        issue.featured_guides.set(
            guide
            for row in content.read_guides()
            if (
                guide := Guide.objects.filter(
                    title_en=row["title"], audience=row["audience"]
                ).first()
            )
        )
        issue.featured_organizations.set(
            NetworkOrganization.objects.filter(
                name_en__in=[row["name"] for row in content.read_organizations()]
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
                title_en=row["title"],
                anchor=row["anchor"],
                body_en=row.get("body", ""),
                box_style=row.get("box_style", "plain"),
                listing=row.get("listing", ""),
                signatory_name=row.get("signatory_name", ""),
                signatory_title_en=row.get("signatory_title", ""),
                signatory_economy=MemberEconomy.objects.filter(name_en=economy).first(),
                interviewee_name=row.get("interviewee_name", ""),
                interviewee_organization_en=row.get("interviewee_organization", ""),
                interviewee_bio_en=row.get("interviewee_bio", ""),
                **_translations(row, *translated_fields(Section)),
            )
            _validate(section, f"issue.toml, section {section.anchor!r}")
            section.save()
            created[section.anchor] = section
            Question.objects.bulk_create(
                Question(section=section, order=position, **_in_english(Question, question))
                for position, question in enumerate(row["questions"], 1)
            )
            SectionLink.objects.bulk_create(
                SectionLink(section=section, order=position, **_in_english(SectionLink, link))
                for position, link in enumerate(row["links"], 1)
            )
            # bulk_create() sends no signal: note what the translations,
            # questions and links included, now answer to.
            record_translations(section)
            self.tick()

    def _translate_kept_issue(self, issue, data, rows):
        """Give the kept issue, its sections, their questions and links, the
        translations they lack, where their English is still the data's."""
        _translate(issue, data)
        sections = {section.anchor: section for section in issue.sections.all()}
        for row in rows:
            section = sections.get(row["anchor"])
            if section is not None:
                _translate(section, row)
                for question in row["questions"]:
                    found = section.questions.filter(question_en=question["question"]).first()
                    _translate(found, question)
                for link in row["links"]:
                    found = section.links.filter(url=link["url"], label_en=link["label"]).first()
                    _translate(found, link)
            self.tick()


def _in_english(model, values):
    """`values` with each translated field named as its English field
    (`title` as `title_en`): the constructor would otherwise give it to the
    active language."""
    fields = translated_fields(model)
    return {f"{key}_en" if key in fields else key: value for key, value in values.items()}


def _as_stored(instance, field, value):
    """`value` as `instance`'s `field` keeps it: rich text is sanitized on save."""
    if isinstance(instance._meta.get_field(f"{field}_en"), RichTextField):
        return sanitize_html(value)
    return value


def _translate(instance, values):
    """Fill `instance`'s empty translations from `values` (a row of the data),
    each only while the instance's English is the row's."""
    if instance is None:  # removed or changed by staff: theirs to translate
        return
    translations = {}
    for name, value in _translations(values, *translated_fields(type(instance))).items():
        field = name.rsplit("_", 1)[0]
        if getattr(instance, f"{field}_en") == _as_stored(instance, field, values.get(field, "")):
            translations[name] = value
    filled = _fill_missing(instance, translations)
    if filled:
        # Sections note the translation's English source on save (editions).
        instance.save(update_fields=filled)
