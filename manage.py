#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

# The signing key `make run` generated for this checkout, if there is one, so
# local commands work without exporting it. Servers set their own key.
LOCAL_SECRET_KEY_FILE = Path(__file__).resolve().parent / "var" / "secret_key"


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msme_portal.settings")
    if LOCAL_SECRET_KEY_FILE.exists():
        os.environ.setdefault("DJANGO_SECRET_KEY_FILE", str(LOCAL_SECRET_KEY_FILE))
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
