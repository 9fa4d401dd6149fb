"""Benchmark: the Summer 2022 issue's PDF edition (newsletters/pdf_edition.py).

    .venv/bin/python bench/pdf_bench.py [--rounds 3]

Measures, in one run, for English and French: rendering the HTML the PDF is
typeset from (the reference: what the web page costs too), typesetting it
with WeasyPrint (PDF/UA-1, fonts embedded), the PDF's size and pages, and
the peak Python memory while typesetting (tracemalloc, in a round of its
own, as it slows Python down). Prints a Markdown
table with medians of `--rounds`.

Uses DJANGO_SETTINGS_MODULE (default tests.settings) and DATABASE_URL;
without one, a throwaway SQLite file in a temporary folder.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(folder):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/pdf_bench.sqlite3")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        import pikepdf

        from newsletters.models import Issue
        from newsletters.pdf_edition import pdf_html, typeset

        issue = Issue.objects.get(slug="summer-2022")
        print("| language | HTML (ms) | typeset (ms) | ratio | peak memory | size | pages |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for language in ("en", "fr"):
            html_times, pdf_times = [], []
            for _ in range(options.rounds):
                html, seconds = timed(pdf_html, issue, language)
                html_times.append(seconds)
                data, seconds = timed(typeset, html)
                pdf_times.append(seconds)
            # Memory in a round of its own: tracemalloc slows Python down.
            tracemalloc.start()
            typeset(html)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            pages = len(pikepdf.open(io.BytesIO(data)).pages)
            html_ms = statistics.median(html_times) * 1000
            pdf_ms = statistics.median(pdf_times) * 1000
            print(
                f"| {language} | {html_ms:.0f} | {pdf_ms:.0f} | {pdf_ms / html_ms:.0f}× "
                f"| {peak / 1e6:.0f} MB | {len(data) / 1024:.0f} KB | {pages} |"
            )


if __name__ == "__main__":
    main()
