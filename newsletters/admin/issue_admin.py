"""Admin for issues, sections, interviews and meetings.

Editors write; publishers publish. Publication goes through the "publish" and
"unpublish" actions, offered only to publishers (newsletters/permissions.py),
by the rules of `Issue.publication_problems()`; for everyone else the status
and publication date are read-only. Staff can preview a draft exactly as the
public issue page will show it, and open an issue's send page from the list.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msme_portal.admin_helpers import HTTPS_URL_FIELDS
from newsletters import issue_page
from newsletters.models import (
    Issue,
    IssueStatus,
    Meeting,
    Question,
    Section,
    SectionKind,
    SectionLink,
)
from newsletters.permissions import can_publish


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


class ModelErrorsForm(forms.ModelForm):
    """A model form that shows the model's errors about fields it does not
    display (an interview's interviewee in the issue's section rows, a
    read-only status) as errors of the whole form. Django would raise
    ValueError for them, a server error instead of a message."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            for field in list(errors.error_dict):
                if field != NON_FIELD_ERRORS and field not in self.fields:
                    moved = errors.error_dict.pop(field)
                    errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)


class SectionInlineFormSet(forms.BaseInlineFormSet):
    """Checks the sections together: printed numbers differ, and an issue
    marked published passes `Issue.publication_problems()` with the rows as
    they are about to be saved."""

    # The rule's problems, worded for the form. A missing interviewee is not
    # here: each interview row's own validation reports it.
    PROBLEM_MESSAGES = {
        "no_sections": _("A published issue needs at least one section. Add a section first."),
        "interview_without_questions": _(
            "The interview “%(title)s” has no questions. Add them on the "
            "section's page before publishing."
        ),
    }

    def kept_forms(self):
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]

    def clean(self):
        super().clean()
        kept = self.kept_forms()
        # The database allows one section per number and issue; two new rows
        # with the same number would otherwise pass each form's own checks.
        numbers = [form.cleaned_data.get("number") for form in kept if form.is_valid()]
        numbers = [number for number in numbers if number is not None]
        duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
        if duplicates:
            raise ValidationError(
                _("Two sections have the number %(number)s; give each its own number."),
                code="duplicate_number",
                params={"number": duplicates[0]},
            )
        if self.instance.status != IssueStatus.PUBLISHED:
            return
        sections = [form.instance for form in kept]
        for problem in self.instance.publication_problems(sections=sections):
            if problem.code in self.PROBLEM_MESSAGES:
                raise ValidationError(
                    self.PROBLEM_MESSAGES[problem.code], code=problem.code, params=problem.params
                )


