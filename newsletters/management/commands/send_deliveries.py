"""Mail the queued deliveries: `manage.py send_deliveries [--loop]`.

Without --loop it sends every pending delivery (waiting for retries that are
due later) and exits, which suits cron or a one-off run after send_issue.
With --loop it keeps polling, to run as a service. Several workers may run
at once on PostgreSQL; on SQLite run one. See newsletters/sending.py for what
happens when a worker is stopped part-way.
"""

import signal
from datetime import timedelta

from django.core.management.base import BaseCommand
from tqdm import tqdm

from newsletters.sending import (
    DEFAULT_BATCH_SIZE,
    MAX_ATTEMPTS,
    RETRY_DELAY,
    STALE_AFTER,
    Worker,
    outstanding_count,
)


class Command(BaseCommand):
    help = "Send the pending newsletter deliveries over SMTP, in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running and poll for new deliveries."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Deliveries claimed at a time and sent over one SMTP connection "
            f"(default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--poll-interval",
            type=float,
            default=5.0,
            help="Seconds between looks at the queue when it is empty (default 5).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=MAX_ATTEMPTS,
            help=f"Attempts before a delivery is failed (default {MAX_ATTEMPTS}).",
        )
        parser.add_argument(
            "--retry-delay",
            type=float,
            default=RETRY_DELAY.total_seconds(),
            help="Seconds before the first retry; it doubles with each attempt "
            f"(default {RETRY_DELAY.total_seconds():.0f}).",
        )
        parser.add_argument(
            "--stale-after",
            type=float,
            default=STALE_AFTER.total_seconds() / 60,
            help="Minutes after which a delivery left 'sending' by a stopped worker is "
            f"queued again (default {STALE_AFTER.total_seconds() / 60:.0f}).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        progress = tqdm(
            total=outstanding_count(),
            unit="msg",
            desc="Sending",
            file=self.stderr._out,
            disable=options["no_progress"] or None,
        )

        processed = 0

        def on_progress(delivery):
            nonlocal processed
            processed += 1
            if processed > progress.total:
                # New work arrived while looping.
                progress.total = outstanding_count() + processed
            progress.update(1)

        worker = Worker(
            batch_size=max(1, options["batch_size"]),
            max_attempts=max(1, options["max_attempts"]),
            retry_delay=timedelta(seconds=options["retry_delay"]),
            stale_after=timedelta(minutes=options["stale_after"]),
            poll_interval=options["poll_interval"],
            on_progress=on_progress,
        )

        def stop(signum, frame):
            # Finish the message in hand, record it, then leave.
            worker.stopping = True

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            worker.run(loop=options["loop"])
        except KeyboardInterrupt:
            worker.stopping = True
        finally:
            signal.signal(signal.SIGTERM, previous)
            progress.close()
        self.stdout.write(f"Processed {processed} deliveries.")
