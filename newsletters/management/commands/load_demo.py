"""Load the portal's built-in content: the Summer 2022 issue and its registers.

Safe to run again: nothing is duplicated, register rows that exist are left
as they are, and an existing demo issue is kept with the Secretariat's edits
unless --reset is given.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsletters.demo.content import DemoDataError, read_issue
from newsletters.demo.loader import DemoLoader, total_steps


class Command(BaseCommand):
    help = (
        "Load the Summer 2022 issue with its member economies, Network organizations, "
        "guides and meetings. Existing rows are kept; --reset recreates the issue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo issue, with any edits made to it, and create it again.",
        )

    def handle(self, *args, reset=False, verbosity=1, **options):
        try:
            loader = self.load(reset, verbosity)
        except DemoDataError as error:
            raise CommandError(f"The demo content cannot be loaded: {error}") from None

        for tally in loader.tallies:
            self.stdout.write(f"{tally.label}: {tally.created} created, {tally.kept} kept.")
        title = read_issue()["title"]
        if loader.issue_outcome == "kept":
            self.stdout.write(
                self.style.WARNING(
                    f'Issue "{title}" already exists: kept as it is, with any edits. '
                    "Use --reset to delete it and load it again."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f'Issue "{title}" {loader.issue_outcome}.'))

    def load(self, reset, verbosity):
        # The bar goes to stderr and only to a terminal, so logs and tests see
        # just the summary.
        with tqdm(
            total=total_steps(),
            desc="Loading demo content",
            unit="row",
            file=sys.stderr,
            disable=None if verbosity > 0 else True,
            leave=False,
        ) as bar:
            return DemoLoader(reset=reset, tick=bar.update).run()
