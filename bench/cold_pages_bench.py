"""Benchmark: every public page but the issue page with the page cache cold,
against the bare view, on the benchmark archive.

    bin/with-postgres .venv/bin/python bench/cold_pages_bench.py --setup [--rounds 10]

`--setup` makes the database first, as bench/search_bench.py does (migrate,
`manage.py load_demo`, `bench/make_data.py`); without it the database of
DATABASE_URL must hold that archive already.

Each page is requested through Django's test client with production
settings and DummyCache (nothing is stored, so every request builds the page
from the database), one request at a time. The reference is the bare view of
bench/bare_urls.py (the portal's middleware less the HTTP cache, no
database) returning the issue page's HTML, as `make bench` serves it,
measured the same way. The machine's load moves during a run, so the bare
view and the pages are taken in turns: `--rounds` rounds, each of
`--requests` requests of every page and ten times as many of the bare view.

Prints a Markdown table: SQL queries, p50, p99 and mean in ms, and
throughput as a ratio of the bare view's (one request at a time: the ratio
of mean latencies), PASS or MISS against 0.1; and the cold search's p99
against 150 ms.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_bench import (  # noqa: E402
    client_on_archive,
    figures,
    require_postgres,
    timed,
)

PAGES = [
    "/en/",
    "/en/issues/",
    "/en/members/",
    "/en/network/",
    "/en/guides/",
    "/en/meetings/",
    "/en/meetings/2019/",
    "/en/search/?q=trade",
]
SEARCH_PAGE = "/en/search/?q=trade"
ISSUE_PAGE = "/en/issues/summer-2022/"
THROUGHPUT_BUDGET = 0.1  # × the bare view's
SEARCH_P99_BUDGET_MS = 150
BARE_REQUESTS_PER_PAGE_REQUEST = 10


def get_page(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def sql_count(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get_page(client, path)
    return len(captured.captured_queries)


class BareView:
    """The bare view of bench/bare_urls.py, through the portal's middleware
    less the HTTP cache, serving `page`."""

    def __init__(self, page, work):
        page_file = work / "bare-page.html"
        page_file.write_bytes(page)
        os.environ["BENCH_PAGE_FILE"] = str(page_file)
        from django.conf import settings
        from django.test import Client
        from django.test.utils import override_settings

        middleware = [
            name
            for name in settings.MIDDLEWARE
            if name != "msme_portal.http_cache.HttpCacheMiddleware"
        ]
        self.settings = override_settings(ROOT_URLCONF="bench.bare_urls", MIDDLEWARE=middleware)
        with self.settings:
            self.client = Client()  # its handler keeps the middleware above
            assert self.client.get("/page/").content == page

    def measure(self, requests):
        with self.settings:
            return [timed(lambda: self.client.get("/page/")) for _ in range(requests)]


def measure(client, bare, rounds, requests):
    timings = {path: [] for path in PAGES}
    bare_timings = []
    for path in PAGES:  # warm-up: imports, templates, connection
        get_page(client, path)
    bare.measure(100)
    for _ in range(rounds):
        bare_timings += bare.measure(requests * BARE_REQUESTS_PER_PAGE_REQUEST)
        for path in PAGES:
            for _ in range(requests):
                timings[path].append(timed(lambda path=path: get_page(client, path)))
    return timings, bare_timings


def table(rows, bare):
    lines = [
        "| Page | SQL | KiB | p50 ms | p99 ms | mean ms | × bare | ≥ 0.1 × bare |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        page = row["figures"]
        # Throughput, one request at a time: the inverse of the mean latency.
        of_bare = bare["mean"] / page["mean"]
        lines.append(
            f"| `{row['path']}` | {row['queries']} | {row['size'] / 1024:.0f} "
            f"| {page['p50']:.2f} | {page['p99']:.2f} | {page['mean']:.2f} | {of_bare:.3f} "
            f"| {'PASS' if of_bare >= THROUGHPUT_BUDGET else 'MISS'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="make the benchmark archive first")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of every page in turn")
    parser.add_argument("--requests", type=int, default=20, help="requests per page per round")
    args = parser.parse_args()
    require_postgres()

    with tempfile.TemporaryDirectory(prefix="msme-cold-pages-bench.") as folder:
        work = Path(folder)
        client = client_on_archive(work, args.setup)
        bare = BareView(get_page(client, ISSUE_PAGE).content, work)
        timings, bare_timings = measure(client, bare, args.rounds, args.requests)
        rows = [
            {
                "path": path,
                "queries": sql_count(client, path),
                "size": len(get_page(client, path).content),
                "figures": figures(timings[path]),
            }
            for path in PAGES
        ]
        bare_figures = figures(bare_timings)

    search_p99 = figures(timings[SEARCH_PAGE])["p99"]
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPUs, "
        f"{args.rounds} rounds of {args.requests} requests per page, Django's test client, "
        "page cache off (DummyCache), PostgreSQL on the same machine."
    )
    print()
    print(table(rows, bare_figures))
    print()
    print(
        f"Bare Django view (reference), the issue page's HTML: p50 {bare_figures['p50']:.2f} ms, "
        f"p99 {bare_figures['p99']:.2f} ms, mean {bare_figures['mean']:.2f} ms."
    )
    print(
        f"Cold search `{SEARCH_PAGE}`: p99 {search_p99:.1f} ms, "
        f"{'PASS' if search_p99 < SEARCH_P99_BUDGET_MS else 'MISS'} against "
        f"{SEARCH_P99_BUDGET_MS} ms."
    )


if __name__ == "__main__":
    main()
