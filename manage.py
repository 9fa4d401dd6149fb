#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

VAR_DIR = Path(__file__).resolve().parent / "var"
# The signing key `make run` generated for this checkout, if there is one, so
# local commands work without exporting it. Servers set their own key.
LOCAL_SECRET_KEY_FILE = VAR_DIR / "secret_key"
# The configuration `make run` serves the site with (debug, the mail folder),
# so that any command run beside it behaves the same. DJANGO_ENV_FILE names
# another file; set to an empty value, no file is read.
LOCAL_ENV_FILE = VAR_DIR / "local.env"


def local_env_file():
    """The environment file to read, or None."""
    named = os.environ.get("DJANGO_ENV_FILE")
    if named is None:
        return LOCAL_ENV_FILE if LOCAL_ENV_FILE.exists() else None
    if not named:
        return None
    if not Path(named).is_file():
        sys.exit(f"DJANGO_ENV_FILE names {named}, which is not a file.")
    return Path(named)


def load_env_file(path):
    """Set each NAME=value line of `path` in the environment, unless the
    environment already has NAME: what is exported wins. Blank lines and
    lines starting with # are skipped; values are taken as written."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip():
            sys.exit(f"{path}, line {number}: expected NAME=value, got {line!r}.")
        os.environ.setdefault(name.strip(), value.strip())


def main():
    """Run administrative tasks."""
    if env_file := local_env_file():
        load_env_file(env_file)
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
