"""Admin for sending issues: the send page, test sends, and the record of sends.

From an issue (the "Send by email…" action on the issues list, or the
"Send an issue…" button on the sends list) staff reach its send page: a
preview of both parts of the email, a form that mails a test to up to ten
addresses, and the button to a confirmation page that shows the number of
recipients. Only publishers can start a send (newsletters/permissions.py), by
POST; starting one only queues deliveries, which `manage.py send_deliveries`
mails. Sends and deliveries are read-only records.
"""

import re
import smtplib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from msme_portal.admin_helpers import ReadOnlyAdmin
from newsletters.mail.issue_email import IssueEmail
from newsletters.mail.send_queue import (
    SendRefused,
    check_can_send,
    missing_recipients,
    outstanding_count,
    running_workers,
    start_send,
)
from newsletters.models import Delivery, DeliveryStatus, Issue, IssueSend
from newsletters.permissions import can_send

MAX_TEST_ADDRESSES = 10
TEMPLATES = "admin/newsletters/send/"

# The email preview is the message's own HTML: no script, inline styles, and
# images from the public site.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:"


class SendTestForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Up to %(max)d addresses, separated by commas or new lines.")
        % {"max": MAX_TEST_ADDRESSES},
    )

    def clean_addresses(self):
        addresses = []
        for item in re.split(r"[,;\s]+", self.cleaned_data["addresses"]):
            if item and item.lower() not in {a.lower() for a in addresses}:
                addresses.append(item)
        if not addresses:
            raise ValidationError(_("Enter at least one address."), code="empty")
        invalid = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                invalid.append(address)
        if invalid:
            raise ValidationError(
                _("Not valid email addresses: %(addresses)s"),
                code="invalid",
                params={"addresses": ", ".join(invalid)},
            )
        if len(addresses) > MAX_TEST_ADDRESSES:
            raise ValidationError(
                _("Send a test to at most %(max)d addresses (you entered %(count)d)."),
                code="too_many",
                params={"max": MAX_TEST_ADDRESSES, "count": len(addresses)},
            )
        return addresses


def worker_context():
    """The send workers that run, and the first of them that cannot reach the
    mail server, for admin/newsletters/send/worker_status.html."""
    workers = running_workers()
    down = [worker for worker in workers if worker.smtp_down_since is not None]
    return {
        "send_workers": workers,
        "send_outage": min(down, key=lambda worker: worker.smtp_down_since, default=None),
        "deliveries_waiting": not workers and outstanding_count() > 0,
    }


class FailedDeliveryInline(admin.TabularInline):
    """The failures of a send, with the server's reasons."""

    model = Delivery
    verbose_name = _("failed delivery")
    verbose_name_plural = _("failed deliveries")
    fields = ["subscriber", "attempts", "last_error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=DeliveryStatus.FAILED)
            .select_related("subscriber")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssueSend)
