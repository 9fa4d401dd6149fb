"""Benchmark: mailing an issue to 1,000 and 10,000 subscribers.

    .venv/bin/python bench/send_bench.py [--sizes 1000 10000] [--batch-size 100]

Runs the real path (start_send, then the send worker with Django's SMTP
backend, one connection per batch, one commit per delivery) into a local SMTP
sink (aiosmtpd, in its own process, counting and discarding messages), beside
the same sink fed by a bare smtplib loop that sends one pre-rendered message
per recipient over a single connection: the ceiling for this machine. Prints
messages per second, the worker's peak Python memory (tracemalloc, in a
second pass) and a Markdown table.

Uses DJANGO_SETTINGS_MODULE (default tests.settings) and DATABASE_URL; without
one, a throwaway SQLite file in a temporary folder, deleted afterwards.
"""

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Sink:
    """The SMTP sink (tests/smtp.py) in a child process, so it does not share our GIL."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self.process.stdout.readline())

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        count, unique = self.process.stdout.readline().split()
        return int(count), int(unique)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def ensure_postgres_database(url):
    """Create the PostgreSQL database named in `url` if the server lacks it
    (bin/with-postgres starts an empty server)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    server = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django(database_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{database_dir}/send_bench.sqlite3"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def use_sqlite_journal(mode, synchronous):
    """SQLite's default journal syncs the disk several times per commit, and
    the worker commits once per message; WAL (which we recommend for a
    SQLite deployment, via DATABASES OPTIONS init_command) syncs once, and
    with synchronous=NORMAL not at every commit: still safe when a worker is
    killed, though a power cut may lose the last few "sent" records."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA journal_mode={mode}")
        journal = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA synchronous={synchronous}")
    return f"journal {journal}, synchronous {synchronous}"


def configure_smtp(port):
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""


def make_issue():
    """The built-in Summer 2022 issue: a full-size, realistic newsletter."""
    from django.core.management import call_command

    from newsletters.demo.content import read_issue
    from newsletters.models import Issue

    call_command("load_demo", verbosity=0)
    return Issue.objects.get(slug=read_issue()["slug"])


def reset_subscribers(count):
    from django.utils import timezone

    from newsletters.models import Delivery, IssueSend, Subscriber, SubscriberStatus

    Delivery.objects.all().delete()
    IssueSend.objects.all().delete()
    Subscriber.objects.all().delete()
    now = timezone.now()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{n}@bench.example.net",
                name=f"Reader {n}" if n % 2 else "",
                status=SubscriberStatus.CONFIRMED,
                consent_given_at=now,
                confirmed_at=now,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def run_worker(issue, count, batch_size, sink, trace):
    from newsletters.mail.send_queue import start_send
    from newsletters.mail.worker import Worker
    from newsletters.models import Delivery, DeliveryStatus

    reset_subscribers(count)
    sink.ask("reset")
    start_send(issue)
    worker = Worker(batch_size=batch_size)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    worker.run()
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    received, unique = sink.ask("count")
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    if not (received == unique == sent == count):
        raise SystemExit(f"Expected {count} messages, sink got {received} ({unique} unique)")
    return elapsed, peak


def run_bare(issue, count, sink):
    """One pre-rendered message, sent to each recipient over one connection."""
    from django.conf import settings

    from newsletters.mail.issue_email import IssueEmail
    from newsletters.models import Subscriber

    subscriber = Subscriber.objects.order_by("pk").first()
    raw = IssueEmail.for_issue(issue).message_for(subscriber).message().as_bytes(linesep="\r\n")
    sink.ask("reset")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for n in range(count):
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [f"reader{n}@bench.example.net"], raw)
    elapsed = time.perf_counter() - started
    received, unique = sink.ask("count")
    if not (received == unique == count):
        raise SystemExit(f"Bare loop: expected {count} messages, sink got {received}")
    return elapsed, len(raw)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc pass.")
    parser.add_argument(
        "--sqlite-journal",
        default="wal",
        choices=["wal", "delete"],
        help="SQLite journal mode for the throwaway database (default wal).",
    )
    parser.add_argument(
        "--sqlite-synchronous",
        default="full",
        choices=["full", "normal"],
        help="SQLite synchronous setting (default full, SQLite's own default).",
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="send-bench-") as database_dir:
        setup_django(database_dir)
        from django.db import connection

        journal = use_sqlite_journal(options.sqlite_journal, options.sqlite_synchronous)

        sink = Sink()
        try:
            configure_smtp(sink.port)
            issue = make_issue()
            rows = []
            for count in options.sizes:
                elapsed, _ = run_worker(issue, count, options.batch_size, sink, trace=False)
                bare_elapsed, size = run_bare(issue, count, sink)
                peak = None
                if not options.no_memory:
                    _, peak = run_worker(issue, count, options.batch_size, sink, trace=True)
                rows.append((count, count / elapsed, count / bare_elapsed, peak, size))
                print(
                    f"{count} subscribers: worker {count / elapsed:.0f} msg/s, "
                    f"bare smtplib {count / bare_elapsed:.0f} msg/s",
                    file=sys.stderr,
                )
        finally:
            sink.close()

    print()
    print(
        f"Database: {connection.vendor}{f' ({journal})' if journal else ''}; "
        f"batch size {options.batch_size}; "
        f"message size {rows[0][4] / 1024:.0f} KiB; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs"
    )
    print()
    print(
        "| Subscribers | Worker (msg/s) | Bare smtplib loop (msg/s) | Ratio | Worker peak memory |"
    )
    print("|---:|---:|---:|---:|---:|")
    for count, worker_rate, bare_rate, peak, _ in rows:
        memory = "–" if peak is None else f"{peak / 2**20:.1f} MiB"
        print(
            f"| {count:,} | {worker_rate:.0f} | {bare_rate:.0f} | "
            f"{worker_rate / bare_rate:.2f} | {memory} |"
        )


if __name__ == "__main__":
    main()
