"""What drops which stored issue pages (newsletters/issue_documents.py).

Each receiver drops only the pages an edit concerns: a section, question or
link, its issue's; an issue, its own and those of the issues beside it; a
guide or organization, the pages that list it; a member economy or officer,
the pages with the members' list as of a day on or after the earliest date
the row has or had; a meeting, the pages whose meeting lists reach its old
or new date; a PDF edition, its issue's. Dropping raises the issue's
generation, in the edit's transaction. An edit made through the admin then
makes the pages again before it commits (`issue_documents.make_again()`):
readers see the new content and its page in one commit.
Design: docs/architecture.md, "Stored issue pages".
"""

import datetime

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from guides.models import Guide
from msme_portal import before_commit
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization
from newsletters import issue_documents, issue_page
from newsletters.models import (
    Issue,
    IssueDocument,
    IssuePageGeneration,
    Meeting,
    PdfEdition,
    Question,
    Section,
    SectionLink,
)


def drop(issue_ids):
    """Make the stored pages of `issue_ids` stale by raising their generation
    (every issue has its row from its creation on: nothing is inserted
    here, which could stop an issue being deleted). They are kept, to be
    served while one request makes them again."""
    issue_ids = {pk for pk in issue_ids if pk is not None}
    if not issue_ids:
        return
    IssuePageGeneration.objects.filter(issue_id__in=issue_ids).update(number=F("number") + 1)
    # An edit through the admin makes them again before it commits.
    before_commit.gather("issue pages", issue_ids, issue_documents.make_again)


def issues_showing(test):
    """The issues whose stored pages pass `test(shows, as_of)`."""
    return {
        issue_id
        for issue_id, shows, as_of in IssueDocument.objects.values_list(
            "issue_id", "shows", "as_of"
        )
        if test(shows, as_of)
    }


def on_issue_change(sender, instance, created=False, **kwargs):
    """The issue itself, the pages whose pager links to it, and the issues
    beside it in publication order (their pager may now link to it)."""
    if created:
        IssuePageGeneration.objects.get_or_create(issue=instance)
    affected = {instance.pk} | issues_showing(lambda shows, _: instance.pk in shows["neighbours"])
    if instance.published_at is not None:
        others = list(
            Issue.objects.published().exclude(pk=instance.pk).values_list("published_at", "pk")
        )
        earlier = [row for row in others if row[0] < instance.published_at]
        later = [row for row in others if row[0] > instance.published_at]
        for beside in (max(earlier, default=None), min(later, default=None)):
            if beside is not None:
                affected.add(beside[1])
    drop(affected)


def on_section_change(sender, instance, **kwargs):
    drop({instance.issue_id})


def on_section_part_change(sender, instance, **kwargs):
    drop(set(Section.objects.filter(pk=instance.section_id).values_list("issue_id", flat=True)))


def on_pdf_edition_change(sender, instance, **kwargs):
    drop({instance.issue_id})


def on_listed_change(key):
    def receiver(sender, instance, **kwargs):
        drop(issues_showing(lambda shows, _: instance.pk in shows[key]))

    return receiver


def on_featured_change(key):
    """A guide or organization added to or taken from an issue's list."""

    def receiver(sender, instance, action, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if isinstance(instance, Issue):
            drop({instance.pk})
        else:  # From the guide's or organization's side: pk_set holds issues.
            drop(set(pk_set or ()) | issues_showing(lambda shows, _: instance.pk in shows[key]))

    return receiver


def remember_dates(*names):
    """pre_save: the dates the row had, for the post_save receiver."""

    def receiver(sender, instance, **kwargs):
        old = sender.objects.filter(pk=instance.pk).values(*names).first() if instance.pk else None
        instance._dates_before_save = old

    return receiver


def dates_had(instance, *names):
    """[(start, end) before the save, if it existed; (start, end) now]."""
    before = getattr(instance, "_dates_before_save", None)
    now = tuple(getattr(instance, name) for name in names)
    return [tuple(before[name] for name in names), now] if before else [now]


def on_register_change(start, end):
    """A member economy or an officer: the pages with the members' list as
    of a day on or after the earliest date the row has or had (a row with no
    start date counts from the beginning), and for an economy the pages
    whose coordinator signs for it."""

    def receiver(sender, instance, **kwargs):
        periods = dates_had(instance, start, end)
        if any(period[0] is None for period in periods):
            earliest = datetime.date.min
        else:
            earliest = min(day for period in periods for day in period if day is not None)
        affected = issues_showing(lambda shows, as_of: shows["members"] and as_of >= earliest)
        if sender is MemberEconomy:
            affected |= issues_showing(lambda shows, _: instance.pk in shows["economies"])
        drop(affected)

    return receiver


def on_meeting_change(sender, instance, **kwargs):
    """The pages whose meeting lists reach the meeting's old or new date:
    the year after their date, and half a year back for past events."""
    days = [day for (day,) in dates_had(instance, "date")]

    def reaches(shows, as_of):
        return shows["meetings"] and any(
            as_of - issue_page.PAST_EVENTS_REACH <= day < as_of + issue_page.UPCOMING_REACH
            for day in days
        )

    drop(issues_showing(reaches))


def connect():
    """From NewslettersConfig.ready(). The receivers run inside the editing
    transaction; a page rendered meanwhile from the old content carries the
    old generation and is not served."""

    def on_save_and_delete(model, receiver, uid):
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")

    on_save_and_delete(Issue, on_issue_change, "documents-issue")
    on_save_and_delete(Section, on_section_change, "documents-section")
    on_save_and_delete(Question, on_section_part_change, "documents-question")
    on_save_and_delete(SectionLink, on_section_part_change, "documents-link")
    on_save_and_delete(PdfEdition, on_pdf_edition_change, "documents-pdf")
    on_save_and_delete(Guide, on_listed_change("guides"), "documents-guide")
    on_save_and_delete(NetworkOrganization, on_listed_change("organizations"), "documents-org")
    on_save_and_delete(MemberEconomy, on_register_change("joined_on", "left_on"), "documents-eco")
    on_save_and_delete(
        GroupOfficer, on_register_change("term_start", "term_end"), "documents-officer"
    )
    on_save_and_delete(Meeting, on_meeting_change, "documents-meeting")
    for model, names in [
        (MemberEconomy, ("joined_on", "left_on")),
        (GroupOfficer, ("term_start", "term_end")),
        (Meeting, ("date",)),
    ]:
        pre_save.connect(
            remember_dates(*names),
            sender=model,
            weak=False,
            dispatch_uid=f"documents-{model.__name__}-before",
        )
    for through, key in [
        (Issue.featured_guides.through, "guides"),
        (Issue.featured_organizations.through, "organizations"),
    ]:
        m2m_changed.connect(
            on_featured_change(key),
            sender=through,
            weak=False,
            dispatch_uid=f"documents-{through.__name__}",
        )
