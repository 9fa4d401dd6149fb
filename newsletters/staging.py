"""Changes to a live issue that wait for a Publisher's approval.

An Editor's save of a published issue runs as any save does, inside a
transaction that is then rolled back: what it would have written is kept,
serialized, in a `PendingChange` (newsletters/models/pending_changes.py),
and the public keeps seeing the live issue. Approving writes that state to
the issue's rows; rejecting or withdrawing writes nothing. The admin's
issue page (newsletters/admin/issue_admin.py) and the approval page
(newsletters/admin/pending_change_admin.py) are the clients.
"""

from collections import defaultdict

import reversion
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletters.models import (
    Issue,
    IssueStatus,
    PendingChange,
    PendingChangeStatus,
    Question,
    Section,
    SectionLink,
)
from newsletters.permissions import can_publish

CHILD_MODELS = {
    Section._meta.label_lower: Section,
    Question._meta.label_lower: Question,
    SectionLink._meta.label_lower: SectionLink,
}


def is_staged_for(user, issue):
    """Whether `user`'s changes to `issue` wait for approval: an Editor's
    changes to a published issue do. A Publisher's are published at once."""
    return (
        issue is not None
        and issue.pk is not None
        and issue.status == IssueStatus.PUBLISHED
        and not can_publish(user)
    )


def issue_rows(issue):
    """The issue and every row it is made of, in the order they are written."""
    return [
        issue,
        *Section.objects.filter(issue=issue).order_by("order", "pk"),
        *Question.objects.filter(section__issue=issue).order_by("section", "order", "pk"),
        *SectionLink.objects.filter(section__issue=issue).order_by("section", "order", "pk"),
    ]


def serialize_issue(issue):
    return serializers.serialize("json", issue_rows(issue))


def existing_keys(issue):
    return {
        label: list(model.objects.filter(**issue_filter(model, issue)).values_list("pk", flat=True))
        for label, model in CHILD_MODELS.items()
    }


def issue_filter(model, issue):
    return {"issue": issue} if model is Section else {"section__issue": issue}


def propose(request, issue, save):
    """Runs `save()` (the admin's own save of `issue`), records what it
    wrote as a pending change by `request.user`, and undoes it. Returns
    `save()`'s answer and the PendingChange, or None when nothing was saved
    (the form had errors)."""
    before = existing_keys(issue)
    request.staged_state = None
    with transaction.atomic():
        response = save()
        state = request.staged_state
        # Nothing of the save reaches the live rows, nor its revision.
        transaction.set_rollback(True)
    if state is None:
        return response, None
    change = PendingChange.objects.create(
        issue=issue, proposed_by=request.user, serialized_objects=state, existing_keys=before
    )
    return response, change


def write_state(issue, serialized_objects, existing):
    """Make `issue`'s rows what `serialized_objects` says: update the rows
    that existed when it was recorded, create the others afresh (their keys
    were given by a transaction that was rolled back, and may since belong
    to other rows), delete the rows it does not have."""
    rows = defaultdict(list)
    for row in serializers.deserialize("json", serialized_objects, ignorenonexistent=True):
        rows[row.object._meta.label_lower].append(row)
    (proposed,) = rows[Issue._meta.label_lower]
    proposed.object.pk = issue.pk
    # The status is the live one: a change proposes content, not publication.
    proposed.object.status = issue.status
    # The model's own save(), not the deserializer's raw one: it stamps the
    # change time and keeps the former addresses.
    proposed.object.save()
    for name, values in proposed.m2m_data.items():
        getattr(proposed.object, name).set(values)

    new_keys = {}
    for label, model in CHILD_MODELS.items():
        live = set(model.objects.filter(**issue_filter(model, issue)).values_list("pk", flat=True))
        kept = set()
        old = set(existing.get(label, []))
        # Top-level sections first: the others point to them.
        ordered = sorted(rows[label], key=lambda row: getattr(row.object, "parent_id", None) or 0)
        for row in ordered:
            instance = row.object
            key = instance.pk
            if not (key in old and key in live):
                instance.pk = None
                instance._state.adding = True
            if model is Section:
                instance.issue_id = issue.pk
                if instance.parent_id is not None:
                    instance.parent_id = new_keys.get((label, instance.parent_id))
            else:
                section_label = Section._meta.label_lower
                instance.section_id = new_keys.get((section_label, instance.section_id))
                if instance.section_id is None:
                    continue
            instance.save()
            new_keys[(label, key)] = instance.pk
            kept.add(instance.pk)
        model.objects.filter(pk__in=live - kept).delete()
    return issue


def approve(change, user):
    """Publish `change`: write its state, if the issue then still passes the
    publication rules. Raises ValidationError with the problems otherwise."""
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=change.issue_id)
        with reversion.create_revision():
            write_state(issue, change.serialized_objects, change.existing_keys)
            issue.refresh_from_db()
            if issue.status == IssueStatus.PUBLISHED:
                problems = issue.publication_problems()
                if problems:
                    raise ValidationError(problems)
            reversion.set_user(user)
            proposer = change.proposed_by.get_username() if change.proposed_by else "—"
            reversion.set_comment(_("Approved a change proposed by %(user)s.") % {"user": proposer})
        decide(change, user, PendingChangeStatus.APPROVED)
    return issue


def decide(change, user, status, note=""):
    change.status = status
    change.decided_by = user
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def with_change_applied(change, use):
    """`use(issue)` on the issue as `change` would leave it, all undone
    afterwards (the approval page's preview and comparison)."""
    with transaction.atomic():
        issue = Issue.objects.get(pk=change.issue_id)
        write_state(issue, change.serialized_objects, change.existing_keys)
        issue.refresh_from_db()
        result = use(issue)
        transaction.set_rollback(True)
    return result
