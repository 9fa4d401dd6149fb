"""Reading the mail that comes back: delivery status notifications (bounces),
feedback-loop complaints and auto-replies, as one `Report` per message.

This module only reads; `newsletters/mail/bounce_handling.py` decides what a
report does to the subscriber list.

- A standard bounce is a delivery status notification (RFC 3464): a
  multipart/report of report-type delivery-status, with one block per
  recipient giving its Action and Status. The Status is an enhanced status
  code (RFC 3463): its class says whether the failure is permanent (5.x.x,
  a hard bounce) or transient (4.x.x, a soft one). Only "failed" recipients
  count: "delayed" means the server is still trying.
- A complaint is a feedback report (RFC 5965): a multipart/report of
  report-type feedback-report.
- Anything else is given to flufl.bounce, which knows the shapes of the
  non-standard bounces some servers still send.
- An auto-reply ("out of office") says so in Auto-Submitted (RFC 3834) or
  in the headers that older responders set, and is not a bounce. What is
  none of these is reported as unrecognised, to be kept for review.

The original message, when the report includes it (message/rfc822 or its
headers alone as text/rfc822-headers), gives its Message-ID, which names
the issue and subscriber (`newsletters/mail/issue_email.py`), and its
envelope sender, which names the delivery (`return_paths.py`).
"""

import email
import enum
import re
from dataclasses import dataclass, field
from email import policy
from email.utils import getaddresses

from flufl.bounce import all_failures

# RFC 3463: class.subject.detail, the class 2 (success), 4 or 5.
STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")


class Kind(enum.StrEnum):
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    AUTO_REPLY = "auto_reply"
    UNRECOGNIZED = "unrecognized"


class Severity(enum.StrEnum):
    HARD = "hard"  # a permanent failure: the address is not to be mailed again
    SOFT = "soft"  # a transient failure: counts toward the soft-bounce limit


@dataclass(frozen=True)
class FailedRecipient:
    address: str
    severity: Severity
    status: str  # "5.1.1", or "" when the report gave none
    diagnostic: str  # the remote server's words, as the report quotes them


@dataclass(frozen=True)
class Report:
    kind: Kind
    failed: list[FailedRecipient] = field(default_factory=list)
    # A complaint's reporter ("abuse"), or for a bounce the reporting MTA.
    detail: str = ""
    original_message_id: str = ""
    original_return_path: str = ""
    # Where the report was addressed: a return path names its delivery.
    addressed_to: list[str] = field(default_factory=list)
    # For a complaint: whom the message it is about was sent to.
    complained_about: list[str] = field(default_factory=list)
    subject: str = ""

    @property
    def is_failure(self):
        return self.kind == Kind.BOUNCE and bool(self.failed)


def read(raw):
    """The Report for one message, given as bytes."""
    message = email.message_from_bytes(raw, policy=policy.compat32)
    addressed_to = [
        address
        for header in ("Delivered-To", "X-Original-To", "To", "Envelope-To")
        for _name, address in getaddresses(message.get_all(header, []))
        if address
    ]
    common = {
        "addressed_to": addressed_to,
        "subject": str(message.get("Subject", "")),
        **original_headers(message),
    }
    report_type = (message.get_param("report-type") or "").lower()
    if message.get_content_type() == "multipart/report" and report_type == "delivery-status":
        return Report(Kind.BOUNCE, failed=dsn_failures(message), **common)
    if message.get_content_type() == "multipart/report" and report_type == "feedback-report":
        return Report(
            Kind.COMPLAINT,
            detail=feedback_type(message),
            complained_about=complaint_recipients(message),
            **common,
        )
    # Before the auto-reply test: some servers' bounces (Exim's) are marked
    # Auto-Submitted too.
    failed = heuristic_failures(message)
    if failed:
        return Report(Kind.BOUNCE, failed=failed, **common)
    if is_auto_reply(message):
        return Report(Kind.AUTO_REPLY, **common)
    return Report(Kind.UNRECOGNIZED, **common)


def dsn_failures(message):
    """The recipients an RFC 3464 report says failed, with their status."""
    failed = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The first block is about the message, the others one recipient each.
        for block in part.get_payload()[1:]:
            action = str(block.get("Action", "")).strip().lower()
            if action != "failed":
                continue
            address = recipient_address(block)
            status = str(block.get("Status", "")).strip()
            diagnostic = unfold(block.get("Diagnostic-Code", ""))
            # The Status decides; a missing one is read from the diagnostic.
            code = STATUS_CODE.search(status) or STATUS_CODE.search(diagnostic)
            if not address or code is None or code.group(1) == "2":
                continue
            severity = Severity.HARD if code.group(1) == "5" else Severity.SOFT
            failed.append(FailedRecipient(address, severity, code.group(0), diagnostic))
    return failed


def recipient_address(block):
    """Final-Recipient (or Original-Recipient), without its "rfc822;" type."""
    for name in ("Original-Recipient", "Final-Recipient"):
        value = unfold(block.get(name, ""))
        kind, _separator, address = value.partition(";")
        if address.strip() and kind.strip().lower() == "rfc822":
            return address.strip().strip("<>")
    return ""


def feedback_type(message):
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            for block in part.get_payload():
                value = str(block.get("Feedback-Type", "")).strip().lower()
                if value:
                    return value
    return "abuse"


def complaint_recipients(message):
    """Original-Rcpt-To of the feedback report, and the original's To."""
    addresses = []
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            for block in part.get_payload():
                addresses += [a for _n, a in getaddresses(block.get_all("Original-Rcpt-To", []))]
        if part.get_content_type() == "message/rfc822":
            for original in part.get_payload():
                addresses += [a for _n, a in getaddresses(original.get_all("To", []))]
    return [address for address in addresses if address]


def original_headers(message):
    """Message-ID and Return-Path of the returned original, if included."""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/rfc822-headers"):
            payload = part.get_payload()
            original = payload[0] if isinstance(payload, list) and payload else None
        elif content_type == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            original = email.message_from_bytes(text, policy=policy.compat32)
        else:
            continue
        if original is None:
            continue
        return {
            "original_message_id": unfold(original.get("Message-ID", "")),
            "original_return_path": unfold(original.get("Return-Path", "")).strip("<>"),
        }
    return {}


def is_auto_reply(message):
    """RFC 3834's Auto-Submitted, or what older responders set instead."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted.startswith("auto-replied"):
        return True
    if any(message.get(name) for name in AUTO_REPLY_HEADERS):
        return True
    precedence = str(message.get("Precedence", "")).strip().lower()
    return precedence == "auto_reply"


def heuristic_failures(message):
    """Failures flufl.bounce finds in a non-standard bounce. It tells
    permanent from temporary but gives no status code or diagnostic."""
    try:
        temporary, permanent = all_failures(message)
    except Exception:  # Its detectors fail on some shapes: then it found nothing.
        return []
    return [
        FailedRecipient(decode(address), Severity.HARD, "", "") for address in sorted(permanent)
    ] + [
        FailedRecipient(decode(address), Severity.SOFT, "", "")
        for address in sorted(temporary - permanent)
    ]


def decode(address):
    return address.decode("utf-8", "replace") if isinstance(address, bytes) else address


def unfold(value):
    return " ".join(str(value).split())
