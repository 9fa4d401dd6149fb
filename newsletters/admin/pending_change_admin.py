"""Changes to live issues waiting for a Publisher (newsletters/staging.py):
the list, and one change's page with what it changes, a preview of the
issue with it, and the Publisher's approve and reject buttons. Its author
may withdraw it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from msme_portal import before_commit
from newsletters import issue_page, revision_diff, staging
from newsletters.models import PendingChange, PendingChangeStatus
from newsletters.permissions import can_publish


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ["issue", "status", "proposed_by", "proposed_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["issue", "proposed_by", "decided_by"]
    ordering = ["-proposed_at"]

    def has_add_permission(self, request):
        return False  # proposed by saving a live issue

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who proposed and who decided is kept

    def get_urls(self):
        def view(method):
            return self.admin_site.admin_view(method)

        return [
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="newsletters_pendingchange_preview",
            ),
            path(
                "<int:object_id>/decide/",
                view(self.decide_view),
                name="newsletters_pendingchange_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = get_object_or_404(PendingChange.objects.select_related("issue"), pk=object_id)
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        live = revision_diff.rows_from_json(staging.serialize_issue(change.issue))
        proposed = revision_diff.rows_from_json(change.serialized_objects)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": change,
            "title": str(change),
            "changes": revision_diff.compare(live, proposed),
            "is_waiting": change.status == PendingChangeStatus.PENDING,
            "may_decide": can_publish(request.user),
            "may_withdraw": change.proposed_by_id == request.user.pk,
            # Changed since it was proposed: approving also undoes those edits.
            "live_changed_since": change.issue.updated_at > change.proposed_at,
        }
        return TemplateResponse(request, "admin/newsletters/pendingchange/change.html", context)

    def preview_view(self, request, object_id):
        """The issue page as the change would make it, changing nothing."""
        change = get_object_or_404(PendingChange, pk=object_id)
        if not self.has_view_permission(request, change):
            raise PermissionDenied

        def render(issue):
            response = issue_page.page_response(
                request, issue_page.build_page(issue, is_preview=True)
            )
            response.context_data["preview_actions"] = {
                "edit_url": reverse("admin:newsletters_pendingchange_change", args=[change.pk]),
                "publish_url": "",
            }
            return response.render()

        response = staging.with_change_applied(change, render)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def decide_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = get_object_or_404(PendingChange.objects.select_related("issue"), pk=object_id)
        here = reverse("admin:newsletters_pendingchange_change", args=[change.pk])
        if change.status != PendingChangeStatus.PENDING:
            messages.warning(request, _("This change was already decided."))
            return HttpResponseRedirect(here)
        decision = request.POST.get("decision")
        if decision == "withdraw" and change.proposed_by_id == request.user.pk:
            staging.decide(change, request.user, PendingChangeStatus.WITHDRAWN)
            messages.success(request, _("You withdrew the change. The issue is as it was."))
            return HttpResponseRedirect(here)
        if not can_publish(request.user) or decision not in {"approve", "reject"}:
            raise PermissionDenied
        note = request.POST.get("note", "")[:2000]
        if decision == "reject":
            staging.decide(change, request.user, PendingChangeStatus.REJECTED, note)
            messages.success(request, _("The change was rejected. The public page is unchanged."))
            return HttpResponseRedirect(here)
        try:
            # The stored pages the change drops are made again before it commits.
            with before_commit.scope():
                issue = staging.approve(change, request.user)
        except ValidationError as refusal:
            messages.error(
                request,
                _("The change was not approved: %(problems)s.")
                % {"problems": "; ".join(refusal.messages)},
            )
            return HttpResponseRedirect(here)
        messages.success(
            request, _("The change is published: “%(issue)s” shows it now.") % {"issue": issue}
        )
        return HttpResponseRedirect(here)
