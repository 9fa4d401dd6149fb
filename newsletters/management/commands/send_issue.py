"""Queue an issue for the confirmed subscribers: `manage.py send_issue <slug>`.

Nothing is mailed here; `manage.py send_deliveries` does that.
"""

from django.core.management.base import BaseCommand, CommandError

from newsletters.models import Issue
from newsletters.sending import SendRefused, check_can_send, missing_recipients, start_send


class Command(BaseCommand):
    help = (
        "Queue a published issue for every confirmed subscriber (asks for confirmation). "
        "Run send_deliveries to mail it."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The issue's slug.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--resend-missing",
            action="store_true",
            help="For an issue already sent: queue it for the confirmed subscribers "
            "who have not received it (failed, skipped or subscribed since).",
        )

    def handle(self, *args, slug, yes, resend_missing, **options):
        try:
            issue = Issue.objects.get(slug=slug)
        except Issue.DoesNotExist as error:
            raise CommandError(f"No issue with the slug “{slug}”.") from error
        try:
            check_can_send(issue, resend_missing=resend_missing)
        except SendRefused as error:
            raise CommandError(str(error)) from error
        count = missing_recipients(issue).count()
        what = "Re-send" if resend_missing else "Send"
        if not yes:
            answer = input(f"{what} “{issue}” to {count} confirmed subscribers? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was queued.")
        try:
            send = start_send(issue, resend_missing=resend_missing)
        except SendRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued “{issue}” for {send.recipient_count} subscribers (send {send.pk}). "
                "Run `manage.py send_deliveries` to mail it."
            )
        )
