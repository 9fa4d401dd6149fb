"""A real SMTP server on loopback for tests that send email.

`smtp_server` starts aiosmtpd on 127.0.0.1 and a free port, points Django's
SMTP backend at it, and collects every message it receives, parsed. Use it
in a module by importing the fixture: `from tests.smtp import smtp_server`.
"""

import logging
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class CollectingHandler:
    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, handler, host, port):
        self._handler = handler
        self.host = host
        self.port = port

    @property
    def messages(self):
        return list(self._handler.messages)

    def wait_for(self, count, timeout=10):
        """The first `count` messages, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(self._handler.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {count} messages, received {len(self._handler.messages)}"
                )
            time.sleep(0.05)
        return self.messages[:count]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def body_text(message, subtype="plain"):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


@pytest.fixture
def smtp_server(settings):
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield SMTPServer(handler, controller.hostname, controller.port)
    finally:
        controller.stop()
