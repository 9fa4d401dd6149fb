"""A real SMTP server on loopback (aiosmtpd) for tests that send email.

`smtp_server` is a fixture: the server started on 127.0.0.1 and a free port,
Django's SMTP backend pointed at it. `SMTPServer` is the same server for
session fixtures and tests that start, stop and restart it themselves (an
outage); its `MailHandler` keeps each message and can refuse chosen
recipients or hang up once, and `SlowHandler` and `TurningAway` play a slow
and a busy server. `python -m tests.smtp` runs one in a process of its own
for bench/send_bench.py.
"""

import asyncio
import logging
import socket
import sys
import threading
import time
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailHandler:
    """Accepts mail and keeps each message's recipients and content.

    Addresses in `refuse` get a 550, those in `defer` a 451; with `drop_at`
    set, the server hangs up once, when that message's DATA arrives.
    `senders` keeps each message's envelope sender (its return path)."""

    def __init__(self, keep_content=True):
        self.lock = threading.Lock()
        self.keep_content = keep_content
        self.received = []  # (recipients, raw bytes or None when not kept)
        self.count = 0
        self.refuse = set()
        self.defer = set()
        self.senders = []
        self.drop_at = None
        self.dropped = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        if address in self.defer:
            return f"451 4.2.1 <{address}>: Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drop_at is not None and not self.dropped and self.count + 1 >= self.drop_at:
                self.dropped = True
                server.transport.close()
                return "421 closing"
            self.count += 1
            self.senders.append(envelope.mail_from)
            self.received.append(
                (list(envelope.rcpt_tos), envelope.content if self.keep_content else None)
            )
        return "250 2.0.0 Ok: queued"

    def parsed(self, headers_only=True):
        with self.lock:
            raw = [content for _, content in self.received]
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(content, headersonly=headers_only) for content in raw]

    def recipients(self):
        with self.lock:
            return [address for rcpts, _ in self.received for address in rcpts]

    def reset(self):
        with self.lock:
            self.received = []
            self.count = 0


class SlowHandler(MailHandler):
    """A mail server that takes `delay` seconds over each message."""

    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


class TurningAway(MailHandler):
    """A server that answers 421 to MAIL FROM until told to take mail."""

    def __init__(self):
        super().__init__()
        self.busy = True

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.busy:
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        return "250 OK"


class SMTPServer:
    """aiosmtpd with `handler` on a loopback port chosen once, so that it can
    be stopped and started again at the same address; a context manager
    that starts and stops it."""

    def __init__(self, handler=None, host="127.0.0.1"):
        self.handler = handler or MailHandler()
        self.host = host
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(
            self.handler, hostname=self.host, port=self.port, data_size_limit=None
        )
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def settings(self):
        """Django settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 10,
        }

    def configure(self, settings):
        """Point pytest-django's `settings` at this server."""
        for name, value in self.settings().items():
            setattr(settings, name, value)

    @property
    def messages(self):
        """The messages received so far, parsed whole."""
        return self.handler.parsed(headers_only=False)

    def wait_for(self, count, timeout=10):
        """The first `count` messages, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.handler.count < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, received {self.handler.count}")
            time.sleep(0.05)
        return self.messages[:count]


def body_text(message, subtype="plain"):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


@pytest.fixture
def smtp_server(settings):
    """A started `SMTPServer` that Django's SMTP backend sends through. Use
    it in a module by importing it: `from tests.smtp import smtp_server`."""
    with SMTPServer() as server:
        server.configure(settings)
        yield server


def main():
    """Serve on a free port, printed first; then answer each line read
    ("reset" first clears the count) with the number of messages and of
    distinct recipients received. The benchmark's server, in a process of
    its own so that it does not share the worker's interpreter."""
    with SMTPServer(MailHandler(keep_content=False)) as server:
        answer(server.port)
        for line in sys.stdin:
            if line.strip() == "reset":
                server.handler.reset()
            answer(server.handler.count, len(set(server.handler.recipients())))


def answer(*numbers):
    sys.stdout.write(" ".join(map(str, numbers)) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
