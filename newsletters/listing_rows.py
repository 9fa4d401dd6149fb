"""The rows of the lists an issue page shows from the registers and the
calendar: meetings, guides, organizations, members and officers, read as
values as newsletters/issue_rows.py reads the page's own sections, with the
same helpers, through queries compiled once per language and process."""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from django.utils.encoding import force_str

from guides.models import Guide
from msme_portal.compiled_queries import CompiledValues
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters.issue_rows import EconomyName, Row, shown_texts, text_columns, untranslated
from newsletters.models import Meeting

ROLE_LABELS = dict(GroupOfficer._meta.get_field("role").flatchoices)


@dataclass(eq=False, slots=True)
class MeetingRow(Row):
    model: ClassVar = Meeting
    pk: int
    date: date
    link: str
    recording_url: str
    title: str
    description: str

    def __str__(self):
        return f"{self.date:%d %B %Y}: {self.title}"


def _meeting_values(language, start, until, since):
    scheduled = Meeting.objects.scheduled()
    upcoming = scheduled.upcoming(start).filter(date__lt=until)
    return untranslated(upcoming | scheduled.past_events(start, since)).values_list(
        "pk", "date", "link", "recording_url", *text_columns(["title", "description"], language)
    )


MEETING_VALUES = CompiledValues(_meeting_values)


def meetings(language, start, until, since):
    """In one query, the meetings and events from `start` to before `until`,
    soonest first, then the events from `since` to before `start`. Cancelled
    ones are neither to come nor held."""
    return [
        MeetingRow(pk, day, link, recording_url, *shown_texts(texts, language))
        for pk, day, link, recording_url, *texts in MEETING_VALUES.rows(
            language, start, until, since
        )
    ]


@dataclass(eq=False, slots=True)
class GuideRow(Row):
    model: ClassVar = Guide
    pk: int
    audience: str
    url: str
    title: str

    def __str__(self):
        return self.title


GUIDE_VALUES = CompiledValues(
    lambda language, issue_id: untranslated(
        Guide.objects.filter(issues=issue_id).order_by("audience", "title")
    ).values_list("pk", "audience", "url", *text_columns(["title"], language))
)


def guides(language, issue_id):
    """The guides the issue features. Neither the page nor the email shows
    a guide's topic."""
    return [
        GuideRow(pk, audience, url, *shown_texts(titles, language))
        for pk, audience, url, *titles in GUIDE_VALUES.rows(language, issue_id)
    ]


@dataclass(eq=False, slots=True)
class OrganizationRow(Row):
    model: ClassVar = NetworkOrganization
    pk: int
    website: str
    name: str
    acronym: str

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


ORGANIZATION_VALUES = CompiledValues(
    lambda language, issue_id: untranslated(
        NetworkOrganization.objects.filter(issues=issue_id).order_by("display_order", "name")
    ).values_list("pk", "website", *text_columns(["name", "acronym"], language))
)


def organizations(language, issue_id):
    """The Network's organizations the issue features."""
    return [
        OrganizationRow(pk, website, *shown_texts(texts, language))
        for pk, website, *texts in ORGANIZATION_VALUES.rows(language, issue_id)
    ]


@dataclass(eq=False, slots=True)
class MemberRow(Row):
    model: ClassVar = MemberEconomy
    pk: int
    counts_as: int  # WTO Members: the European Union counts as its member States
    name: str

    def __str__(self):
        return self.name


MEMBER_VALUES = CompiledValues(
    lambda language, day: untranslated(MemberEconomy.objects.as_of(day)).values_list(
        "pk", "is_european_union", "eu_member_states", *text_columns(["name"], language)
    )
)


def members(language, day):
    """The register as it stood on `day`: MemberEconomy.objects.as_of(day)."""
    return [
        MemberRow(pk, eu_member_states if is_european_union else 1, *shown_texts(names, language))
        for pk, is_european_union, eu_member_states, *names in MEMBER_VALUES.rows(language, day)
    ]


@dataclass(eq=False, slots=True)
class OfficerRow(Row):
    model: ClassVar = GroupOfficer
    pk: int
    name: str
    role: str
    term_start: date
    term_end: date | None
    economy: EconomyName

    def get_role_display(self):
        return force_str(ROLE_LABELS.get(self.role, self.role), strings_only=True)

    def is_in_office_on(self, day):
        """What GroupOfficer.is_in_office_on() says."""
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


OFFICER_VALUES = CompiledValues(
    lambda language, day: GroupOfficer.objects.filter(term_start__lte=day).values_list(
        "pk",
        "name",
        "role",
        "term_start",
        "term_end",
        "economy_id",
        *(f"economy__{column}" for column in text_columns(["name"], language)),
    )
)


def officers(language, day):
    """The officers whose terms began by `day` (GroupOfficer, not
    translated), with the names of their economies."""
    return [
        OfficerRow(
            pk,
            name,
            role,
            term_start,
            term_end,
            EconomyName(economy_id, *shown_texts(names, language)),
        )
        for pk, name, role, term_start, term_end, economy_id, *names in OFFICER_VALUES.rows(
            language, day
        )
    ]
