"""Benchmark: the public search with the page cache off, on the benchmark archive.

    bin/with-postgres .venv/bin/python bench/search_bench.py --setup [--requests 200]

`--setup` makes the database first (a fresh one, as `make bench` does:
migrate, `manage.py load_demo`, `bench/make_data.py`); without it the
database of DATABASE_URL must hold that archive already. Static files are
collected into a temporary folder (the production settings need their
manifest to render a page).

Each query is searched `--requests` times through Django's test client, with
production settings and DummyCache (nothing is stored, so every request
builds the page): a word in nearly every section ("trade"), the acronym of
the archive's name ("msme"), a rare word, a two-word query. Requests are
sequential and the queries taken in turns, so each figure is one page's own
cost, not time spent waiting behind other requests.

The references, measured in the same run and the same way:

- the bare Django view of bench/bare_urls.py (the portal's middleware less
  the HTTP cache, no database) returning the saved page of "trade": the
  floor of a Django response;
- each query's SQL, as the search runs it, replayed through a plain cursor:
  what the database alone costs.

Prints a Markdown table: p50, p95, p99 in ms, PASS or MISS against a p99 of
150 ms, and throughput as a ratio of each reference's (one process, one
request at a time: the ratio of mean latencies), the bare view's against
0.1.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["trade", "msme", "uruguay", "digital trade"]
P99_BUDGET_MS = 150
THROUGHPUT_BUDGET = 0.1  # × the bare view's


def production_environment(work):
    """The settings `make bench` serves the site with, less the cache."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msme_portal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ENV_FILE"] = ""
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DJANGO_CACHE_BACKEND"] = "django.core.cache.backends.dummy.DummyCache"
    os.environ["DJANGO_STATIC_ROOT"] = str(work / "static")
    os.environ["DJANGO_MEDIA_ROOT"] = str(work / "media")
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"


def create_database():
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(
        host=url.hostname, port=url.port, user=url.username, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f"CREATE DATABASE {url.path.lstrip('/')}")


def manage(*arguments):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *arguments], check=True)


def set_up_archive():
    create_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("load_demo", "-v", "0")
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_data.py")], check=True)


def require_postgres():
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a PostgreSQL database: run under bin/with-postgres.")


def client_on_archive(work, setup):
    """Django set up with the settings `make bench` serves the site with,
    less the cache, on the benchmark archive (made first with `setup`), and
    a test client for it."""
    production_environment(work)
    if setup:
        set_up_archive()
    manage("collectstatic", "--noinput", "-v", "0")

    import django

    django.setup()
    from django.test import Client

    return Client()


def percentile(sorted_ms, percent):
    return sorted_ms[min(len(sorted_ms) - 1, round(percent / 100 * (len(sorted_ms) - 1)))]


def figures(timings_ns):
    ms = sorted(value / 1e6 for value in timings_ns)
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
    }


def timed(action):
    start = time.perf_counter_ns()
    action()
    return time.perf_counter_ns() - start


def search_page(client, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200, (query, response.status_code)
    return response


def measure_search(client, requests):
    timings = {query: [] for query in QUERIES}
    for query in QUERIES:  # warm-up: imports, templates, connection
        search_page(client, query)
    for _ in range(requests):
        for query in QUERIES:
            timings[query].append(timed(lambda query=query: search_page(client, query)))
    return timings


def recorded_sql(client, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        search_page(client, query)
    return [entry["sql"] for entry in captured.captured_queries]


def measure_sql(statements, requests):
    from django.db import connection

    def replay():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    replay()
    return [timed(replay) for _ in range(requests)]


def measure_bare_view(page, work, requests):
    """The bare view of bench/bare_urls.py serving `page`."""
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    page_file = work / "search-page.html"
    page_file.write_bytes(page)
    os.environ["BENCH_PAGE_FILE"] = str(page_file)
    middleware = [
        name for name in settings.MIDDLEWARE if name != "msme_portal.http_cache.HttpCacheMiddleware"
    ]
    with override_settings(ROOT_URLCONF="bench.bare_urls", MIDDLEWARE=middleware):
        client = Client()  # its handler loads the middleware above
        assert client.get("/page/").content == page
        return [timed(lambda: client.get("/page/")) for _ in range(requests)]


def table(rows, bare_mean):
    lines = [
        "| Query | Results | SQL | p50 ms | p95 ms | p99 ms | SQL alone p50 / p99 ms "
        "| × SQL alone | × bare | p99 < 150 ms | ≥ 0.1 × bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        search, sql = row["search"], row["sql"]
        # Throughput, one request at a time: the inverse of the mean latency.
        of_bare = bare_mean / search["mean"]
        lines.append(
            f"| {row['label']} | {row['results']} | {row['queries']} "
            f"| {search['p50']:.1f} | {search['p95']:.1f} | {search['p99']:.1f} "
            f"| {sql['p50']:.1f} / {sql['p99']:.1f} | {sql['mean'] / search['mean']:.2f} "
            f"| {of_bare:.3f} | {'PASS' if search['p99'] < P99_BUDGET_MS else 'MISS'} "
            f"| {'PASS' if of_bare >= THROUGHPUT_BUDGET else 'MISS'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="make the benchmark archive first")
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    args = parser.parse_args()
    require_postgres()

    with tempfile.TemporaryDirectory(prefix="msme-search-bench.") as folder:
        work = Path(folder)
        client = client_on_archive(work, args.setup)
        from newsletters.models import Section

        timings = measure_search(client, args.requests)
        rows = []
        for query in QUERIES:
            statements = recorded_sql(client, query)
            html = search_page(client, query).content.decode()
            rows.append(
                {
                    "label": f"`{query}`",
                    "results": html.count('class="result"'),
                    "queries": len(statements),
                    "search": figures(timings[query]),
                    "sql": figures(measure_sql(statements, args.requests)),
                }
            )
        bare = figures(measure_bare_view(search_page(client, "trade").content, work, 2000))

    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPUs, "
        f"{Section.objects.count()} sections, {args.requests} requests per query, "
        "Django's test client, page cache off (DummyCache), PostgreSQL on the same machine."
    )
    print()
    print(table(rows, bare["mean"]))
    print()
    print(
        f"Bare Django view (reference), the page of `trade`: p50 {bare['p50']:.2f} ms, "
        f"p99 {bare['p99']:.2f} ms, mean {bare['mean']:.2f} ms."
    )


if __name__ == "__main__":
    main()
