"""Admin for sending issues: the send page, test sends, and the record of sends.

From an issue (the "Send by email…" action on the issues list, or the
"Send an issue…" button on the sends list) staff reach its send page: a
preview of both parts of the email in each language with its accessibility
and rendering report (newsletters/mail/email_report.py), a form that mails a
test in one language to up to ten addresses, each language's recipients, edition
and sends (newsletters/mail/send_plan.py), and the button to a confirmation
page where the languages to send now are ticked. Only publishers can start a
send (newsletters/permissions.py), by POST, and only with a reason, which the
send records, when the report found problems that would exclude readers.
Each language ticked gets a send of its own, which only queues deliveries for
`manage.py send_deliveries` to mail. Sends are read-only records; so are
deliveries (newsletters/admin/delivery_admin.py).
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from msme_portal.admin_helpers import ReadOnlyAdmin
from newsletters.admin.delivery_log import delivery_log_response
from newsletters.admin.send_helpers import (
    MAX_TEST_ADDRESSES,
    FailedDeliveryInline,
    SendTestForm,
    override_reason,
    plan_context,
    report_context,
    worker_context,
)
from newsletters.mail.email_report import blocking_problems
from newsletters.mail.issue_email import IssueEmail
from newsletters.mail.outages import local_time
from newsletters.mail.send_queue import (
    SendRefused,
    check_published,
    has_been_sent,
    start_send,
)
from newsletters.mail.throttle import Throttle
from newsletters.models import Issue, IssueSend, SubscriberLanguage
from newsletters.permissions import can_send

TEMPLATES = "admin/newsletters/send/"

# The email preview is the message's own HTML: no script, inline styles, and
# images from the public site.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:"


@admin.register(IssueSend)
class IssueSendAdmin(ReadOnlyAdmin):
    change_list_template = TEMPLATES + "change_list.html"
    change_form_template = TEMPLATES + "change_form.html"
    list_display = [
        "issue",
        "language",
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
    list_filter = ["language", "is_resend", "started_at"]
    search_fields = ["issue__title", "issue__slug"]
    date_hierarchy = "started_at"
    fields = [
        "issue",
        "language",
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
        "expected_end",
        "deliveries_link",
        "report_override_reason",
        "report_problem_list",
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

    @admin.display(description=_("expected end"))
    def expected_end(self, obj):
        """From the pace so far, and never sooner than the relay's rate allows."""
        left = obj.pending_count + obj.sending_count
        done = obj.total_count - left
        if not left or obj.started_at is None:
            return "–"
        elapsed = (timezone.now() - obj.started_at).total_seconds()
        seconds = max(elapsed / done * left if done else 0, Throttle().seconds_for(left))
        if not seconds:
            return "–"
        return local_time(timezone.now() + timedelta(seconds=seconds))

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj):
        export_url = reverse("admin:newsletters_issuesend_delivery_log", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}" download>{}</a>',
            self.deliveries_url(obj),
            _("All deliveries of this send"),
            export_url,
            _("Download the delivery log (CSV)"),
        )

    @admin.display(description=_("problems the email's report found"))
    def report_problem_list(self, obj):
        if not obj.report_problems:
            return "–"
        return format_html_join(
            "\n", "<p>{}: {}</p>", ((p["message"], p["where"]) for p in obj.report_problems)
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
            path(
                "<int:send_id>/deliveries.csv",
                view(self.delivery_log_view),
                name="newsletters_issuesend_delivery_log",
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

    def delivery_log_view(self, request, send_id):
        if not (
            self.has_view_permission(request) and request.user.has_perm("newsletters.view_delivery")
        ):
            raise PermissionDenied
        return delivery_log_response(get_object_or_404(IssueSend, pk=send_id))

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
        plans = plan_context(issue, sends)
        context = self._context(
            request,
            issue,
            sends=sends,
            test_form=test_form or SendTestForm(),
            max_test_addresses=MAX_TEST_ADDRESSES,
            **plans,
            **report_context(issue, [plan.language for plan in plans["plans"]]),
        )
        return TemplateResponse(request, TEMPLATES + "issue.html", context)

    def preview_view(self, request, issue_id, part):
        """The email as a subscriber gets it, HTML or plain text, in the
        language of `?language=` (English by default)."""
        issue = self._issue(request, issue_id)
        if part not in {"html", "txt"}:
            raise Http404
        language = request.GET.get("language", settings.LANGUAGE_CODE)
        if language not in SubscriberLanguage.values:
            raise Http404
        message = IssueEmail.for_issue(issue).test_message(
            request.user.email or "preview@localhost", language=language
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
        language = form.cleaned_data["language"]
        sent, failed = [], []
        # At most ten messages over one connection: short enough for a request.
        with get_connection() as connection:
            for address in form.cleaned_data["addresses"]:
                try:
                    email.test_message(address, connection=connection, language=language).send()
                    sent.append(address)
                except (smtplib.SMTPException, OSError) as error:
                    failed.append(f"{address} ({error})")
        if sent:
            self.message_user(
                request,
                _("Test sent to %(list)s (%(language)s).")
                % {"language": SubscriberLanguage(language).label, "list": ", ".join(sent)},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                _("The test could not be sent to %(list)s.") % {"list": "; ".join(failed)},
                messages.ERROR,
            )
        return HttpResponseRedirect(reverse("admin:newsletters_send_issue", args=[issue.pk]))

    def confirm_view(self, request, issue_id):
        """GET: each language's recipients and edition, with the languages to
        send now ticked; POST: one send per language ticked."""
        issue = self._issue(request, issue_id)
        if not can_send(request.user):
            raise PermissionDenied
        send_page = reverse("admin:newsletters_send_issue", args=[issue.pk])
        error = None
        if request.method == "POST":
            try:
                check_published(issue)
            except SendRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return HttpResponseRedirect(send_page)
            chosen = [
                code
                for code in SubscriberLanguage.values
                if code in request.POST.getlist("languages")
            ]
            problems = blocking_problems(issue, chosen)
            reason = override_reason(request)
            if not chosen:
                error = _("Tick at least one language to send.")
            elif problems and not reason:
                error = _(
                    "The email's report found problems that would exclude readers. Fix them "
                    "first, or give the reason to send it anyway."
                )
            else:
                return self._start_sends(request, issue, chosen, problems, reason)
        plans = plan_context(issue)
        to_check = [plan.language for plan in plans["plans"] if plan.can_send]
        context = self._context(
            request,
            issue,
            title=_("Confirm the send"),
            error=error,
            **plans,
            **report_context(issue, to_check),
        )
        return TemplateResponse(request, TEMPLATES + "confirm.html", context)

    def _start_sends(self, request, issue, languages, problems, reason):
        """A send per language in `languages`, each in its own transaction, so
        one refused (nobody left to send to, say) leaves the others started.
        `problems` are the report's blocking ones per language, sent despite
        for `reason`."""
        sends = []
        for language in languages:
            name = SubscriberLanguage(language).label
            try:
                send = start_send(
                    issue,
                    language=language,
                    user=request.user,
                    resend_missing=has_been_sent(issue, language),
                    report_problems=[finding.as_dict() for finding in problems.get(language, [])],
                    report_override_reason=reason if language in problems else "",
                )
            except SendRefused as error:
                self.message_user(request, f"{name}: {error}", messages.ERROR)
                continue
            sends.append(send)
            logged = _("Started a send of %(issue)s in %(language)s.") % {
                "issue": issue,
                "language": name,
            }
            if send.report_override_reason:
                logged += " " + _("Sent despite the email's report, because: %(reason)s") % {
                    "reason": send.report_override_reason
                }
            self.log_addition(request, send, logged)
            # Wherever this lands, the message names the page to follow the
            # send on, one this user may see: never a reason to send again.
            self.message_user(
                request,
                format_html(
                    _(
                        "“{issue}” is queued for {count} subscribers ({language}); the send "
                        'worker mails it. Follow its progress on <a href="{url}">the send\'s '
                        "page</a>."
                    ),
                    issue=issue,
                    count=send.recipient_count,
                    language=name,
                    url=self._progress_url(request, send),
                ),
                messages.SUCCESS,
            )
        if len(sends) == 1:
            return HttpResponseRedirect(self._progress_url(request, sends[0]))
        return HttpResponseRedirect(reverse("admin:newsletters_send_issue", args=[issue.pk]))

    def _progress_url(self, request, send):
        if self.has_view_permission(request, send):
            return reverse("admin:newsletters_issuesend_change", args=[send.pk])
        return reverse("admin:newsletters_send_issue", args=[send.issue_id])
