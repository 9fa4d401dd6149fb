"""Mail that comes back, built as the servers that send it build it: a
Postfix delivery status notification (RFC 3464), an Exim bounce without one,
a feedback-loop complaint (RFC 5965), an out-of-office reply."""

from email.utils import format_datetime

from django.utils import timezone

ORIGINAL_HEADERS = """\
Return-Path: <{return_path}>
From: WTO MSME Group newsletter <newsletter@localhost>
To: {recipient}
Subject: MSME Group newsletter, Summer 2022
Message-ID: {message_id}
"""


def dsn(
    recipient,
    *,
    status="5.1.1",
    action="failed",
    to="bounces@localhost",
    diagnostic="smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown",
    return_path="newsletter@localhost",
    message_id="<unknown@localhost>",
    headers_only=False,
):
    """A delivery status notification as Postfix writes it."""
    original_type = "text/rfc822-headers" if headers_only else "message/rfc822"
    original = ORIGINAL_HEADERS.format(
        return_path=return_path, recipient=recipient, message_id=message_id
    )
    if not headers_only:
        original += "\nThe issue's text.\n"
    diagnostic = diagnostic.format(recipient=recipient)
    return f"""\
Return-Path: <>
Delivered-To: {to}
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
Auto-Submitted: auto-replied
Date: {format_datetime(timezone.now())}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B0UND"
Message-Id: <20221001.dsn@mx.example.net>

--B0UND
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B0UND
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4F2A1C0
Arrival-Date: Sat,  1 Oct 2022 10:00:00 +0200 (CEST)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mailbox.example.net
Diagnostic-Code: {diagnostic}

--B0UND
Content-Description: Undelivered Message
Content-Type: {original_type}

{original}
--B0UND--
""".replace("\n", "\r\n").encode()


def exim_bounce(recipient, *, to="bounces@localhost"):
    """Exim's bounce when it sends no delivery status notification."""
    return f"""\
Return-Path: <>
Delivered-To: {to}
From: Mail Delivery System <Mailer-Daemon@mail.example.net>
To: {to}
Subject: Mail delivery failed: returning message to sender
Auto-Submitted: auto-replied
X-Failed-Recipients: {recipient}
Message-Id: <E1abc-000123-AB@mail.example.net>

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {recipient}
    SMTP error from remote mail server after RCPT TO:<{recipient}>:
    550 5.1.1 User unknown
""".replace("\n", "\r\n").encode()


def complaint(
    recipient,
    *,
    to="abuse-reports@localhost",
    message_id="<unknown@localhost>",
    return_path="newsletter@localhost",
):
    """A feedback-loop report (RFC 5965) as a mailbox provider sends it."""
    original = ORIGINAL_HEADERS.format(
        return_path=return_path, recipient=recipient, message_id=message_id
    )
    return f"""\
From: <staff@hotmail.example>
To: {to}
Subject: Complaint about a message from you
Date: {format_datetime(timezone.now())}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
\tboundary="ARF"
Message-ID: <arf-1@hotmail.example>

--ARF
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report for an email message received from you.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Rcpt-To: <{recipient}>

--ARF
Content-Type: message/rfc822
Content-Disposition: inline

{original}
The issue's text.
--ARF--
""".replace("\n", "\r\n").encode()


def out_of_office(sender, *, to="bounces@localhost"):
    return f"""\
From: {sender}
To: {to}
Subject: Out of office: MSME Group newsletter, Summer 2022
Auto-Submitted: auto-replied
Message-ID: <ooo-1@example.org>

I am away until 15 July, with limited access to email.
""".replace("\n", "\r\n").encode()
