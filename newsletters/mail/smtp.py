"""Mailing one message over an open SMTP connection, and sorting the
server's errors: the recipient's, temporary or permanent, apart from the
server's own. See docs/architecture.md, "Failures".
"""

import contextlib
import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

from .return_paths import return_path


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class ServerUnavailable(Exception):
    """The mail server could not be reached, or went away before it answered
    for the recipient: nothing was decided about the recipient."""


def describe(error):
    return f"{type(error).__name__}: {error}"


def classify(error, address):
    """The SMTP error as a TemporaryFailure or PermanentFailure with the
    server's reply as its message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = error.recipients.get(address, next(iter(error.recipients.values()), (0, b"")))
        return _failure(code, reply)
    if isinstance(error, smtplib.SMTPResponseException):
        return _failure(error.smtp_code, error.smtp_error)
    return TemporaryFailure(describe(error))


def _failure(code, reply):
    text = reply_text(code, reply)
    return TemporaryFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def reply_text(code, reply):
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return f"{code} {reply}".strip()


def deliver(connection, sender, recipient, message):
    """Mail `message` (bytes) over an open smtplib connection, as smtplib's
    sendmail() does for one recipient, but raise ServerUnavailable when the
    server fails before it has answered for the recipient, so that a server
    that went away is not taken for a refusal of this recipient. Replies
    about this message raise smtplib's usual exceptions."""
    try:
        connection.ehlo_or_helo_if_needed()
        options = []
        if connection.does_esmtp and connection.has_extn("size"):
            options.append(f"size={len(message)}")
        code, reply = connection.mail(sender, options)
        if code == 250:
            code, reply = connection.rcpt(recipient)
            refusal = smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            accepted = code in (250, 251)
        else:
            refusal = smtplib.SMTPSenderRefused(code, reply, sender)
            accepted = False
    except OSError as error:
        # A lost or refused connection, an EHLO refused (smtplib's own
        # exceptions are OSErrors too).
        raise ServerUnavailable(describe(error)) from error
    if code == 421:
        # "Service not available, closing transmission channel": the server
        # turns everyone away, whoever the recipient (RFC 5321, 3.8).
        raise ServerUnavailable(reply_text(code, reply))
    if not accepted:
        _reset(connection)
        raise refusal
    code, reply = connection.data(message)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)


def _reset(connection):
    """Clear the refused transaction so the connection can carry the next one."""
    # If the server has hung up, the next message finds the connection gone
    # and opens another.
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        connection.rset()


def open_backend(smtp):
    """Open the Django mail backend `smtp` if it is not; returns whether it
    was opened now. Raises ServerUnavailable when the server cannot be reached."""
    try:
        return smtp.open()
    except OSError as error:
        # Refused, timed out, greeting or login refused (smtplib's
        # exceptions are OSErrors too).
        raise ServerUnavailable(describe(error)) from error


def transmit(smtp, email, subscriber, language=None, delivery_pk=None):
    """Mail the IssueEmail `email` in `language` (by default the subscriber's)
    to `subscriber` over the open backend `smtp`. For a delivery, the
    envelope sender is its return path (where bounces come back), or, through
    an email provider's backend, the delivery goes in the message's metadata
    (which the provider's webhook returns)."""
    if not isinstance(smtp, SMTPBackend):
        message = email.message_for(subscriber, connection=smtp, language=language)
        if delivery_pk is not None:
            message.metadata = {"delivery": str(delivery_pk)}
        smtp.send_messages([message])
        return
    envelope = email.raw_for(subscriber, language)
    if envelope is None:
        # What the SMTP backend's send_messages() would send.
        message = email.message_for(subscriber, connection=smtp, language=language)
        encoding = message.encoding or settings.DEFAULT_CHARSET
        envelope = (
            sanitize_address(message.from_email, encoding),
            sanitize_address(subscriber.email, encoding),
            message.message().as_bytes(linesep="\r\n"),
        )
    sender, recipient, message_bytes = envelope
    bounce_to = return_path(delivery_pk) if delivery_pk is not None else None
    deliver(smtp.connection, bounce_to or sender, recipient, message_bytes)


def close_backend(smtp):
    try:
        smtp.close()
    except (smtplib.SMTPException, OSError):
        # Closing a connection the server already dropped.
        smtp.connection = None
