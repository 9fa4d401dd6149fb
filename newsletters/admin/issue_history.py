"""An issue's History page: its versions (django-reversion), and what
changed between any two of them (newsletters/revision_diff.py)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from newsletters import revision_diff, staging
from newsletters.models import Issue


class IssueHistoryMixin:
    object_history_template = "admin/newsletters/issue/object_history.html"

    def get_urls(self):
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<int:object_id>/history/compare/", compare, name="newsletters_issue_compare"),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        context = {"versions": self.issue_versions(object_id), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def issue_versions(self, object_id):
        return list(
            Version.objects.get_for_object_reference(Issue, object_id)
            .select_related("revision__user")
            .order_by("-pk")
        )

    def compare_view(self, request, object_id):
        """The changes from version `from` to version `to` (or to the issue
        as it is now, when `to` is "current")."""
        issue = get_object_or_404(Issue, pk=object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        versions = {str(version.pk): version for version in self.issue_versions(object_id)}
        older = versions.get(request.GET.get("from", ""))
        newer_key = request.GET.get("to", "current")
        newer = versions.get(newer_key)
        problem = ""
        changes = []
        if older is None or (newer is None and newer_key != "current"):
            problem = _("Choose two versions of this issue to compare.")
        else:
            before = revision_diff.rows_from_versions(older.revision.version_set.all())
            if newer is None:
                after = revision_diff.rows_from_json(staging.serialize_issue(issue))
            else:
                after = revision_diff.rows_from_versions(newer.revision.version_set.all())
            changes = revision_diff.compare(before, after)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": issue,
            "title": _("Compare versions of “%(issue)s”") % {"issue": issue},
            "older": older,
            "newer": newer,
            "changes": changes,
            "problem": problem,
            "versions": list(versions.values()),
        }
        return TemplateResponse(
            request,
            "admin/newsletters/issue/compare.html",
            context,
            status=400 if problem else 200,
        )
