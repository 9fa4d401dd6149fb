"""Returned mail reaching the portal as a mail server delivers it: piped to
`manage.py receive_bounce` on standard input, and handed over LMTP to
`manage.py receive_bounces_lmtp`, each a process of its own on a database of
its own, after a real send through aiosmtpd gave each delivery its return
path."""

import signal
import smtplib
import time

import pytest

from tests.bounce_messages import complaint, dsn, out_of_office
from tests.mailbox_server import MailboxServer
from tests.processes import ProcessDatabase, manage, portal_env, start_manage
from tests.smtp import SMTPServer, free_port

BOUNCE_ADDRESS = "bounces@news.example.org"
SEED = """
from newsletters.mail.send_queue import start_send
from tests.factories import make_confirmed_subscribers, make_issue, make_section
make_confirmed_subscribers(3)
issue = make_issue(title="Summer 2022")
make_section(issue, title="Digital trade")
print("queued", start_send(issue).recipient_count)
"""


@pytest.fixture
def portal(tmp_path):
    """A database where the worker has sent an issue to three subscribers,
    and {address: return path} of what it sent."""
    with ProcessDatabase(tmp_path) as database, SMTPServer() as sink:
        env = portal_env(
            database.url, tmp_path, EMAIL_PORT=sink.port, NEWSLETTER_BOUNCE_ADDRESS=BOUNCE_ADDRESS
        )
        manage("migrate", "--no-input", env=env)
        assert "queued 3" in manage("shell", "-c", SEED, env=env).stdout
        manage("send_deliveries", "--no-progress", env=env)
        return_paths = dict(zip(sink.handler.recipients(), sink.handler.senders, strict=True))
        assert len(return_paths) == 3
        yield database, env, return_paths


def suppressed(database):
    return {
        email
        for (email,) in database.query(
            "SELECT email FROM newsletters_suppression WHERE lifted_at IS NULL"
        )
    }


def returned(database):
    return database.query("SELECT kind, email FROM newsletters_returnedmail ORDER BY id")


def test_returned_mail_piped_to_receive_bounce_suppresses_exactly_the_bounced_subscriber(portal):
    database, env, return_paths = portal
    path = return_paths["reader1@example.net"]

    result = manage("receive_bounce", env=env, input=dsn("reader1@example.net", to=path).decode())

    assert "Hard bounce reader1@example.net" in result.stderr
    assert suppressed(database) == {"reader1@example.net"}

    # An out-of-office reply changes nothing; what nobody can attribute is kept.
    manage(
        "receive_bounce",
        env=env,
        input=out_of_office("reader0@example.net", to=return_paths["reader0@example.net"]).decode(),
    )
    manage("receive_bounce", env=env, input=dsn("stranger@example.org").decode())

    assert suppressed(database) == {"reader1@example.net"}
    assert returned(database) == [
        ("hard", "reader1@example.net"),
        ("auto_reply", "reader0@example.net"),
        ("unattributed", "stranger@example.org"),
    ]
    [(message,)] = database.query(
        "SELECT message FROM newsletters_returnedmail WHERE kind = 'unattributed'"
    )
    assert "Final-Recipient: rfc822; stranger@example.org" in message


def test_receive_bounce_asks_the_mail_server_to_try_again_when_the_database_is_away(tmp_path):
    env = portal_env(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}", tmp_path, EMAIL_PORT=1)

    result = manage("receive_bounce", env=env, input="Subject: x\n\nx\n", check=False)

    assert result.returncode == 75  # EX_TEMPFAIL: the mail server keeps the message
    assert "try again later" in result.stderr


def test_bounces_and_complaints_handed_over_lmtp_are_recorded_one_per_recipient(portal, tmp_path):
    database, env, return_paths = portal
    port = free_port()
    server = start_manage("receive_bounces_lmtp", "--port", str(port), env=env, log_folder=tmp_path)
    try:
        lmtp = connect_lmtp(port, server)
        refused = lmtp.sendmail(
            "",
            [return_paths["reader2@example.net"], BOUNCE_ADDRESS],
            dsn("reader2@example.net", to=return_paths["reader2@example.net"]),
        )
        # The second recipient is asked to come again, in a transaction of its own.
        assert refused == {BOUNCE_ADDRESS: (452, refused[BOUNCE_ADDRESS][1])}
        lmtp.sendmail("", [BOUNCE_ADDRESS], out_of_office("reader0@example.net"))
        # A mailbox provider's complaint about the issue reader1 received.
        [(message_id,)] = database.query(
            "SELECT d.message_id FROM newsletters_delivery d"
            " JOIN newsletters_subscriber s ON s.id = d.subscriber_id WHERE s.email = %s",
            ["reader1@example.net"],
        )
        lmtp.sendmail("", [BOUNCE_ADDRESS], complaint("reader1@example.net", message_id=message_id))
        lmtp.quit()
    finally:
        server.process.send_signal(signal.SIGTERM)
        exit_status = server.wait(timeout=30)

    assert exit_status == 0
    assert suppressed(database) == {"reader2@example.net", "reader1@example.net"}
    assert [kind for kind, _email in returned(database)] == ["hard", "auto_reply", "complaint"]
    assert database.query(
        "SELECT status FROM newsletters_subscriber WHERE email = %s", ["reader1@example.net"]
    ) == [("unsubscribed",)]


def connect_lmtp(port, server, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return smtplib.LMTP("127.0.0.1", port)
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"receive_bounces_lmtp did not listen:\n{server.stderr()}"
                ) from None
            time.sleep(0.1)


@pytest.mark.parametrize("scheme", ["imaps", "pop3s"])
def test_fetch_bounces_reads_the_bounce_mailbox_over_tls_and_empties_it(portal, scheme):
    database, env, return_paths = portal
    with MailboxServer() as mailbox:
        mailbox.deliver(dsn("reader0@example.net", to=return_paths["reader0@example.net"]))
        mailbox.deliver(out_of_office("reader2@example.net"))
        mailbox.deliver(b"Subject: Hello\r\n\r\nWho is this?\r\n")
        fetch_env = {
            **env,
            "NEWSLETTER_BOUNCE_MAILBOX": mailbox.url(scheme),
            "NEWSLETTER_BOUNCE_MAILBOX_CA": str(mailbox.certificate),
        }

        result = manage("fetch_bounces", "--no-progress", env=fetch_env)
        again = manage("fetch_bounces", "--no-progress", env=fetch_env)
        untrusted = manage(
            "fetch_bounces",
            "--no-progress",
            env={**fetch_env, "NEWSLETTER_BOUNCE_MAILBOX_CA": ""},
            check=False,
        )

        assert "Recorded 3 messages." in result.stdout
        assert mailbox.messages_left() == 0
        assert "Recorded 0 messages." in again.stdout
    assert suppressed(database) == {"reader0@example.net"}
    assert sorted(kind for kind, _email in returned(database)) == [
        "auto_reply",
        "hard",
        "unattributed",
    ]
    # A certificate nobody vouches for is refused, with a clear message.
    assert untrusted.returncode == 1
    assert "Could not read the bounce mailbox" in untrusted.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
