"""Mail the queued deliveries: `manage.py send_deliveries [--loop]`.

Without --loop it sends every pending delivery (waiting for retries that are
due later, for other workers' claims, and for a mail server that does not
answer) and exits, which suits cron or a one-off run after send_issue. With
--loop it keeps polling, to run as a service. Several workers may run at
once on PostgreSQL; on SQLite run one. A worker that is killed, however, has
its deliveries taken over by the next worker that starts; see
docs/architecture.md, "Sending an issue", for the guarantees and their
limits.
"""

import signal
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from newsletters.mail.outages import MailServerDown, local_time
from newsletters.mail.send_queue import outstanding_count
from newsletters.mail.worker import (
    DEFAULT_BATCH_SIZE,
    MAX_ATTEMPTS,
    MAX_OUTAGE_DELAY,
    OUTAGE_DELAY,
    RETRY_DELAY,
    Worker,
)


class Command(BaseCommand):
    help = (
        "Send the pending newsletter deliveries over SMTP, in batches. The deliveries "
        "of a worker that died are taken over at once; while the mail server does not "
        "answer, the worker waits and retries without using up the deliveries' attempts."
    )

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
            help="Seconds before the first retry of a delivery the server put off; it "
            f"doubles with each attempt (default {RETRY_DELAY.total_seconds():.0f}).",
        )
        parser.add_argument(
            "--outage-retry",
            type=float,
            default=OUTAGE_DELAY.total_seconds(),
            help="Seconds before trying again a mail server that does not answer; it "
            "doubles with each try, up to --outage-retry-max "
            f"(default {OUTAGE_DELAY.total_seconds():.0f}).",
        )
        parser.add_argument(
            "--outage-retry-max",
            type=float,
            default=MAX_OUTAGE_DELAY.total_seconds(),
            help="Longest wait between two tries to reach the mail server "
            f"(default {MAX_OUTAGE_DELAY.total_seconds():.0f}).",
        )
        parser.add_argument(
            "--give-up-after",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Stop with exit status 1 when the mail server has not answered for this "
            "long; the deliveries stay queued. By default the worker keeps trying.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        for name in ("batch_size", "max_attempts"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        for name in ("poll_interval", "retry_delay", "outage_retry", "outage_retry_max"):
            if options[name] <= 0:
                raise CommandError(f"--{name.replace('_', '-')} must be more than 0 seconds.")
        give_up_after = options["give_up_after"]
        if give_up_after is not None and give_up_after < 0:
            raise CommandError("--give-up-after must be 0 seconds or more.")

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

        def notify(text):
            # Above the progress bar, which stays at the bottom.
            progress.write(text, file=self.stderr._out)

        worker = Worker(
            batch_size=options["batch_size"],
            max_attempts=options["max_attempts"],
            retry_delay=timedelta(seconds=options["retry_delay"]),
            poll_interval=options["poll_interval"],
            outage_delay=timedelta(seconds=options["outage_retry"]),
            max_outage_delay=timedelta(seconds=options["outage_retry_max"]),
            give_up_after=None if give_up_after is None else timedelta(seconds=give_up_after),
            on_progress=on_progress,
            notify=notify,
        )

        if worker.throttle.per_minute and progress.total:
            minutes = worker.throttle.seconds_for(progress.total) / 60
            notify(
                f"At most {worker.throttle.per_minute} messages a minute "
                f"(NEWSLETTER_SEND_RATE): about {minutes:.0f} min for {progress.total} messages, "
                f"ending near {local_time(timezone.now() + timedelta(minutes=minutes))}."
            )

        def stop(signum, frame):
            # Finish the message in hand, record it, then leave.
            worker.stopping = True

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            worker.run(loop=options["loop"])
        except KeyboardInterrupt:
            worker.stopping = True
        except MailServerDown as error:
            raise CommandError(str(error)) from error
        finally:
            signal.signal(signal.SIGTERM, previous)
            progress.close()
            self.stdout.write(f"Processed {processed} deliveries.")
