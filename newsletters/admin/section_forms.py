"""The sections of an issue as the issue's page edits them: each section with
its own fields, questions and links, in one form (django-nested-admin).

Checks that need the sections together live in `SectionInlineFormSet`:
printed numbers differ, anchors are filled in from the titles and unique,
and an issue that is published passes `Issue.publication_problems()` with the
sections and questions as they are about to be saved.
"""

import nested_admin
from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from msme_portal.admin_helpers import HTTPS_URL_FIELDS
from newsletters import editions
from newsletters.admin.languages import OneLanguageAtATime, ShowsTheEnglishText
from newsletters.models import IssueStatus, Question, Section, SectionKind, SectionLink
from newsletters.models.issues import BoxStyle

ANCHOR_MAX_LENGTH = Section._meta.get_field("anchor").max_length


class ModelErrorsForm(forms.ModelForm):
    """A model form that shows the model's errors about fields it does not
    display (a read-only status, say) as errors of the whole form. Django
    would raise ValueError for them, a server error instead of a message."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            for field in list(errors.error_dict):
                if field != NON_FIELD_ERRORS and field not in self.fields:
                    moved = errors.error_dict.pop(field)
                    errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(moved)
        super()._update_errors(errors)


class SectionForm(ShowsTheEnglishText, ModelErrorsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "box_style" in self.fields:
            # Only boxes show it; the others keep the default.
            self.fields["box_style"].required = False
        if "anchor" in self.fields:
            # Left empty, it is made from the title (SectionInlineFormSet.clean).
            self.fields["anchor"].required = False
            self.fields["anchor"].help_text = _(
                "Identifier in the page address (#anchor). Left empty, it is made from the title."
            )

    def clean_box_style(self):
        return self.cleaned_data.get("box_style") or BoxStyle.PLAIN


def kept_forms(formset):
    """The forms of `formset` that will be saved: filled in, and not deleted."""
    return [
        form
        for form in formset.forms
        if (form.has_changed() or form.instance.pk)
        and not (formset.can_delete and formset._should_delete_form(form))
    ]


def unique_anchor(title, taken):
    base = slugify(title)[: ANCHOR_MAX_LENGTH - 4] or "section"
    anchor, suffix = base, 2
    while anchor in taken:
        anchor, suffix = f"{base}-{suffix}", suffix + 1
    return anchor


class PrefetchedChildrenFormSet(nested_admin.NestedInlineFormSet):
    """A section's questions or links, read from the sections' prefetched
    rows: the issue page would otherwise query twice per section."""

    def get_queryset(self):
        cache = getattr(self.instance, "_prefetched_objects_cache", {})
        accessor = self.fk.remote_field.get_accessor_name()
        if accessor not in cache:
            return super().get_queryset()
        if not hasattr(self, "_prefetched_rows"):
            self._prefetched_rows = sorted(cache[accessor], key=lambda row: (row.order, row.pk))
        return self._prefetched_rows


class SectionInlineFormSet(nested_admin.NestedInlineFormSet):
    # The rule's problems, worded for this form.
    PROBLEM_MESSAGES = {
        "no_sections": _("A published issue needs at least one section. Add a section first."),
        "interview_without_questions": _(
            "The interview “%(title)s” has no questions. Add them before saving: "
            "the issue is published."
        ),
        "interview_without_interviewee": _(
            "The interview “%(title)s” does not name the interviewee."
        ),
    }

    def clean(self):
        super().clean()
        kept = [form for form in kept_forms(self) if form.is_valid()]
        self.check_numbers(kept)
        self.fill_in_anchors(kept)
        if self.instance.status == IssueStatus.PUBLISHED:
            self.check_publication(kept)

    def check_numbers(self, kept):
        # The database allows one section per number and issue; two new rows
        # with the same number would otherwise pass each form's own checks.
        numbers = [form.cleaned_data.get("number") for form in kept]
        numbers = [number for number in numbers if number is not None]
        duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
        if duplicates:
            raise ValidationError(
                _("Two sections have the number %(number)s; give each its own number."),
                code="duplicate_number",
                params={"number": duplicates[0]},
            )

    def fill_in_anchors(self, kept):
        typed = [
            form.cleaned_data.get("anchor") for form in kept if form.cleaned_data.get("anchor")
        ]
        repeated = sorted({anchor for anchor in typed if typed.count(anchor) > 1})
        if repeated:
            raise ValidationError(
                _("Two sections have the anchor “%(anchor)s”; give each its own."),
                code="duplicate_anchor",
                params={"anchor": repeated[0]},
            )
        taken = set(typed)
        for form in kept:
            if not form.cleaned_data.get("anchor"):
                # From the English title, whichever language is being edited.
                title = form.cleaned_data.get("title_en") or form.instance.title_en or ""
                anchor = unique_anchor(title, taken)
                taken.add(anchor)
                form.cleaned_data["anchor"] = anchor
                form.instance.anchor = anchor

    def check_publication(self, kept):
        sections, question_counts = [], {}
        for form in kept:
            sections.append(form.instance)
            questions = []
            for formset in getattr(form, "nested_formsets", []):
                # Cleaned now, before their own turn: which rows stay counts.
                if formset.model is Question and formset.is_valid():
                    questions += kept_forms(formset)
            question_counts[id(form.instance)] = len(questions)
        problems = self.instance.publication_problems(
            sections=sections, question_counts=question_counts
        )
        if problems:
            raise ValidationError(
                [
                    ValidationError(
                        self.PROBLEM_MESSAGES.get(problem.code, problem.message),
                        code=problem.code,
                        params=problem.params,
                    )
                    for problem in problems
                ]
            )


class TranslatedChildForm(ShowsTheEnglishText, ModelErrorsForm):
    pass


class QuestionInline(OneLanguageAtATime, nested_admin.NestedStackedInline):
    model = Question
    form = TranslatedChildForm
    formset = PrefetchedChildrenFormSet
    fields = ["question", "answer", "order"]
    sortable_field_name = "order"
    extra = 0
    classes = ["for-kind-interview"]


class SectionLinkInline(OneLanguageAtATime, nested_admin.NestedTabularInline):
    model = SectionLink
    form = TranslatedChildForm
    formset = PrefetchedChildrenFormSet
    formfield_overrides = HTTPS_URL_FIELDS
    fields = ["label", "url", "order"]
    sortable_field_name = "order"
    extra = 0


# Which fieldsets a kind of section shows: the page's script hides the others
# (static/newsletters/admin/issue_editor.js), by the classes named here.
ALL_KINDS = " ".join(f"for-kind-{kind}" for kind in SectionKind.values)


class SectionInline(OneLanguageAtATime, nested_admin.NestedStackedInline):
    model = Section
    form = SectionForm
    formset = SectionInlineFormSet
    inlines = [QuestionInline, SectionLinkInline]
    sortable_field_name = "order"
    prepopulated_fields = {"anchor": ["title"]}
    extra = 0
    # A section's own address is on the issue's public page, which a draft
    # does not have yet.
    view_on_site = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "title",
                    ("number", "anchor"),
                    "parent",
                    "order",
                    "translation_status",
                ]
            },
        ),
        (None, {"fields": ["body", "listing"], "classes": [ALL_KINDS]}),
        (_("Box"), {"fields": ["box_style"], "classes": ["for-kind-box"]}),
        (
            _("Image"),
            {
                "fields": ["image", "image_alt", "image_caption"],
                "classes": ["for-kind-article for-kind-box for-kind-coordinator_message"],
            },
        ),
        (
            _("Signature"),
            {
                "fields": ["signatory_name", "signatory_title", "signatory_economy"],
                "classes": ["for-kind-coordinator_message"],
            },
        ),
        (
            _("Interviewee"),
            {
                "fields": [
                    "interviewee_name",
                    "interviewee_organization",
                    "interviewee_bio",
                    "portrait",
                    "portrait_alt",
                ],
                "classes": ["for-kind-interview"],
            },
        ),
    ]

    readonly_fields = ["translation_status"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .order_by("order", "pk")
            .prefetch_related("questions", "links")
        )

    @admin.display(description=_("translations"))
    def translation_status(self, section):
        if section is None or section.pk is None:
            return _("none yet")
        return " · ".join(
            f"{editions.LANGUAGE_NAMES[language]}: {editions.STATUS_LABELS[status]}"
            for language in editions.TRANSLATED_LANGUAGES
            for status in [editions.status(section, language)]
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only top-level sections of the issue being edited can be chosen.
            issue_id = request.resolver_match.kwargs.get("object_id")
            queryset = Section.objects.filter(parent=None).order_by("order", "pk")
            kwargs["queryset"] = (
                queryset.filter(issue_id=issue_id)
                if issue_id and str(issue_id).isdigit()
                else queryset.none()
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # Read the choices once for all rows instead of once per row.
            field.choices = list(field.choices)
            return field
        if db_field.name == "signatory_economy":
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.choices = list(field.choices)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
