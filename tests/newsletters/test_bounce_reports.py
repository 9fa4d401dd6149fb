"""Reading bounces, complaints and auto-replies (newsletters/mail/bounces.py),
and the per-delivery return paths they come back to."""

import pytest

from newsletters.mail import bounces, return_paths
from newsletters.mail.bounces import Kind, Severity
from tests.bounce_messages import complaint, dsn, exim_bounce, out_of_office


def test_a_permanent_failure_is_a_hard_bounce_with_the_servers_words():
    report = bounces.read(dsn("gone@example.net", message_id="<issue-3.sub-7@localhost>"))

    assert report.kind == Kind.BOUNCE
    [failed] = report.failed
    assert failed.address == "gone@example.net"
    assert failed.severity == Severity.HARD
    assert failed.status == "5.1.1"
    assert failed.diagnostic == (
        "smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown"
    )
    assert report.original_message_id == "<issue-3.sub-7@localhost>"
    assert report.addressed_to[0] == "bounces@localhost"


def test_a_transient_failure_is_a_soft_bounce():
    report = bounces.read(
        dsn("full@example.net", status="4.2.2", diagnostic="smtp; 452 4.2.2 Mailbox full")
    )

    [failed] = report.failed
    assert (failed.severity, failed.status) == (Severity.SOFT, "4.2.2")


@pytest.mark.parametrize("action", ["delayed", "delivered", "relayed"])
def test_a_report_that_the_server_is_still_trying_or_succeeded_is_no_failure(action):
    report = bounces.read(dsn("slow@example.net", status="4.4.1", action=action))

    assert report.kind == Kind.BOUNCE
    assert report.failed == []
    assert not report.is_failure


def test_the_status_is_read_from_the_diagnostic_when_the_report_has_none():
    report = bounces.read(dsn("gone@example.net", status="", diagnostic="smtp; 550 5.7.1 Denied"))

    [failed] = report.failed
    assert (failed.severity, failed.status) == (Severity.HARD, "5.7.1")


def test_the_headers_of_the_original_alone_give_its_message_id_and_return_path():
    report = bounces.read(
        dsn(
            "gone@example.net",
            headers_only=True,
            message_id="<issue-3.sub-7@localhost>",
            return_path="bounces+d12-abc@localhost",
        )
    )

    assert report.original_message_id == "<issue-3.sub-7@localhost>"
    assert report.original_return_path == "bounces+d12-abc@localhost"


def test_a_bounce_without_a_status_report_is_read_by_the_heuristics():
    report = bounces.read(exim_bounce("gone@example.net"))

    assert report.kind == Kind.BOUNCE
    assert [(f.address, f.severity) for f in report.failed] == [("gone@example.net", Severity.HARD)]


def test_a_feedback_report_is_a_complaint():
    report = bounces.read(complaint("reader@example.org", message_id="<issue-3.sub-9@localhost>"))

    assert report.kind == Kind.COMPLAINT
    assert report.detail == "abuse"
    assert report.original_message_id == "<issue-3.sub-9@localhost>"
    assert report.failed == []


def test_an_out_of_office_reply_is_neither_bounce_nor_complaint():
    report = bounces.read(out_of_office("reader@example.org"))

    assert report.kind == Kind.AUTO_REPLY
    assert report.failed == []


def test_a_message_nobody_can_read_as_a_report_is_unrecognized():
    report = bounces.read(b"From: someone@example.org\r\nSubject: Hello\r\n\r\nHello.\r\n")

    assert report.kind == Kind.UNRECOGNIZED


def test_a_return_path_names_its_delivery_and_cannot_be_made_up(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = "bounces@news.example.org"

    address = return_paths.return_path(42)

    assert address.startswith("bounces+d42-")
    assert address.endswith("@news.example.org")
    assert len(address.partition("@")[0]) <= 64  # RFC 5321's limit on a local part
    assert return_paths.delivery_pk_in(address) == 42
    # A server that changes the case of the local part changes nothing.
    assert return_paths.delivery_pk_in(address.upper()) == 42
    forged = address.replace("+d42-", "+d43-")
    assert return_paths.delivery_pk_in(forged) is None
    assert return_paths.delivery_pk_in("bounces@news.example.org") is None
    assert return_paths.delivery_pk_in("") is None


def test_without_a_bounce_address_there_is_no_return_path(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = ""

    assert return_paths.return_path(42) is None
