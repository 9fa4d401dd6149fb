"""The issue's page in the admin: the whole issue, its sections with their
questions and links, on one page (newsletters/admin/section_forms.py).

Editors write; Publishers publish (newsletters/permissions.py). An Editor's
save of a published issue waits for a Publisher's approval and the public
keeps seeing the live issue (newsletters/staging.py); a Publisher's save of
it is published at once, once it passes the publication rules. Every save
is a version (django-reversion): History lists, compares and restores them
(newsletters/admin/issue_history.py). The preview shows any issue as the
public page will, with links back to editing and, for Publishers, to
publishing.
"""

import nested_admin
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from msme_portal.admin_helpers import CopiesThePostOnce, WorkBeforeCommit
from newsletters import editions, issue_page, revisions, staging
from newsletters.admin.issue_history import IssueHistoryMixin
from newsletters.admin.issue_publishing import IssuePublishingMixin
from newsletters.admin.languages import (
    LANGUAGE_PARAMETER,
    OneLanguageAtATime,
    ShowsTheEnglishText,
    editing_language,
)
from newsletters.admin.section_forms import ModelErrorsForm, SectionInline
from newsletters.models import Issue, IssueStatus, PendingChange
from newsletters.permissions import can_publish

revisions.register()


class PublicationYearFilter(admin.SimpleListFilter):
    title = _("year of publication")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Issue.objects.exclude(published_at=None).dates("published_at", "year", "DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(published_at__year=int(self.value()))
        return queryset


class IssueAdminForm(ShowsTheEnglishText, ModelErrorsForm):
    def clean(self):
        cleaned_data = super().clean()
        # Publishing through the form dates the issue like the action does.
        if (
            "status" in self.fields
            and cleaned_data.get("status") == IssueStatus.PUBLISHED
            and not cleaned_data.get("published_at")
            and "published_at" in self.fields
        ):
            cleaned_data["published_at"] = timezone.now()
        return cleaned_data


@admin.register(Issue)
class IssueAdmin(
    WorkBeforeCommit,
    CopiesThePostOnce,
    OneLanguageAtATime,
    IssuePublishingMixin,
    IssueHistoryMixin,
    VersionAdmin,
    nested_admin.NestedModelAdmin,
):
    form = IssueAdminForm
    inlines = [SectionInline]
    list_display = [
        "title",
        "publication_state",
        "published_at",
        "section_count",
        "edition_completeness",
        "updated_at",
        "preview_link",
    ]
    list_filter = ["status", PublicationYearFilter]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    # The model's ordering, stated again: the count of sections in
    # get_queryset groups the rows, and Django then drops Meta.ordering, which
    # the sections' issue autocomplete pages by.
    ordering = ["-published_at", "-created_at"]
    filter_horizontal = ["featured_guides", "featured_organizations"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish", "send_by_email"]
    history_latest_first = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        (_("Numbering"), {"fields": ["volume", "number", "season"], "classes": ["collapse"]}),
        (_("Publication"), {"fields": ["status", "published_at", "created_at", "updated_at"]}),
        (_("Cover"), {"fields": ["cover_image", "cover_image_alt"], "classes": ["collapse"]}),
        (
            _("Lists"),
            {"fields": ["featured_guides", "featured_organizations"], "classes": ["collapse"]},
        ),
    ]

    class Media:
        css = {"all": ["newsletters/admin/issue_editor.css"]}
        js = ["newsletters/admin/issue_editor.js"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(section_count=Count("sections"))
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            # The editions column reads every section's texts: three queries in all.
            queryset = queryset.prefetch_related("sections__questions", "sections__links")
        return queryset

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            # Editors may plan a publication date; only Publishers publish.
            readonly.append("status")
        return readonly

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and obj.status == IssueStatus.PUBLISHED
            and not can_publish(request.user)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_view_on_site_url(self, obj=None):
        # A draft has no public page yet: "View on site" opens its preview.
        if obj is not None and not obj.is_public:
            return reverse("admin:newsletters_issue_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    # Saving: an Editor's change to a live issue waits for approval.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if request.method == "POST" and staging.is_staged_for(request.user, issue):
            # Not in a version: the save is undone, and approving it records one.
            return admin.ModelAdmin.change_view(self, request, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        issue = self.get_object(request, unquote(object_id)) if object_id else None
        extra_context = {**(extra_context or {}), **self.language_context(request, issue)}
        staged = staging.is_staged_for(request.user, issue) and not getattr(
            request, "staging", False
        )
        if not staged:
            return super().changeform_view(request, object_id, form_url, extra_context)
        waiting = PendingChange.objects.waiting().filter(issue=issue).first()
        if waiting is not None:
            return self.refuse_while_waiting(request, issue, waiting, object_id, form_url)
        if request.method != "POST":
            messages.info(
                request,
                _(
                    "This issue is published. Your changes will wait for a Publisher's "
                    "approval; the public page stays as it is until then."
                ),
            )
            return super().changeform_view(request, object_id, form_url, extra_context)
        request.staging = True
        response, change = staging.propose(
            request,
            issue,
            lambda: super(IssueAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )
        return self.after_proposal(request, issue, response, change)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if request.method != "POST" or not staging.is_staged_for(request.user, issue):
            return super().revision_view(request, object_id, version_id, extra_context)
        waiting = PendingChange.objects.waiting().filter(issue=issue).first()
        if waiting is not None:
            return self.refuse_while_waiting(request, issue, waiting, object_id)
        request.staging = True
        response, change = staging.propose(
            request,
            issue,
            lambda: super(IssueAdmin, self).revision_view(
                request, object_id, version_id, extra_context
            ),
        )
        return self.after_proposal(request, issue, response, change)

    def language_context(self, request, issue):
        """The language being edited, and the editions to switch to."""
        language = editing_language(request)
        tabs = [(editions.SOURCE_LANGUAGE, editions.LANGUAGE_NAMES[editions.SOURCE_LANGUAGE], "")]
        if issue is not None:
            tabs += [
                (edition.language, edition.name, f"{edition.up_to_date}/{edition.total}")
                for edition in editions.editions(issue)
            ]
        return {"editing_language": language, "language_tabs": tabs}

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        language = editing_language(request)
        if "_continue" in request.POST and language != editions.SOURCE_LANGUAGE:
            # Back to the same language's form.
            response["Location"] = (
                f"{response['Location'].split('?')[0]}?{LANGUAGE_PARAMETER}={language}"
            )
        return response

    def refuse_while_waiting(self, request, issue, waiting, object_id, form_url=""):
        link = reverse("admin:newsletters_pendingchange_change", args=[waiting.pk])
        message = format_html(
            '{} <a href="{}">{}</a>',
            _(
                "A change to this issue is waiting for approval. It must be approved, "
                "rejected or withdrawn before the issue can be changed again."
            ),
            link,
            _("See the waiting change"),
        )
        if request.method == "POST":
            messages.error(request, message)
            return HttpResponseRedirect(request.path)
        messages.warning(request, message)
        request.staging = True  # shown, never saved
        return super().changeform_view(request, object_id, form_url)

    def after_proposal(self, request, issue, response, change):
        if change is None:
            return response  # the form, with its errors
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "Your changes to “%(issue)s” are waiting for a Publisher's approval. "
                    "The public page is unchanged until then."
                )
                % {"issue": issue},
                reverse("admin:newsletters_pendingchange_change", args=[change.pk]),
                _("See the waiting change"),
            ),
        )
        return HttpResponseRedirect(reverse("admin:newsletters_issue_change", args=[issue.pk]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(request, "staging", False):
            request.staged_state = staging.serialize_issue(form.instance)

    def message_user(self, request, message, *args, **kwargs):
        # A staged save's own "changed successfully" would be untrue.
        if getattr(request, "staging", False):
            return
        super().message_user(request, message, *args, **kwargs)

    # Columns

    @admin.display(description=_("state"), ordering="status")
    def publication_state(self, obj):
        if obj.is_scheduled:
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("sections"), ordering="section_count")
    def section_count(self, obj):
        return obj.section_count

    @admin.display(description=_("editions"))
    def edition_completeness(self, obj):
        return format_html_join(
            "",
            "<div>{}</div>",
            ((edition.summary(),) for edition in editions.editions(obj, list(obj.sections.all()))),
        )

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:newsletters_issue_preview", args=[obj.pk]),
            _("Preview"),
        )

    # Actions

    @admin.action(description=_("Send the selected issue by email…"))
    def send_by_email(self, request, queryset):
        """Opens the send page of the one selected issue (newsletters/admin/send_admin.py);
        nothing is sent here."""
        issues = list(queryset[:2])
        if len(issues) != 1:
            self.message_user(request, _("Select one issue to send."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:newsletters_send_issue", args=[issues[0].pk]))

    # Preview and publishing one issue

    def get_urls(self):
        # cacheable=True: the view sets its own Cache-Control, "private, no-store".
        preview = self.admin_site.admin_view(self.preview_view, cacheable=True)
        publish = self.admin_site.admin_view(self.publish_view)
        return [
            path("<int:object_id>/preview/", preview, name="newsletters_issue_preview"),
            path("<int:object_id>/publish/", publish, name="newsletters_issue_publish"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The issue, whatever its status, rendered as the public page is."""
        issue = get_object_or_404(Issue, pk=object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        page = issue_page.build_page(issue, is_preview=True)
        response = issue_page.page_response(request, page)
        response.context_data["preview_actions"] = {
            "edit_url": reverse("admin:newsletters_issue_change", args=[issue.pk]),
            "publish_url": (
                reverse("admin:newsletters_issue_publish", args=[issue.pk])
                if can_publish(request.user) and issue.status != IssueStatus.PUBLISHED
                else ""
            ),
        }
        response.render()
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
