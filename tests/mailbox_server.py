"""A real mailbox server for tests: Debian's Dovecot (dovecot-imapd,
dovecot-pop3d) on loopback, IMAP and POP3 over TLS only, with one user and
a Maildir the test fills, started and stopped by the test.

    with MailboxServer() as server:
        server.deliver(raw_message)
        ...  # imaps://bounces:<server.password>@127.0.0.1:<server.imaps_port>/INBOX

Its certificate is self-signed for 127.0.0.1 (`server.certificate` is also
the CA bundle to trust). Run as root, Dovecot gives the mail to `nobody`.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "bounces"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailboxServer:
    def __init__(self):
        # Not under pytest's tmp_path, which only root may enter: the mail
        # processes run as another user.
        self.folder = Path(tempfile.mkdtemp(prefix="msme-dovecot-"))
        self.folder.chmod(0o755)
        self.password = uuid.uuid4().hex
        self.imaps_port = free_port()
        self.pop3s_port = free_port()
        self.certificate = self.folder / "cert.pem"
        self.process = None
        if os.getuid() == 0:
            account = pwd.getpwnam("nobody")
            self.mail_user = account
            self.service_user, self.login_user = "dovecot", "dovenull"
        else:
            account = pwd.getpwuid(os.getuid())
            self.mail_user = account
            self.service_user = self.login_user = account.pw_name
        self.maildir = self.folder / "mail" / USER

    def __enter__(self):
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(self.folder / "key.pem"),
                "-out",
                str(self.certificate),
            ],
            check=True,
            capture_output=True,
        )
        (self.folder / "passwd").write_text(f"{USER}:{{PLAIN}}{self.password}\n")
        config = self.folder / "dovecot.conf"
        config.write_text(self.configuration())
        self.own_mail()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "stderr.log").open("wb"),
            start_new_session=True,
        )
        self.wait_until_listening()
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def configuration(self):
        folder = self.folder
        return f"""
protocols = imap pop3
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
ssl = required
ssl_cert = <{folder}/cert.pem
ssl_key = <{folder}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
default_internal_user = {self.service_user}
default_login_user = {self.login_user}
first_valid_uid = {self.mail_user.pw_uid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={self.mail_user.pw_uid} gid={self.mail_user.pw_gid} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = {self.pop3s_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""

    def own_mail(self):
        for path in [self.folder / "mail", *(self.folder / "mail").rglob("*")]:
            os.chown(path, self.mail_user.pw_uid, self.mail_user.pw_gid)

    def deliver(self, raw):
        """Put `raw` (bytes) in the user's inbox, as a delivery agent would."""
        name = f"{time.time():.6f}.{uuid.uuid4().hex}.test"
        path = self.maildir / "new" / name
        path.write_bytes(raw)
        os.chown(path, self.mail_user.pw_uid, self.mail_user.pw_gid)

    def messages_left(self):
        return len(list((self.maildir / "new").iterdir())) + len(
            list((self.maildir / "cur").iterdir())
        )

    def url(self, scheme):
        port = self.imaps_port if scheme == "imaps" else self.pop3s_port
        path = "/INBOX" if scheme == "imaps" else ""
        return f"{scheme}://{USER}:{self.password}@127.0.0.1:{port}{path}"

    def wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"Dovecot exited:\n{self.logs()}")
            try:
                with (
                    socket.create_connection(("127.0.0.1", self.imaps_port), timeout=1),
                    socket.create_connection(("127.0.0.1", self.pop3s_port), timeout=1),
                ):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"Dovecot did not listen within {timeout} s:\n{self.logs()}")

    def logs(self):
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.folder / "stderr.log", self.folder / "dovecot.log")
            if path.exists()
        )
