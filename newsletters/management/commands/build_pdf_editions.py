"""Make the PDF editions whose content changed: `manage.py build_pdf_editions`.

The send worker does this by itself when idle (NEWSLETTER_PDF_EDITIONS);
this command does it at once, for example after a deployment that changed
the PDF's layout (`--all` checks every edition even if no content changed).
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from newsletters.pdf_builds import build_changed_editions


class Command(BaseCommand):
    help = "Make the PDF editions of the published issues whose content changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Check every edition, even without a content change."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        progress = tqdm(
            unit="issue",
            desc="PDF editions",
            file=self.stderr._out,
            disable=options["no_progress"] or None,
        )

        def on_progress(issue, total):
            progress.total = total
            progress.update(1)

        try:
            made = build_changed_editions(force=options["all"], on_progress=on_progress)
        finally:
            progress.close()
        self.stdout.write(f"Made {made} PDF editions.")
