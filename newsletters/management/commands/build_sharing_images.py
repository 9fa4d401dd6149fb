"""Make the issues' sharing images that are missing: `manage.py build_sharing_images`.

The send worker does this by itself when idle; this command does it at
once, for example after a deployment that changed the cards' design
(`--all` checks every card even if no content changed).
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from newsletters.sharing_images import build_changed_cards


class Command(BaseCommand):
    help = "Make the sharing images of the published issues that have no cover."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Check every card, even without a content change."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        progress = tqdm(
            unit="issue",
            desc="Sharing images",
            file=self.stderr._out,
            disable=options["no_progress"] or None,
        )

        def on_progress(issue, total):
            progress.total = total
            progress.update(1)

        try:
            made = build_changed_cards(force=options["all"], on_progress=on_progress)
        finally:
            progress.close()
        self.stdout.write(f"Made {made} sharing images.")
