"""Admin for subscribers: the list with counts per status, a streaming CSV
export, a CSV import, resending the confirmation email, and erasure.

Erasure deletes the rows for good (the right to erasure) and adds them to a
per-day count, so the secretariat can account for requests without keeping
anything about the people.
"""

import csv
import io
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msme_portal.admin_helpers import ReadOnlyAdmin
from msme_portal.csv_files import csv_stream, restore_cell
from network.models import MemberEconomy
from newsletters.admin.subscriber_data import subscriber_data_view
from newsletters.forms import SubscriberImportForm, validate_deliverable_address
from newsletters.mail.subscriber_emails import send_confirmation, send_safely
from newsletters.models import (
    ConsentSource,
    ConsentWording,
    ErasureRecord,
    Subscriber,
    SubscriberLanguage,
    SubscriberStatus,
)
from newsletters.models.subscribers import normalize_email

EXPORT_COLUMNS = [
    # (header, values_list path)
    ("email", "email"),
    ("name", "name"),
    ("organization", "organization"),
    ("economy", "economy__name"),
    ("other_economy", "economy_other"),
    ("language", "language"),
    ("status", "status"),
    ("consent_given_at", "consent_given_at"),
    ("privacy_statement_version", "privacy_statement_version"),
    ("consent_source", "consent_source"),
    ("confirmed_at", "confirmed_at"),
    ("unsubscribed_at", "unsubscribed_at"),
    ("created_at", "created_at"),
]


def csv_rows(queryset):
    paths = [field for _header, field in EXPORT_COLUMNS]
    return csv_stream(
        [header for header, _path in EXPORT_COLUMNS],
        queryset.values_list(*paths).iterator(chunk_size=2000),
    )


class ImportReport:
    def __init__(self):
        self.created = 0
        self.problems = []  # (row number, message)

    def problem(self, row_number, message):
        self.problems.append((row_number, message))


