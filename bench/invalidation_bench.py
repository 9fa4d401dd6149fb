"""Benchmark: how many stored issue pages one edit makes again, on the
benchmark archive (newsletters/issue_documents.py).

    .venv/bin/python bench/invalidation_bench.py

Builds a throwaway SQLite site with the Summer 2022 issue and the archive of
bench/make_data.py (41 issues), stores every issue page in every language,
then makes one edit of each kind and counts the stored pages it drops (they
are made again on their next visit or the worker's next idle turn), beside
what the site-wide content version alone would drop: every page. Also times
making the dropped pages again against making all of them. Prints a
Markdown table.
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(folder):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{folder}/invalidation.sqlite3",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_PAGE_CACHE": "1",
    }
    os.environ.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_data.py")],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def edits():
    """(what, function) for each kind of edit, on rows of the archive."""
    from guides.models import Guide
    from network.models import MemberEconomy
    from newsletters.models import Issue, Meeting, Section

    def listed_guide():
        guide = Guide.objects.filter(issues__isnull=False).first()
        guide.title += " (revised)"
        guide.save()

    def unlisted_guide():
        guide = Guide.objects.filter(issues__isnull=True).first()
        guide.title += " (revised)"
        guide.save()

    def one_section():
        section = Section.objects.filter(issue__slug="summer-2022").first()
        section.title += " (revised)"
        section.save()

    def economy_joining_today():
        MemberEconomy.objects.create(name="Newcomer", sort_name="Newcomer", joined_on=date.today())

    def economy_joining_in_2019():
        MemberEconomy.objects.create(name="Early", sort_name="Early", joined_on=date(2019, 6, 1))

    def meeting_next_year():
        Meeting.objects.create(title="Next year", date=date.today() + timedelta(days=365))

    def issue_title():
        issue = Issue.objects.published().order_by("published_at")[10]
        issue.title += " (revised)"
        issue.save()

    return [
        ("a guide an issue lists", listed_guide),
        ("a guide no issue lists", unlisted_guide),
        ("a section of Summer 2022", one_section),
        ("a member economy joining today", economy_joining_today),
        ("a member economy joining in 2019", economy_joining_in_2019),
        ("a meeting next year", meeting_next_year),
        ("an issue's title", issue_title),
    ]


def main():
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        from django.core.cache import cache

        from newsletters import issue_documents
        from newsletters.models import IssueDocument

        started = time.perf_counter()
        total = issue_documents.build_missing()
        all_seconds = time.perf_counter() - started
        print(f"{total} stored pages made in {all_seconds:.1f} s\n")
        print("| edit | pages dropped | of | making them again (s) | vs all (s) |")
        print("|---|---:|---:|---:|---:|")
        for what, edit in edits():
            cache.clear()
            before = IssueDocument.objects.count()
            edit()
            dropped = before - IssueDocument.objects.count()
            started = time.perf_counter()
            remade = issue_documents.build_missing()
            seconds = time.perf_counter() - started
            assert remade == dropped, (what, remade, dropped)
            print(f"| {what} | {dropped} | {before} | {seconds:.2f} | {all_seconds:.1f} |")


if __name__ == "__main__":
    main()