class IssueSendAdmin(ReadOnlyAdmin):
    change_list_template = TEMPLATES + "change_list.html"
    change_form_template = TEMPLATES + "change_form.html"
    list_display = [
        "issue",
        "started_at",
        "finished_at",
        "started_by",
        "is_resend",
        "recipient_count",
        "pending",
        "sent",
        "failed",
        "skipped",
        "progress",
    ]
    list_select_related = ["issue", "started_by"]
    list_filter = ["is_resend", "started_at"]
    search_fields = ["issue__title", "issue__slug"]
    date_hierarchy = "started_at"
    fields = [
        "issue",
        "started_by_name",
        "started_at",
        "finished_at",
        "is_resend",
        "recipient_count",
        "pending",
        "sent",
        "failed",
        "skipped",
        "progress",
        "deliveries_link",
    ]
    readonly_fields = fields
    inlines = [FailedDeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    # The workers, above the sends list and each send's progress

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**worker_context(), **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, {**worker_context(), **(extra_context or {})}
        )

    # Columns

    @admin.display(description=_("started by"))
    def started_by_name(self, obj):
        # As text: Django would link the user to the users' admin, which only
        # superusers may see.
        return obj.started_by or "–"

    @admin.display(description=_("waiting"), ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count + obj.sending_count

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj):
        if not obj.failed_count:
            return 0
        return format_html(
            '<a href="{}">{}</a>', self.deliveries_url(obj, "failed"), obj.failed_count
        )

    @admin.display(description=_("skipped"), ordering="skipped_count")
    def skipped(self, obj):
        return obj.skipped_count

    @admin.display(description=_("progress"))
    def progress(self, obj):
        if not obj.total_count:
            return "–"
        done = obj.total_count - obj.pending_count - obj.sending_count
        return f"{100 * done / obj.total_count:.0f} %"

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', self.deliveries_url(obj), _("All deliveries of this send")
        )

    @staticmethod
    def deliveries_url(obj, status=None):
        query = {"send__id__exact": obj.pk}
        if status:
            query["status__exact"] = status
        return reverse("admin:newsletters_delivery_changelist") + "?" + urlencode(query)

    # Pages

    def get_urls(self):
        def view(function, cacheable=False):
            return self.admin_site.admin_view(function, cacheable=cacheable)

        return [
            path("issue/", view(self.choose_view), name="newsletters_send_choose"),
            path("issue/<int:issue_id>/", view(self.send_view), name="newsletters_send_issue"),
            path(
                "issue/<int:issue_id>/preview.<str:part>",
                view(self.preview_view, cacheable=True),
                name="newsletters_send_preview",
            ),
            path(
                "issue/<int:issue_id>/test/",
                view(require_POST(self.test_view)),
                name="newsletters_send_test",
            ),
            path(
                "issue/<int:issue_id>/confirm/",
                view(self.confirm_view),
                name="newsletters_send_confirm",
            ),
            *super().get_urls(),
        ]

    def _issue(self, request, issue_id):
        issue = get_object_or_404(Issue, pk=issue_id)
        if not request.user.has_perm("newsletters.view_issue"):
            raise PermissionDenied
        return issue

    def _context(self, request, issue, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "issue": issue,
            "title": _("Send “%(issue)s” by email") % {"issue": issue},
            "can_send": can_send(request.user),
            "can_view_sends": self.has_view_permission(request),
            "can_test": request.user.has_perm("newsletters.change_issue"),
            **extra,
        }

    def choose_view(self, request):
        """Published issues, newest first, each with its number of sends."""
        if not request.user.has_perm("newsletters.view_issue"):
            raise PermissionDenied
        issues = Issue.objects.published().annotate(send_count=Count("sends"))[:50]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Send an issue by email"),
            "issues": issues,
            "can_view_sends": self.has_view_permission(request),
        }
        return TemplateResponse(request, TEMPLATES + "choose.html", context)

    def send_view(self, request, issue_id, test_form=None):
        issue = self._issue(request, issue_id)
        sends = list(
            IssueSend.objects.filter(issue=issue).with_counts().select_related("started_by")
        )
        try:
            check_can_send(issue, resend_missing=bool(sends))
            problem = None
        except SendRefused as error:
            problem = str(error)
        context = self._context(
            request,
            issue,
            sends=sends,
            problem=problem,
            recipient_count=missing_recipients(issue).count(),
            test_form=test_form or SendTestForm(),
            max_test_addresses=MAX_TEST_ADDRESSES,
        )
        return TemplateResponse(request, TEMPLATES + "issue.html", context)

    def preview_view(self, request, issue_id, part):
        """The email as a subscriber gets it, HTML or plain text."""
        issue = self._issue(request, issue_id)
        if part not in {"html", "txt"}:
            raise Http404
        message = IssueEmail.for_issue(issue).test_message(
            request.user.email or "preview@localhost"
        )
        if part == "html":
            response = HttpResponse(message.alternatives[0][0], content_type="text/html")
            response["Content-Security-Policy"] = PREVIEW_POLICY
        else:
            response = HttpResponse(message.body, content_type="text/plain; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def test_view(self, request, issue_id):
        issue = self._issue(request, issue_id)
        if not request.user.has_perm("newsletters.change_issue"):
            raise PermissionDenied
        form = SendTestForm(request.POST)
        if not form.is_valid():
            return self.send_view(request, issue_id, test_form=form)
        email = IssueEmail.for_issue(issue)
        sent, failed = [], []
        # At most ten messages over one connection: short enough for a request.
        with get_connection() as connection:
            for address in form.cleaned_data["addresses"]:
                try:
                    email.test_message(address, connection=connection).send()
                    sent.append(address)
                except (smtplib.SMTPException, OSError) as error:
                    failed.append(f"{address} ({error})")
        if sent:
            self.message_user(
                request, _("Test sent to %(list)s.") % {"list": ", ".join(sent)}, messages.SUCCESS
            )
        if failed:
            self.message_user(
                request,
                _("The test could not be sent to %(list)s.") % {"list": "; ".join(failed)},
                messages.ERROR,
            )
        return HttpResponseRedirect(reverse("admin:newsletters_send_issue", args=[issue.pk]))

    def confirm_view(self, request, issue_id):
        """GET: the number of recipients and a button; POST: queue the send."""
        issue = self._issue(request, issue_id)
        if not can_send(request.user):
            raise PermissionDenied
        resend = IssueSend.objects.filter(issue=issue).exists()
        if request.method == "POST":
            try:
                send = start_send(issue, user=request.user, resend_missing=resend)
            except SendRefused as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:newsletters_send_issue", args=[issue.pk])
                )
            self.log_addition(request, send, _("Started a send of %(issue)s.") % {"issue": issue})
            # Wherever this lands, the message names the page to follow the
            # send on, one this user may see: never a reason to send again.
            if self.has_view_permission(request, send):
                progress_url = reverse("admin:newsletters_issuesend_change", args=[send.pk])
            else:
                progress_url = reverse("admin:newsletters_send_issue", args=[issue.pk])
            self.message_user(
                request,
                format_html(
                    _(
                        "“{issue}” is queued for {count} subscribers; the send worker "
                        'mails it. Follow its progress on <a href="{url}">the send\'s page</a>.'
                    ),
                    issue=issue,
                    count=send.recipient_count,
                    url=progress_url,
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(progress_url)
        try:
            check_can_send(issue, resend_missing=resend)
            problem = None
        except SendRefused as error:
            problem = str(error)
        context = self._context(
            request,
            issue,
            title=_("Confirm the send"),
            resend=resend,
            problem=problem,
            recipient_count=missing_recipients(issue).count(),
        )
        return TemplateResponse(request, TEMPLATES + "confirm.html", context)


class FailureFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("problems", _("Failed or skipped"))]

    def queryset(self, request, queryset):
        if self.value() == "problems":
            return queryset.filter(
                Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.SKIPPED)
            )
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "issue", "status", "attempts", "sent_at", "last_error"]
    list_select_related = ["subscriber", "issue"]
    # Filtered by send through links from the sends list (send__id__exact);
    # a filter listing every send would cost a query per send.
    list_filter = ["status", FailureFilter, "issue"]
    search_fields = ["subscriber__email"]
    fields = [
        "send",
        "issue",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "message_id",
        "last_error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("send__issue")
