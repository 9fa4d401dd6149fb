"""Receive returned mail over LMTP: `manage.py receive_bounces_lmtp`.

For a mail server that hands the bounce mailbox's messages to a local
service rather than to a command, e.g. in Postfix:

    transport_maps: bounces@news.example.org  lmtp:inet:127.0.0.1:8024

Each message is recorded and acted on as `receive_bounce` does
(newsletters/mail/bounce_handling.py). The reply after the message is the
only reply the server gets, so one transaction takes one recipient: the
others are told to come again (452, RFC 5321) and the mail server sends
them in transactions of their own. While the database cannot be reached,
messages are refused with a temporary error and the mail server keeps them.
"""

import signal
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from newsletters.mail.bounce_handling import receive
from newsletters.models import ReturnedMailSource

MAX_MESSAGE_BYTES = 10 * 1024 * 1024


def record(raw):
    close_old_connections()
    return receive(raw, ReturnedMailSource.LMTP)


class BounceHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            return "452 4.5.3 One recipient per transaction, send the others again"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            await sync_to_async(record, thread_sensitive=True)(envelope.original_content)
        except DatabaseError:
            return "451 4.3.0 Could not record the message, try again later"
        return "250 2.0.0 Recorded"


class LMTPController(Controller):
    def factory(self):
        return LMTP(self.handler, data_size_limit=MAX_MESSAGE_BYTES)


class Command(BaseCommand):
    help = "Receive bounces and complaints over LMTP and record them."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8024, help="Port (default 8024).")

    def handle(self, *args, host, port, **options):
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        controller = LMTPController(BounceHandler(), hostname=host, port=port)
        controller.start()
        self.stderr.write(f"Receiving returned mail over LMTP on {host}:{port}")
        try:
            stop.wait()
        finally:
            controller.stop()
