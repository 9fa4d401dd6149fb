"""Read one returned message on standard input: `manage.py receive_bounce`.

For the mail server to run on every message that reaches the bounce
address, e.g. in Postfix's aliases(5):

    bounces: "|/srv/portal/.venv/bin/python /srv/portal/manage.py receive_bounce"

The message is recorded, and a bounce or complaint acts on the subscriber
list at once (newsletters/mail/bounce_handling.py); what cannot be
attributed is kept for review. The exit status follows sysexits(3), which
mail servers understand: 0 once recorded, 75 (EX_TEMPFAIL) when the
database could not be reached, so the mail server keeps the message and
tries again later.
"""

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from newsletters.mail.bounce_handling import receive
from newsletters.models import ReturnedMailSource

EX_TEMPFAIL = 75
# Larger than any bounce; a bigger message is kept only in part.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = "Record one bounce, complaint or other returned message read on standard input."

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read(MAX_MESSAGE_BYTES)
        try:
            rows = receive(raw, ReturnedMailSource.PIPE)
        except DatabaseError as error:
            self.stderr.write(f"Could not record the message, try again later: {error}")
            sys.exit(EX_TEMPFAIL)
        for row in rows:
            self.stderr.write(f"Recorded: {row.get_kind_display()} {row.email}".rstrip())
