"""Queue an issue for the confirmed subscribers: `manage.py send_issue <slug>`.

Nothing is mailed here; `manage.py send_deliveries` does that.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsletters.mail.email_report import blocking_problems
from newsletters.mail.send_queue import SendRefused, check_can_send, missing_recipients, start_send
from newsletters.models import Issue, SubscriberLanguage


def confirmed_at_terminal(question):
    """Ask `question` and return whether the answer is yes. Without a terminal
    (cron, a pipe, a container) there is nobody to answer: refuse, naming --yes."""
    if sys.stdin is None or not sys.stdin.isatty():
        raise CommandError(
            "This command asks for confirmation, and there is no terminal to answer it. "
            "Pass --yes to confirm on the command line."
        )
    try:
        answer = input(question)
    except EOFError:  # Ctrl-D
        return False
    return answer.strip().lower() in {"y", "yes"}


class Command(BaseCommand):
    help = (
        "Queue a published issue in one language for every confirmed subscriber of that "
        "language (asks for confirmation). "
        "Run send_deliveries to mail it."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The issue's slug.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--language",
            choices=SubscriberLanguage.values,
            default=settings.LANGUAGE_CODE,
            help="The edition to send, to the confirmed subscribers who chose this language "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--resend-missing",
            action="store_true",
            help="For an issue already sent: queue it for the confirmed subscribers "
            "who have not received it (failed, skipped or subscribed since).",
        )
        parser.add_argument(
            "--override-reason",
            default="",
            help="Send although the email's report found problems that would exclude "
            "readers, for this reason (kept with the send).",
        )

    def handle(self, *args, slug, yes, resend_missing, language, override_reason, **options):
        try:
            issue = Issue.objects.get(slug=slug)
        except Issue.DoesNotExist as error:
            raise CommandError(f"No issue with the slug “{slug}”.") from error
        try:
            check_can_send(issue, language=language, resend_missing=resend_missing)
        except SendRefused as error:
            raise CommandError(str(error)) from error
        problems = blocking_problems(issue, [language]).get(language, [])
        override_reason = override_reason.strip()
        if problems:
            listed = "\n".join(f"  - {finding.message} {finding.where}" for finding in problems)
            if not override_reason:
                raise CommandError(
                    "The email's report found problems that would exclude readers:\n"
                    f"{listed}\nFix them, or pass --override-reason to send it anyway."
                )
            self.stderr.write(f"Sending despite the email's report:\n{listed}")
        count = missing_recipients(issue, language).count()
        what = "Re-send" if resend_missing else "Send"
        if not yes:
            question = f"{what} “{issue}” to {count} confirmed subscribers? [y/N] "
            if not confirmed_at_terminal(question):
                raise CommandError("Nothing was queued.")
        try:
            send = start_send(
                issue,
                language=language,
                resend_missing=resend_missing,
                report_problems=[finding.as_dict() for finding in problems],
                report_override_reason=override_reason if problems else "",
            )
        except SendRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued “{issue}” for {send.recipient_count} subscribers (send {send.pk}). "
                "Run `manage.py send_deliveries` to mail it."
            )
        )
