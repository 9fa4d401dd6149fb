"""Everything the portal holds about one subscriber, as one JSON file: what
staff download from the subscriber's page to answer an access request, and
the record of what the person agreed to, word for word.

The file has the profile, the consent with the exact privacy statement and
consent sentence the person was shown, every delivery of an issue, every
account email still kept, every suppression of the address and the mail
that came back about it.
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from newsletters.models import ReturnedMail, Subscriber, Suppression

PROFILE_FIELDS = [
    "email",
    "name",
    "organization",
    "economy_display",
    "language",
    "status",
    "created_at",
    "updated_at",
    "confirmation_sent_at",
    "confirmed_at",
    "unsubscribed_at",
]


def subscriber_data(subscriber):
    wording = subscriber.consent_wording
    return {
        "exported_at": timezone.now(),
        "profile": {name: getattr(subscriber, name) for name in PROFILE_FIELDS},
        "consent": {
            "given_at": subscriber.consent_given_at,
            "through": subscriber.consent_source,
            "privacy_statement_version": subscriber.privacy_statement_version,
            "wording": None
            if wording is None
            else {
                "version": wording.version,
                "language": wording.language,
                "in_force_from": wording.valid_from,
                "privacy_statement": wording.statement,
                "consent_sentence": wording.agreement,
            },
        },
        "deliveries": [
            {
                "issue": delivery.issue.title,
                "language": delivery.send.language,
                "status": delivery.status,
                "accepted_at": delivery.sent_at,
                "message_id": delivery.message_id,
                "attempts": delivery.attempts,
                "last_reply": delivery.last_error,
            }
            for delivery in subscriber.deliveries.select_related("issue", "send").order_by("pk")
        ],
        "account_emails": [
            {
                "kind": row.kind,
                "status": row.status,
                "asked_at": row.created_at,
                "sent_at": row.sent_at,
            }
            for row in subscriber.account_emails.order_by("pk")
        ],
        "suppressions": [
            {
                "reason": suppression.reason,
                "since": suppression.created_at,
                "evidence": suppression.evidence,
                "lifted_at": suppression.lifted_at,
                "why_lifted": suppression.lift_note,
            }
            for suppression in Suppression.objects.of(subscriber.email).order_by("pk")
        ],
        "returned_mail": [
            {
                "received_at": row.received_at,
                "kind": row.kind,
                "status": row.status,
                "diagnostic": row.diagnostic,
            }
            for row in ReturnedMail.objects.filter(email__iexact=subscriber.email).order_by("pk")
        ],
    }


def subscriber_data_view(model_admin, request, pk):
    subscriber = get_object_or_404(Subscriber.objects.select_related("consent_wording"), pk=pk)
    if not model_admin.has_view_permission(request, subscriber):
        raise PermissionDenied
    body = json.dumps(
        subscriber_data(subscriber), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subscriber-{subscriber.pk}.json"'
    response["Cache-Control"] = "no-store"
    model_admin.log_change(request, subscriber, "Exported the subscriber's data.")
    return response