class SectionInline(admin.TabularInline):
    model = Section
    form = ModelErrorsForm
    formset = SectionInlineFormSet
    fields = ["order", "number", "kind", "title", "anchor", "parent"]
    prepopulated_fields = {"anchor": ["title"]}
    ordering = ["order", "pk"]
    show_change_link = True
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only top-level sections of the issue being edited can be chosen.
            issue_id = request.resolver_match.kwargs.get("object_id")
            queryset = Section.objects.filter(parent=None)
            kwargs["queryset"] = (
                queryset.filter(issue_id=issue_id)
                if issue_id and str(issue_id).isdigit()
                else queryset.none()
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # Read the choices once for all rows instead of once per row.
            field.choices = list(field.choices)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class IssueAdminForm(ModelErrorsForm):
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
class IssueAdmin(admin.ModelAdmin):
    form = IssueAdminForm
    inlines = [SectionInline]
    list_display = [
        "title",
        "publication_state",
        "published_at",
        "section_count",
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
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        (_("Numbering"), {"fields": ["volume", "number", "season"]}),
        (_("Publication"), {"fields": ["status", "published_at", "created_at", "updated_at"]}),
        (_("Cover"), {"fields": ["cover_image", "cover_image_alt"]}),
        (_("Lists"), {"fields": ["featured_guides", "featured_organizations"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_count=Count("sections"))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly += ["status", "published_at"]
        return readonly

    def has_publish_permission(self, request):
        return can_publish(request.user)

    # Columns

    @admin.display(description=_("state"), ordering="status")
    def publication_state(self, obj):
        if obj.is_scheduled:
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("sections"), ordering="section_count")
    def section_count(self, obj):
        return obj.section_count

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:newsletters_issue_preview", args=[obj.pk]),
            _("Preview"),
        )

    # Actions

    @admin.action(permissions=["publish"], description=_("Publish the selected issues"))
    def publish(self, request, queryset):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        published = 0
        now = timezone.now()
        for issue in queryset:
            try:
                issue.publish(now=now)
            except ValidationError as refusal:
                self.message_user(
                    request,
                    _("“%(issue)s” was not published: %(problems)s.")
                    % {"issue": issue, "problems": "; ".join(refusal.messages)},
                    messages.ERROR,
                )
                continue
            self.log_change(request, issue, _("Published."))
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)d issue.", "Published %(count)d issues.", published)
                % {"count": published},
                messages.SUCCESS,
            )

    @admin.action(permissions=["publish"], description=_("Unpublish the selected issues"))
    def unpublish(self, request, queryset):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        count = 0
        for issue in queryset.filter(status=IssueStatus.PUBLISHED):
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

    @admin.action(description=_("Send the selected issue by email…"))
    def send_by_email(self, request, queryset):
        """Opens the send page of the one selected issue (newsletters/admin/send_admin.py);
        nothing is sent here."""
        issues = list(queryset[:2])
        if len(issues) != 1:
            self.message_user(request, _("Select one issue to send."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:newsletters_send_issue", args=[issues[0].pk]))

    # Preview

    def get_urls(self):
        # cacheable=True: the view sets its own Cache-Control, "private, no-store".
        preview = self.admin_site.admin_view(self.preview_view, cacheable=True)
        return [
            path("<int:object_id>/preview/", preview, name="newsletters_issue_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The issue, whatever its status, rendered as the public page is."""
        issue = get_object_or_404(Issue, pk=object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        page = issue_page.build_page(issue, is_preview=True)
        response = issue_page.page_response(request, page)
        response.render()
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ["order", "question", "answer"]
    ordering = ["order", "pk"]
    extra = 0


class SectionLinkInline(admin.TabularInline):
    model = SectionLink
    formfield_overrides = HTTPS_URL_FIELDS
    fields = ["order", "label", "url"]
    ordering = ["order", "pk"]
    extra = 0


class SectionAdminForm(ModelErrorsForm):
    def clean(self):
        cleaned_data = super().clean()
        parent, issue = cleaned_data.get("parent"), cleaned_data.get("issue")
        if parent is not None and issue is not None and parent.issue_id != issue.pk:
            self.add_error("parent", _("Choose a section of the same issue."))
        return cleaned_data


class InterviewFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("interview_without_questions", _("Interviews without questions"))]

    def queryset(self, request, queryset):
        if self.value() == "interview_without_questions":
            return queryset.filter(kind=SectionKind.INTERVIEW, has_questions=False)
        return queryset


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    form = SectionAdminForm
    inlines = [QuestionInline, SectionLinkInline]
    list_display = ["title", "issue", "kind", "order", "parent", "problems"]
    list_filter = [InterviewFilter, "kind", "issue"]
    list_select_related = ["issue", "parent"]
    search_fields = ["title", "anchor", "body", "interviewee_name"]
    autocomplete_fields = ["issue"]
    ordering = ["-issue__created_at", "order", "pk"]
    fieldsets = [
        (None, {"fields": ["issue", "parent", "order", "number", "kind", "title", "anchor"]}),
        (None, {"fields": ["body", "box_style", "listing"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_caption"]}),
        (
            _("Coordinator's message"),
            {"fields": ["signatory_name", "signatory_title", "signatory_economy"]},
        ),
        (
            _("Interview"),
            {
                "fields": [
                    "interviewee_name",
                    "interviewee_organization",
                    "interviewee_bio",
                    "portrait",
                    "portrait_alt",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(has_questions=Exists(Question.objects.filter(section=OuterRef("pk"))))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            queryset = Section.objects.filter(parent=None).select_related("issue")
            object_id = request.resolver_match.kwargs.get("object_id")
            if object_id and str(object_id).isdigit():
                section = Section.objects.filter(pk=object_id).first()
                if section is not None:
                    queryset = queryset.filter(issue_id=section.issue_id).exclude(pk=section.pk)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("problems"))
    def problems(self, obj):
        if obj.kind == SectionKind.INTERVIEW and not obj.has_questions:
            return _("Interview without questions: it cannot be published.")
        return ""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        section = form.instance
        if section.kind == SectionKind.INTERVIEW and not section.questions.exists():
            self.message_user(
                request,
                _(
                    "The interview “%(title)s” has no questions yet; its issue cannot be "
                    "published until it has."
                )
                % {"title": section.title},
                messages.WARNING,
            )


class MeetingYearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Meeting.objects.dates("date", "year", "DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["date", "title", "kind", "has_recording"]
    list_filter = ["kind", MeetingYearFilter]
    search_fields = ["title", "description"]
    ordering = ["-date"]
    date_hierarchy = "date"

    @admin.display(description=_("recording"), boolean=True, ordering="recording_url")
    def has_recording(self, obj):
        return bool(obj.recording_url)
