"""Publishing from the issues list and from one issue's publish page: by the
publication rules (`Issue.publish()`), Publishers only, and asking before a
publication date in the past is kept."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msme_portal import before_commit
from newsletters.models import Issue, IssueStatus
from newsletters.permissions import can_publish


class IssuePublishingMixin:
    @admin.action(permissions=["publish"], description=_("Publish the selected issues"))
    def publish(self, request, queryset):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        issues = list(queryset)
        now = timezone.now()
        # A publication date in the past is published only once confirmed,
        # on the issue's own publish page.
        asking = [
            issue
            for issue in issues
            if issue.status != IssueStatus.PUBLISHED
            and issue.published_at is not None
            and issue.published_at < now
        ]
        if len(issues) == 1 and asking:
            return HttpResponseRedirect(
                reverse("admin:newsletters_issue_publish", args=[issues[0].pk])
            )
        for issue in asking:
            self.message_user(
                request,
                _(
                    "“%(issue)s” was not published: its publication date is in the past. "
                    "Publish it on its own to confirm the date."
                )
                % {"issue": issue},
                messages.WARNING,
            )
        published = sum(
            self.publish_one(request, issue, now) for issue in issues if issue not in asking
        )
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)d issue.", "Published %(count)d issues.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        return None

    def publish_one(self, request, issue, now):
        try:
            # The stored pages whose pager now names it are made again
            # before it commits.
            with before_commit.scope():
                issue.publish(now=now)
        except ValidationError as refusal:
            self.message_user(
                request,
                _("“%(issue)s” was not published: %(problems)s.")
                % {"issue": issue, "problems": "; ".join(refusal.messages)},
                messages.ERROR,
            )
            return False
        self.log_change(request, issue, _("Published."))
        return True

    @admin.action(permissions=["publish"], description=_("Unpublish the selected issues"))
    def unpublish(self, request, queryset):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        count = 0
        for issue in queryset.filter(status=IssueStatus.PUBLISHED):
            with before_commit.scope():
                issue.unpublish()
            self.log_change(request, issue, _("Unpublished."))
            count += 1
        self.message_user(
            request,
            ngettext(
                "Unpublished %(count)d issue; it is a draft again.",
                "Unpublished %(count)d issues; they are drafts again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def publish_view(self, request, object_id):
        """Publish one issue, asking first; a publication date in the past is
        kept only when the Publisher says so."""
        if not can_publish(request.user):
            raise PermissionDenied
        issue = get_object_or_404(Issue, pk=object_id)
        change_url = reverse("admin:newsletters_issue_change", args=[issue.pk])
        if issue.status == IssueStatus.PUBLISHED:
            self.message_user(request, _("“%(issue)s” is already published.") % {"issue": issue})
            return HttpResponseRedirect(change_url)
        now = timezone.now()
        date_in_past = issue.published_at is not None and issue.published_at < now
        if request.method == "POST":
            if request.POST.get("date") == "now" or (
                date_in_past and request.POST.get("date") != "keep"
            ):
                issue.published_at = None
            if self.publish_one(request, issue, now):
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("“%(issue)s” is published.") % {"issue": issue}
                        if issue.is_public
                        else _("“%(issue)s” is scheduled.") % {"issue": issue},
                        issue.get_absolute_url(),
                        _("View it on the site"),
                    ),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Publish “%(issue)s”") % {"issue": issue},
            "issue": issue,
            "date_in_past": date_in_past,
            "problems": [
                problem.message % (problem.params or {}) for problem in issue.publication_problems()
            ],
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/newsletters/issue/publish.html", context)
