"""Fetch returned mail from the bounce mailbox: `manage.py fetch_bounces`.

For a bounce address whose mail stays in a mailbox (at a provider, say)
rather than being handed to the portal: run it every few minutes (cron, a
systemd timer). It logs in over TLS to the mailbox that
NEWSLETTER_BOUNCE_MAILBOX names:

    imaps://user:password@mail.example.org/INBOX     (IMAP, port 993)
    pop3s://user:password@mail.example.org           (POP3, port 995)

and records each message as `receive_bounce` does
(newsletters/mail/bounce_handling.py), then deletes it from the mailbox:
only once it is recorded, so a message is never lost, and one that could
not be recorded stays for the next run. The server's certificate is
checked (NEWSLETTER_BOUNCE_MAILBOX_CA names a CA bundle for a private one).
"""

import imaplib
import poplib
import ssl
from contextlib import closing
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsletters.mail.bounce_handling import receive
from newsletters.models import ReturnedMailSource

TIMEOUT = 60


class Command(BaseCommand):
    help = "Fetch bounces and complaints from the bounce mailbox (IMAP or POP3 over TLS)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, no_progress=False, **options):
        address = settings.NEWSLETTER_BOUNCE_MAILBOX
        if not address:
            raise CommandError("Set NEWSLETTER_BOUNCE_MAILBOX (imaps://… or pop3s://…) first.")
        parts = urlsplit(address)
        if parts.scheme not in ("imaps", "pop3s") or not parts.hostname:
            raise CommandError(
                "NEWSLETTER_BOUNCE_MAILBOX must look like imaps://user:password@host/INBOX "
                "or pop3s://user:password@host."
            )
        context = ssl.create_default_context(cafile=settings.NEWSLETTER_BOUNCE_MAILBOX_CA or None)
        fetch = fetch_imap if parts.scheme == "imaps" else fetch_pop3
        self.progress = tqdm(
            unit="msg", desc="Fetching", file=self.stderr._out, disable=no_progress or None
        )
        try:
            recorded = fetch(parts, context, self.record)
        except (OSError, imaplib.IMAP4.error, poplib.error_proto) as error:
            raise CommandError(f"Could not read the bounce mailbox: {error}") from error
        finally:
            self.progress.close()
        self.stdout.write(f"Recorded {recorded} messages.")

    def record(self, raw, total):
        self.progress.total = total
        receive(raw, ReturnedMailSource.MAILBOX)
        self.progress.update(1)


def credentials(parts):
    return unquote(parts.username or ""), unquote(parts.password or "")


def fetch_imap(parts, context, record):
    user, password = credentials(parts)
    folder = parts.path.strip("/") or "INBOX"
    with imaplib.IMAP4_SSL(
        parts.hostname, parts.port or 993, ssl_context=context, timeout=TIMEOUT
    ) as mailbox:
        mailbox.login(user, password)
        mailbox.select(folder)
        _status, data = mailbox.uid("SEARCH", None, "ALL")
        uids = data[0].split()
        for uid in uids:
            _status, fetched = mailbox.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(part[1] for part in fetched if isinstance(part, tuple))
            record(raw, len(uids))
            mailbox.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        mailbox.expunge()
        return len(uids)


def fetch_pop3(parts, context, record):
    user, password = credentials(parts)
    mailbox = poplib.POP3_SSL(parts.hostname, parts.port or 995, context=context, timeout=TIMEOUT)
    with closing(mailbox):
        mailbox.user(user)
        mailbox.pass_(password)
        count, _size = mailbox.stat()
        for number in range(1, count + 1):
            _response, lines, _octets = mailbox.retr(number)
            record(b"\r\n".join(lines) + b"\r\n", count)
            mailbox.dele(number)
        # Deletions take effect at QUIT; an interrupted run deletes nothing.
        mailbox.quit()
        return count
