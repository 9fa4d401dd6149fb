"""Create the local staff account for `make run`, once.

The password is random and printed only when the account is created; running
the command again keeps the account and its password.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a local staff account with a random password (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="secretariat")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Staff account '{username}' already exists; its password is unchanged."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        publishers = Group.objects.filter(name="Publishers").first()
        if publishers:
            user.groups.add(publishers)
        self.stdout.write(self.style.SUCCESS("Created a local staff account for /admin/:"))
        self.stdout.write(f"  username: {username}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write("  (shown only now; keep it)")
