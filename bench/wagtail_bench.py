"""Benchmark: what publishing Summer 2022 costs the portal, side by side with
a stock Wagtail site rendering the same content.

    bench/wagtail/setup.sh    # var/wagtail-venv, once
    .venv/bin/python bench/wagtail_bench.py [--rounds 20] [--blocks 3] [--databases sqlite postgres]

- Portal (this venv): the issue fetched by its slug, `build_page()`, and
  newsletters/issue_article.html rendered in English: the article without
  the site's shell, measured as a function, so the page cache plays no part.
- Wagtail (var/wagtail-venv, bench/wagtail/site/): the page fetched fresh
  from the database, `page.specific.serve(request)` and its TemplateResponse
  rendered, with Django's cache cleared before each round.

Both load their content from newsletters/demo/ into a database of their own
(SQLite files in a temporary folder; with `postgres`, two databases on the
server DATABASE_URL names, as bin/with-postgres starts it). The two sides
take turns, `--blocks` blocks of `--rounds` rounds each after a warm-up, so
a change in the machine's load falls on both. Prints a Markdown table: see
"Publishing cost against Wagtail" in bench/README.md.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WAGTAIL_PYTHON = ROOT / "var" / "wagtail-venv" / "bin" / "python"
WAGTAIL_MANAGE = ROOT / "bench" / "wagtail" / "site" / "manage.py"
SLUG = "summer-2022"
TARGET = 1.5  # the issue's goal: Wagtail's time at least 1.5 × the portal's
WARMUP = 5


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds per block")
    parser.add_argument("--blocks", type=int, default=3, help="turns each side takes")
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"]
    )
    # The portal's side, run by this script in a process of its own.
    parser.add_argument("--portal", choices=["setup", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--html", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 1 or args.blocks < 1:
        parser.error("--rounds and --blocks must be at least 1.")
    if args.portal:
        portal_side(args.portal, args.rounds, args.html)
        return
    if not WAGTAIL_PYTHON.exists():
        sys.exit("No Wagtail environment in var/wagtail-venv: run bench/wagtail/setup.sh first.")
    if "postgres" in args.databases and not os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        sys.exit("--databases postgres needs DATABASE_URL: run it under bin/with-postgres.")
    results = [compare(database, args.rounds, args.blocks) for database in args.databases]
    print(report(results, args.rounds, args.blocks))


def compare(database, rounds, blocks):
    """Both sides on `database`, taking turns; their times and queries."""
    with tempfile.TemporaryDirectory(prefix="msme-wagtail-bench.") as work:
        work = Path(work)
        with databases(database, work) as (portal_url, wagtail_url):
            portal_env = portal_environment(portal_url, work)
            # Its own settings, whatever the portal's environment names.
            wagtail_env = {
                **os.environ,
                "WAGTAIL_BENCH_DATABASE": wagtail_url,
                "DJANGO_SETTINGS_MODULE": "wagtail_site.settings",
            }
            wagtail_env["WAGTAIL_BENCH_MEDIA_ROOT"] = str(work / "wagtail-media")
            print(f"==> {database}: loading Summer 2022 into both sites", file=sys.stderr)
            portal_command = [sys.executable, __file__]
            run([*portal_command, "--portal", "setup"], portal_env)
            run([WAGTAIL_PYTHON, WAGTAIL_MANAGE, "migrate", "--noinput", "-v", "0"], wagtail_env)
            run([WAGTAIL_PYTHON, WAGTAIL_MANAGE, "load_summer_2022"], wagtail_env)
            portal = {"times_ms": []}
            wagtail = {"times_ms": []}
            for block in range(blocks):
                print(f"==> {database}: block {block + 1} of {blocks}", file=sys.stderr)
                measured = json_output(
                    [
                        *portal_command,
                        "--portal",
                        "measure",
                        "--rounds",
                        str(rounds),
                        "--html",
                        str(work / "portal.html"),
                    ],
                    portal_env,
                )
                portal["times_ms"] += measured["times_ms"]
                portal["queries"] = measured["queries"]
                measured = json_output(
                    [
                        WAGTAIL_PYTHON,
                        WAGTAIL_MANAGE,
                        "measure_render",
                        "--rounds",
                        str(rounds),
                        "--warmup",
                        str(WARMUP),
                        "--html",
                        str(work / "wagtail.html"),
                    ],
                    wagtail_env,
                )
                wagtail["times_ms"] += measured["times_ms"]
                wagtail["queries"] = measured["queries"]
            portal["outline"] = outline((work / "portal.html").read_text(encoding="utf-8"))
            wagtail["outline"] = outline((work / "wagtail.html").read_text(encoding="utf-8"))
    return {"database": database, "portal": portal, "wagtail": wagtail}


@contextmanager
def databases(database, work):
    """(portal's database, Wagtail's database): SQLite files in `work`, or two
    fresh databases on DATABASE_URL's server, dropped afterwards."""
    if database == "sqlite":
        yield f"sqlite:///{work}/portal.sqlite3", str(work / "wagtail.sqlite3")
        return
    import psycopg

    server = urlsplit(os.environ["DATABASE_URL"])
    names = ["wagtail_bench_portal", "wagtail_bench_site"]
    connect = {"host": server.hostname, "port": server.port, "user": server.username}
    if server.password:
        connect["password"] = server.password
    with psycopg.connect(dbname="postgres", autocommit=True, **connect) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(urlunsplit(server._replace(path=f"/{name}")) for name in names)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **connect) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def portal_environment(database_url, work):
    """The portal's production settings, debug off, on `database_url`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msme_portal.settings",
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
    }


def run(command, env):
    subprocess.run([str(part) for part in command], env=env, check=True, stdout=sys.stderr)


def json_output(command, env):
    result = subprocess.run(
        [str(part) for part in command], env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def portal_side(step, rounds, html_path):
    """In the portal's own process: load the content (`setup`), or time the
    article's build and render (`measure`), printing JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    if step == "setup":
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", verbosity=0)
        # Production settings serve static files from their manifest.
        call_command("collectstatic", verbosity=0, interactive=False)
        return
    translation.activate("en")
    for _ in range(WARMUP):  # templates compiled, as on a running site
        render_portal_article()
    times = []
    for _ in range(rounds):
        cache.clear()
        start = time.perf_counter()
        render_portal_article()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        html = render_portal_article()
    if html_path:
        html_path.write_text(html, encoding="utf-8")
    print(json.dumps({"times_ms": times, "queries": len(queries)}))