def import_subscribers(text, *, prior_consent):
    """Create subscribers from CSV text; rows with a problem are skipped and
    reported by their line number in the file (the header is line 1)."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text))
    fields = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "email" not in fields:
        report.problem(1, _('The header row has no "email" column.'))
        return report
    reader.fieldnames = fields
    economies = {name.lower(): pk for pk, name in MemberEconomy.objects.values_list("pk", "name")}
    seen = set()
    now = timezone.now()
    for row_number, row in enumerate(reader, start=2):
        # DictReader puts surplus cells under None and fills missing ones with
        # None. A file exported here comes back as it was exported.
        values = {key: restore_cell(value or "").strip() for key, value in row.items() if key}
        email = normalize_email(values.get("email", ""))
        try:
            validate_deliverable_address(email)
        except ValidationError as error:
            report.problem(row_number, f"{email or _('(empty)')}: {' '.join(error.messages)}")
            continue
        if email.lower() in seen:
            report.problem(row_number, _("%(email)s appears twice in the file.") % {"email": email})
            continue
        seen.add(email.lower())
        language = (values.get("language") or SubscriberLanguage.ENGLISH).lower()
        if language not in SubscriberLanguage.values:
            report.problem(
                row_number,
                _("%(email)s: unknown language “%(language)s” (use en, fr or es).")
                % {"email": email, "language": language},
            )
            continue
        # An export names a member economy under "economy", any other under
        # "other_economy".
        economy_name = values.get("economy") or values.get("other_economy", "")
        subscriber = Subscriber(
            email=email,
            name=values.get("name", ""),
            organization=values.get("organization", ""),
            economy_id=economies.get(economy_name.lower()),
            economy_other="" if economy_name.lower() in economies else economy_name,
            language=language,
            consent_source=ConsentSource.IMPORT,
            status=SubscriberStatus.CONFIRMED if prior_consent else SubscriberStatus.PENDING,
            consent_given_at=now if prior_consent else None,
            confirmed_at=now if prior_consent else None,
        )
        try:
            subscriber.full_clean()
        except ValidationError as error:
            report.problem(row_number, f"{email}: {' '.join(error.messages)}")
            continue
        subscriber.save()
        report.created += 1
    return report


class SubscriberAdminForm(forms.ModelForm):
    """Staff edits obey the rules of the public form: one plain ASCII address."""

    class Meta:
        model = Subscriber
        fields = ["email", "name", "organization", "economy", "economy_other", "language"]

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        validate_deliverable_address(email)
        return email


# Set by sign-up, confirmation and unsubscribing, never typed in by staff.
HISTORY_FIELDS = [
    "consent_given_at",
    "privacy_statement_version",
    "consent_wording",
    "consent_source",
    "confirmation_sent_at",
    "confirmed_at",
    "unsubscribed_at",
    "created_at",
    "updated_at",
]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberAdminForm
    change_list_template = "admin/newsletters/subscriber/change_list.html"
    change_form_template = "admin/newsletters/subscriber/change_form.html"
    list_display = [
        "email",
        "name",
        "organization",
        "economy_column",
        "language",
        "status",
        "created_at",
        "confirmed_at",
    ]
    list_filter = ["status", "language", "economy", "created_at", "consent_source"]
    list_select_related = ["economy"]
    search_fields = ["email", "name", "organization", "economy__name", "economy_other"]
    date_hierarchy = "created_at"
    readonly_fields = ["status", *HISTORY_FIELDS]
    fieldsets = [
        (None, {"fields": ["email", "name", "organization", "economy", "economy_other"]}),
        (None, {"fields": ["language", "status"]}),
        (_("Consent and history"), {"fields": HISTORY_FIELDS}),
    ]
    actions = ["resend_confirmation", "mark_unsubscribed"]

    @admin.display(description=_("economy"), ordering="economy__sort_name")
    def economy_column(self, subscriber):
        return subscriber.economy_display

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting a subscriber is erasing their data: the bulk delete keeps
        # its confirmation page (which posts back as "delete_selected") but
        # says what it does, and delete_queryset counts the erasure.
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                erase_personal_data,
                "delete_selected",
                erase_personal_data.short_description,
            )
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            # Someone typed in by staff has not consented through our form;
            # they do so by confirming, like anyone else.
            obj.consent_source = ConsentSource.ADMIN
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            ErasureRecord.add(1)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            count, _per_model = queryset.delete()
            ErasureRecord.add(count)
        self.message_user(
            request,
            ngettext(
                "Erased the personal data of %(count)d subscriber. Only the count is kept.",
                "Erased the personal data of %(count)d subscribers. Only the count is kept.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unsubscribe (for requests received by email)"), permissions=["change"]
    )
    def mark_unsubscribed(self, request, queryset):
        count = sum(subscriber.unsubscribe() for subscriber in queryset)
        self.message_user(
            request,
            ngettext(
                "Unsubscribed %(count)d subscriber.", "Unsubscribed %(count)d subscribers.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = failed = skipped = 0
        for subscriber in queryset.select_related("economy"):
            if subscriber.status != SubscriberStatus.PENDING:
                skipped += 1
            elif send_safely(send_confirmation, subscriber):
                sent += 1
            else:
                failed += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Sent a confirmation email to %(count)d subscriber.",
                    "Sent a confirmation email to %(count)d subscribers.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "Skipped %(count)d subscriber who is not waiting for confirmation.",
                    "Skipped %(count)d subscribers who are not waiting for confirmation.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "The mail server refused %(count)d email; try again later.",
                    "The mail server refused %(count)d emails; try again later.",
                    failed,
                )
                % {"count": failed},
                messages.ERROR,
            )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "<int:pk>/data.json",
                self.admin_site.admin_view(partial(subscriber_data_view, self)),
                name="{}_{}_data".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "status_counts": [
                (SubscriberStatus(status).label, count)
                for status, count in Subscriber.objects.status_counts().items()
            ],
            "erased_count": ErasureRecord.total(),
            "can_import": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The subscribers the list shows (its filters and search apply) as
        CSV, streamed so a long list never sits in memory."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(
                request,
                _("The list's filters are not valid; nothing was exported."),
                messages.ERROR,
            )
            return redirect(reverse("admin:newsletters_subscriber_changelist"))
        queryset = changelist.get_queryset(request).order_by("pk")
        response = StreamingHttpResponse(csv_rows(queryset), content_type="text/csv")
        filename = f"subscribers-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = SubscriberImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = import_subscribers(
                    form.cleaned_data["file"], prior_consent=form.cleaned_data["prior_consent"]
                )
                if report.created:
                    self.message_user(
                        request,
                        ngettext(
                            "Imported %(count)d subscriber.",
                            "Imported %(count)d subscribers.",
                            report.created,
                        )
                        % {"count": report.created},
                        messages.SUCCESS,
                    )
                if not report.problems:
                    return_url = reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
                    )
                    return redirect(return_url)
        else:
            form = SubscriberImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import subscribers"),
            "form": form,
            "report": report,
            "wording": ConsentWording.objects.in_force(settings.LANGUAGE_CODE),
        }
        return TemplateResponse(request, "admin/newsletters/subscriber/import.html", context)


@admin.action(
    description=_("Erase the personal data of the selected subscribers"), permissions=["delete"]
)
def erase_personal_data(modeladmin, request, queryset):
    """Django's delete confirmation, then SubscriberAdmin.delete_queryset."""
    return delete_selected(modeladmin, request, queryset)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ["date", "count"]
    date_hierarchy = "date"
