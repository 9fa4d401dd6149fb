#!/usr/bin/env python
"""The stock Wagtail site of bench/wagtail_bench.py; run with var/wagtail-venv."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wagtail_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