def render_portal_article():
    """The issue from the database, its IssuePage built, the article rendered:
    what publishing the page costs before any cache can help."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from newsletters.issue_page import build_page
    from newsletters.models import Issue

    request = RequestFactory().get(f"/issues/{SLUG}/")
    page = build_page(Issue.objects.published().get(slug=SLUG))
    return render_to_string(
        "newsletters/issue_article.html", page.template_context(), request=request
    )


class Outline(HTMLParser):
    """What a page holds, to check both sites show the same content."""

    def __init__(self):
        super().__init__()
        self.sections, self.questions, self.list_items, self.links = [], 0, 0, 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section":
            self.sections.append(attributes.get("id"))
        elif tag == "dt":
            self.questions += 1
        elif tag == "li":
            self.list_items += 1
        elif tag == "a" and not attributes.get("href", "#").startswith("#"):
            self.links += 1


def outline(html):
    parser = Outline()
    parser.feed(html)
    return {
        "sections": parser.sections,
        "terms": parser.questions,
        "list_items": parser.list_items,
        "external_links": parser.links,
        "kilobytes": round(len(html.encode()) / 1024),
    }


def summary(times):
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[-1]


def report(results, rounds, blocks):
    lines = [
        "### Publishing cost of Summer 2022: the portal against a stock Wagtail site",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()}"
        f" CPUs; {blocks} turns of {rounds} rounds per side after {WARMUP} warm-up rounds"
        " each, the database on the same machine. Portal: fetch the issue, `build_page()`,"
        " render `issue_article.html`. Wagtail: fetch the page, `serve()`, render.",
        "",
        "| Database | Portal median (p95) ms | Wagtail median (p95) ms | Wagtail / portal"
        " | SQL queries portal / Wagtail | Target ≥ 1.5 × |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for result in results:
        portal_median, portal_p95 = summary(result["portal"]["times_ms"])
        wagtail_median, wagtail_p95 = summary(result["wagtail"]["times_ms"])
        ratio = wagtail_median / portal_median
        name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[result["database"]]
        lines.append(
            f"| {name} | {portal_median:.1f} ({portal_p95:.1f}) | {wagtail_median:.1f}"
            f" ({wagtail_p95:.1f}) | {ratio:.2f} × | {result['portal']['queries']} /"
            f" {result['wagtail']['queries']} | {'PASS' if ratio >= TARGET else 'MISS'} |"
        )
    lines += ["", *content_check(results[-1])]
    return "\n".join(lines)


def content_check(result):
    """One line on what both pages hold, and any section one of them lacks."""
    portal, wagtail = result["portal"]["outline"], result["wagtail"]["outline"]
    lines = [
        "Both pages hold: sections {} / {}, questions and officers (`<dt>`) {} / {},"
        " list items {} / {}, links out {} / {}; HTML {} / {} KB (portal / Wagtail).".format(
            *(
                value
                for key in ("sections", "terms", "list_items", "external_links", "kilobytes")
                for value in (
                    (len(portal[key]), len(wagtail[key]))
                    if key == "sections"
                    else (portal[key], wagtail[key])
                )
            )
        )
    ]
    only_portal = sorted(set(portal["sections"]) - set(wagtail["sections"]))
    only_wagtail = sorted(set(wagtail["sections"]) - set(portal["sections"]))
    if only_portal or only_wagtail:
        lines.append(
            f"Sections only the portal shows: {only_portal or 'none'};"
            f" only Wagtail: {only_wagtail or 'none'}."
        )
    return lines


if __name__ == "__main__":
    main()
