"""The pieces of the send pages (newsletters/admin/send_admin.py) that are
not the model admins: the test-send form, the workers' status, each
language's plan, the email's report, and the failures shown on a send's page."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from newsletters.mail.email_report import reports_for
from newsletters.mail.send_plan import language_plans
from newsletters.mail.send_queue import (
    SendRefused,
    check_published,
    outstanding_count,
    running_workers,
)
from newsletters.models import Delivery, DeliveryStatus, SubscriberLanguage

MAX_TEST_ADDRESSES = 10


class SendTestForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Up to %(max)d addresses, separated by commas or new lines.")
        % {"max": MAX_TEST_ADDRESSES},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=SubscriberLanguage.choices,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=_("The edition the test shows, as its subscribers will receive it."),
    )

    def clean_language(self):
        return self.cleaned_data["language"] or settings.LANGUAGE_CODE

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


def plan_context(issue, sends=None):
    """Each language's plan, what can be sent now, and why not."""
    plans = language_plans(issue, sends)
    ticked = [plan for plan in plans if plan.checked]
    try:
        check_published(issue)
        problem = None
    except SendRefused as error:
        problem = str(error)
    if problem is None and not any(plan.can_send for plan in plans):
        problem = (
            _("Every confirmed subscriber has received this issue or is about to.")
            if any(plan.is_resend for plan in plans)
            else _("There is no confirmed subscriber to send it to.")
        )
    return {
        "plans": plans,
        "problem": problem,
        "recipient_count": sum(plan.recipient_count for plan in ticked),
        # The wording of the question: a re-send when every language to
        # send now has been sent before.
        "resend": bool(ticked) and all(plan.is_resend for plan in ticked),
    }


def report_context(issue, languages):
    """The email's report in each of `languages`, for
    admin/newsletters/send/report.html, and whether any problem blocks."""
    reports = reports_for(issue, languages)
    entries = [
        {
            "language": language,
            "name": SubscriberLanguage(language).label,
            "blocking": report.blocking,
            "advice": report.advice,
            "size": report.size,
        }
        for language, report in reports.items()
    ]
    return {"reports": entries, "report_blocks": any(entry["blocking"] for entry in entries)}


def override_reason(request):
    """The reason a publisher gave to send despite the report, or ""."""
    return request.POST.get("override_reason", "").strip()
