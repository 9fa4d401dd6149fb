"""Benchmark: a send's delivery log exported as CSV (newsletters/admin/delivery_log.py).

    .venv/bin/python bench/delivery_log_bench.py [--sizes 10000 100000]

For each size, a send with that many deliveries is made (bulk inserts), and
its log is streamed the way the admin streams it, counting the bytes and
the peak Python memory (tracemalloc) while it is consumed. The reference,
in the same run, is the same CSV built whole in memory: its peak grows with
the log, the streamed export's must not. Prints a Markdown table; "peak vs
smallest" is each peak divided by the peak at the smallest size.

Uses DJANGO_SETTINGS_MODULE (default tests.settings) and DATABASE_URL;
without one, a throwaway SQLite file in a temporary folder.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_dir):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_dir}/delivery_log_bench.sqlite3")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_send(size, label):
    from django.utils import timezone

    from newsletters.models import (
        Delivery,
        DeliveryStatus,
        Issue,
        IssueSend,
        IssueStatus,
        Subscriber,
        SubscriberStatus,
    )

    now = timezone.now()
    issue = Issue.objects.create(
        title=f"Bench {label}",
        slug=f"bench-{label}",
        status=IssueStatus.PUBLISHED,
        published_at=now,
    )
    send = IssueSend.objects.create(issue=issue, recipient_count=size)
    for start in range(0, size, 5000):
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{label}-{n}@example.net",
                status=SubscriberStatus.CONFIRMED,
                consent_given_at=now,
                confirmed_at=now,
            )
            for n in range(start, min(start + 5000, size))
        )
        Delivery.objects.bulk_create(
            Delivery(
                send=send,
                issue=issue,
                subscriber=subscriber,
                status=DeliveryStatus.SENT,
                sent_at=now,
                attempts=1,
                message_id=f"<issue-{issue.pk}.sub-{subscriber.pk}@example.org>",
                last_error="",
            )
            for subscriber in subscribers
        )
    return send


def measure(rows):
    """(bytes, peak memory in bytes, seconds) while consuming `rows`."""
    tracemalloc.start()
    started = time.perf_counter()
    size = 0
    for line in rows():
        size += len(line)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from newsletters.admin.delivery_log import delivery_log_rows

        results = []
        for size in sorted(options.sizes):
            print(f"Making a send with {size} deliveries...", file=sys.stderr)
            send = make_send(size, str(size))
            streamed = measure(lambda send=send: delivery_log_rows(send))
            whole = measure(lambda send=send: ["".join(delivery_log_rows(send))])
            results.append((size, streamed, whole))
        smallest_stream, smallest_whole = results[0][1][1], results[0][2][1]
        print(
            "| deliveries | CSV size | streamed peak | peak vs smallest | rows/s "
            "| built whole: peak | peak vs smallest |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for size, (length, peak, seconds), (_l, whole_peak, _s) in results:
            print(
                f"| {size:,} | {length / 1e6:.1f} MB | {peak / 1e6:.1f} MB "
                f"| {peak / smallest_stream:.2f} | {size / seconds:,.0f} "
                f"| {whole_peak / 1e6:.1f} MB | {whole_peak / smallest_whole:.2f} |"
            )


if __name__ == "__main__":
    main()
