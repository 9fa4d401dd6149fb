"""The sections list, a section's own page, and meetings.

Sections are written on their issue's page (newsletters/admin/issue_admin.py),
where the publication rules and, for a live issue, the approval apply. A
section's own page edits a draft's section; a published issue's sections
are shown here read-only, with the way to their issue's page.
"""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from msme_portal.admin_helpers import HTTPS_URL_FIELDS, WorkBeforeCommit
from newsletters.admin.section_forms import ModelErrorsForm
from newsletters.models import IssueStatus, Meeting, Question, Section, SectionKind, SectionLink


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
        if issue is not None and issue.status == IssueStatus.PUBLISHED:
            self.add_error(
                "issue",
                _(
                    "This issue is published: add its sections on the issue's own page, "
                    "where changes are checked before the public sees them."
                ),
            )
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
class SectionAdmin(WorkBeforeCommit, admin.ModelAdmin):
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

    def is_live(self, obj):
        return obj is not None and obj.issue.status == IssueStatus.PUBLISHED

    def has_change_permission(self, request, obj=None):
        # A published issue changes on its own page only (see the docstring).
        return not self.is_live(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_live(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        section = self.get_object(request, object_id)
        if self.is_live(section) and request.method == "GET":
            messages.info(
                request,
                _("This section's issue is published: change it on the issue's page."),
            )
        return super().change_view(request, object_id, form_url, extra_context)

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
class MeetingAdmin(WorkBeforeCommit, TranslationAdmin):
    form = ModelErrorsForm
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["start", "title", "kind", "status", "format", "has_recording"]
    list_filter = ["kind", "status", MeetingYearFilter]
    search_fields = ["title", "description", "place", "documents"]
    ordering = ["-date", "-start_time"]
    date_hierarchy = "date"
    readonly_fields = ["sequence"]
    fieldsets = [
        (None, {"fields": ["kind", "status", "title"]}),
        (
            _("When"),
            {
                "description": _(
                    "In the meeting's time zone. Leave the times empty while they are not "
                    "announced: calendars then show it as an all-day event."
                ),
                "fields": ["date", "start_time", "end_date", "end_time", "time_zone"],
            },
        ),
        (
            _("Where"),
            {
                "description": _(
                    "In person, virtual or both, and the place; leave them empty until announced."
                ),
                "fields": ["format", "place"],
            },
        ),
        (_("Details"), {"fields": ["description", "link", "documents", "recording_url"]}),
        (
            _("Calendars"),
            {
                "description": _(
                    "Calendar apps replace their copy when this number goes up: it does "
                    "when the day, time, place, title or status change."
                ),
                "fields": ["sequence"],
            },
        ),
    ]

    @admin.display(description=_("start"), ordering="date")
    def start(self, obj):
        if obj.starts_at is None:
            return _("%(date)s (all day)") % {"date": date_format(obj.date)}
        return f"{date_format(obj.date)} {obj.starts_at:%H:%M} ({obj.time_zone})"

    @admin.display(description=_("recording"), boolean=True, ordering="recording_url")
    def has_recording(self, obj):
        return bool(obj.recording_url)
