"""A real SMTP server on loopback for the sending tests and the benchmark.

`SmtpSink` runs aiosmtpd in a thread on a free 127.0.0.1 port and keeps every
message it accepts. It can refuse chosen recipients with 550 and drop the
connection once, in the middle of a message, to act like a troubled server.
"""

import socket
import threading
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    def __init__(self, keep_content=True):
        self.lock = threading.Lock()
        self.keep_content = keep_content
        self.messages = []  # (recipients, raw bytes or None)
        self.count = 0
        self.refuse = set()
        self.drop_at = None  # drop the connection when this message's DATA arrives
        self.dropped = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drop_at is not None and not self.dropped and self.count + 1 >= self.drop_at:
                self.dropped = True
                server.transport.close()
                return "421 closing"
            self.count += 1
            self.messages.append(
                (list(envelope.rcpt_tos), envelope.content if self.keep_content else None)
            )
        return "250 2.0.0 Ok: queued"

    def parsed(self, headers_only=True):
        with self.lock:
            raw = [content for _, content in self.messages]
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(content, headersonly=headers_only) for content in raw]

    def recipients(self):
        with self.lock:
            return [address for rcpts, _ in self.messages for address in rcpts]


class SmtpSink:
    def __init__(self, keep_content=True):
        self.handler = SinkHandler(keep_content=keep_content)
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, data_size_limit=None
        )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def settings(self):
        """Django settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
