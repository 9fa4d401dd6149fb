"""The panels of the admin's home page (templates/admin/index.html).

`{% admin_home_panels as panels %}` gives what secretariat staff most need
first: the drafts in progress, the scheduled issues, the last send and its
progress, and the changes awaiting approval. A panel is None for a user who
may not open what it links to, so the template leaves it out. Each panel is
one query whatever the number of rows, and the send's progress is the sends
list's own (newsletters/admin/send_admin.py).
"""

from dataclasses import dataclass

from django import template
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from newsletters.models import Issue, IssueSend, IssueStatus, PendingChange
from newsletters.permissions import can_publish

register = template.Library()

# Rows per list: the full lists are one link away.
PANEL_ROWS = 5


@dataclass
class Row:
    """One object of a panel, with the admin page it links to ("" for none)."""

    obj: object
    url: str = ""


@dataclass
class SendPanel:
    """The newest send (None before the first), its counts and progress."""

    send: IssueSend | None
    url: str = ""
    progress: str = ""
    waiting: int = 0
    sends_url: str = ""


@dataclass
class Panels:
    """Each list is None when the user may not see it, and may be empty."""

    drafts: list | None = None
    drafts_url: str = ""
    scheduled: list | None = None
    last_send: SendPanel | None = None
    pending_changes: list | None = None
    pending_changes_url: str = ""

    @property
    def shown(self):
        """Whether the user may see any panel at all."""
        panels = [self.drafts, self.scheduled, self.last_send, self.pending_changes]
        return any(panel is not None for panel in panels)


def model_admin(model):
    try:
        return admin.site.get_model_admin(model)
    except NotRegistered:
        return None


def admin_url(request, model, view, *args):
    """The admin page `view` ("change", "changelist") of `model`, or "" when
    the page does not exist or the user may not open it."""
    model_admin_ = model_admin(model)
    if model_admin_ is None or not model_admin_.has_view_or_change_permission(request):
        return ""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return ""


def issue_rows(request, issues):
    return [Row(issue, admin_url(request, Issue, "change", issue.pk)) for issue in issues]


def send_panel(request):
    send_admin = model_admin(IssueSend)
    # Ordered here: a query that counts (GROUP BY) leaves Meta.ordering out.
    sends = IssueSend.objects.with_counts().select_related("issue")
    send = sends.order_by("-started_at", "-pk").first()
    if send is None:
        return SendPanel(None, sends_url=admin_url(request, IssueSend, "changelist"))
    return SendPanel(
        send,
        url=admin_url(request, IssueSend, "change", send.pk),
        # The figures of the sends list and the progress page.
        progress=send_admin.progress(send),
        waiting=send_admin.pending(send),
        sends_url=admin_url(request, IssueSend, "changelist"),
    )


def may_see_pending_changes(user):
    return user.has_perm("newsletters.view_pendingchange") or can_publish(user)


def pending_change_rows(request):
    changes = (
        PendingChange.objects.waiting()
        .select_related("issue", "proposed_by")
        # The proposed issue, serialized, is not shown here and can be long.
        .defer("serialized_objects", "existing_keys")
        # The change that has waited longest first.
        .order_by("proposed_at", "pk")[:PANEL_ROWS]
    )
    return [
        Row(change, admin_url(request, PendingChange, "change", change.pk)) for change in changes
    ]


@register.simple_tag(takes_context=True)
def admin_home_panels(context):
    """The home page's panels for the signed-in user."""
    request = context["request"]
    panels = Panels()
    issue_admin = model_admin(Issue)
    if issue_admin is not None and issue_admin.has_view_or_change_permission(request):
        drafts = Issue.objects.filter(status=IssueStatus.DRAFT).order_by("-updated_at", "-pk")
        panels.drafts = issue_rows(request, drafts[:PANEL_ROWS])
        panels.drafts_url = (
            admin_url(request, Issue, "changelist")
            + "?"
            + urlencode({"status__exact": IssueStatus.DRAFT})
        )
        # Issue.is_scheduled, as a query.
        scheduled = Issue.objects.filter(
            status=IssueStatus.PUBLISHED, published_at__gt=timezone.now()
        ).order_by("published_at", "pk")
        panels.scheduled = issue_rows(request, scheduled[:PANEL_ROWS])
    send_admin = model_admin(IssueSend)
    if send_admin is not None and send_admin.has_view_permission(request):
        panels.last_send = send_panel(request)
    if may_see_pending_changes(request.user):
        panels.pending_changes = pending_change_rows(request)
        panels.pending_changes_url = admin_url(request, PendingChange, "changelist")
    return panels
