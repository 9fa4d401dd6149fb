"""Load the public site with wrk and print one Markdown table with budgets.

Started by bench/run.sh, which prepares the database, static files and the
environment (production settings on loopback). This script starts and stops
every server itself, one at a time so they do not compete for the CPU:

Each row is the median of --row-rounds rounds, the pages of one server
taken in turns, each round after a warm-up (measure()).

1. gunicorn with the portal's cache (warm): each page;
   then nginx, serving the issue page's saved HTML as a static file and the
   issue page through proxy_cache in front of that same gunicorn, measured
   in turns (five rounds each, the median kept: see measure_in_turns());
   then the edit storm, straight and through the proxy (edit_storm()), the
   editor saving through the staff's gunicorn (docs/deployment.md);
   then the issue page and the edit storm again with the cache in Redis,
   and once more with the save in the readers' gunicorn, for comparison;
2. gunicorn with DummyCache (cold): each page again;
3. gunicorn serving bench.bare_settings: the saved HTML from a bare view,
   then from a view that first runs the issue page's SQL through a plain
   cursor (the ceiling of an uncached issue page with those queries); then
   the bare view again with no middleware at all (bench.bare_plain_settings).

Usage: python bench/run.py --work DIR --issue /issues/slug/ --queries FILE
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = str(BASE_DIR / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
BUDGET_P99_MS = 250


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """A server process in its own process group, its pid in the work folder
    so that bench/run.sh's trap can stop it if this script dies."""

    def __init__(self, name, argv, work, env=None):
        self.name = name
        self.pid_file = work / f"{name}.pid"
        log = (work / f"{name}.log").open("wb")
        self.process = subprocess.Popen(
            argv,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=BASE_DIR,
        )
        self.pid_file.write_text(str(self.process.pid))

    def wait_ready(self, url, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited with {self.process.returncode}; see its log")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"{self.name} did not answer {url} within {timeout} s")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.pid_file.unlink(missing_ok=True)


def wait_for_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on {HOST}:{port} after {timeout} s")


def start_redis(work, port):
    """A Redis of its own for the cache, in memory only."""
    argv = ["redis-server", "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no"]
    server = Server("redis", argv, work)
    wait_for_port(port)
    return server


def gunicorn(name, port, work, env=None):
    argv = [GUNICORN, "msme_portal.wsgi", "--workers", "2", "--bind", f"{HOST}:{port}"]
    return Server(name, [*argv, "--log-level", "warning"], work, env)


# The staff's gunicorn as docs/deployment.md starts it.
STAFF_ENV = {"PORTAL_NICENESS": "10"}

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return float(match[1]) * UNITS[match[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        # Reads of connections the server closed (gunicorn's keep-alive
        # ending; its sync workers closed after each response) are not
        # failures; connects and timeouts are.
        errors += int(match[1]) + int(match[4])
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": errors}


def wrk(url, duration, connections, log):
    threads = min(connections, os.cpu_count() or 1)
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s"]
    output = subprocess.run([*argv, "--latency", url], capture_output=True, text=True, check=True)
    with log.open("a") as file:
        file.write(f"$ {' '.join(argv)} --latency {url}\n{output.stdout}\n")
    return parse_wrk(output.stdout)


def drain(url):
    """Wait for the requests wrk left queued when it stopped, so that they
    do not count against the next row."""
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


def measure(base, paths, args):
    """Each of `paths` on `base`, args.row_rounds rounds taken in turns, the
    median round of each kept (measure_in_turns()).

    One round is not enough for a row: wrk keeps its connections for the
    whole round, and gunicorn's workers share them as they come (11/5, 14/2,
    15/1 in three rounds, by `ss`), so a round in which one worker holds
    nearly all of them measures one worker, about half of another round.
    """
    urls = [f"{base}{path}" for path in paths]
    return dict(zip(paths, measure_in_turns(urls, args, args.row_rounds), strict=True))


def edit_storm(url, app, slug, args, env=None):
    """wrk on `url` for args.duration seconds, then for as long again from
    the moment an editor saves a section of the issue through the admin of
    the gunicorn at `app`: (before, after). The editor signs in and reads the
    form first (bench/storm_editor.py), so that its start is not counted as
    the save's cost: an editor's save reaches a server already running."""
    log = args.work / "wrk.log"
    before = wrk(url, args.duration, args.connections, log)
    drain(url)
    editor = subprocess.Popen(
        [sys.executable, "-m", "bench.storm_editor", "--app", app, "--slug", slug],
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if editor.stdout.readline().strip() != "ready":
        sys.exit("the editor of the edit storm did not start")
    with ThreadPoolExecutor(max_workers=1) as pool:
        after = pool.submit(wrk, url, args.duration, args.connections, log)
        time.sleep(0.5)  # wrk's connections are open
        answer, _ = editor.communicate("save\n", timeout=60)
        if editor.returncode != 0:
            sys.exit("the editor's save in the edit storm failed")
        after = {**after.result(), "save_seconds": float(answer.split()[-1])}
    drain(url)
    return before, after


def measure_in_turns(urls, args, rounds):
    """Measure each of `urls` `rounds` times, taking turns, and keep each
    one's median round (by requests per second), with every round's figure
    in "rounds".

    For nginx serving a file and nginx serving its cache, one 10-second
    sample each swung by 15 % or more between runs on this shared machine,
    and three rounds still left the ratio's median between 0.80 and 0.89:
    taking turns puts both under the same conditions, and the median of
    five drops two unlucky rounds of either.
    """
    log = args.work / "wrk.log"
    figures_of = {url: [] for url in urls}
    for _ in range(rounds):
        for url in urls:
            wrk(url, args.warmup, args.connections, log)
            drain(url)
            figures_of[url].append(wrk(url, args.duration, args.connections, log))
            drain(url)
            print(f"  {url}: {figures_of[url][-1]['rps']:.0f} req/s", file=sys.stderr)
    results = []
    for url in urls:
        ordered = sorted(figures_of[url], key=lambda figures: figures["rps"])
        median = dict(ordered[len(ordered) // 2])
        median["rounds"] = [figures["rps"] for figures in figures_of[url]]
        results.append(median)
    return results


def proxy_configuration(work, proxy_port, app_port, staff_port):
    """deploy/nginx/msme_portal.conf with the benchmark's values: plain HTTP
    on loopback (wrk measures the cache, not TLS), its folders in the work
    folder, and the cache status in a header for the log. Every value
    replaced must be found, so the benchmark stops if the file changes shape,
    as the deployed-shape tests do (tests/deployment/services.py)."""
    site = (BASE_DIR / "deploy" / "nginx" / "msme_portal.conf").read_text()
    replacements = {
        "/var/cache/nginx/msme": str(work / "nginx" / "cache"),
        "server 127.0.0.1:8000;": f"server {HOST}:{app_port};",
        "server 127.0.0.1:8001;": f"server {HOST}:{staff_port};",
        "listen 80;": f"listen {HOST}:{free_port()};",
        "listen 443 ssl;": f"listen {HOST}:{proxy_port};",
        "server_name newsletter.example.org;": "server_name localhost 127.0.0.1;",
        "ssl_certificate /etc/ssl/certs/newsletter.example.org.pem;": "",
        "ssl_certificate_key /etc/ssl/private/newsletter.example.org.key;": "",
        "/srv/msme_portal/media/": f"{work / 'media'}/",
        "proxy_no_cache $cookie_sessionid $cookie_messages;": (
            "proxy_no_cache $cookie_sessionid $cookie_messages;\n"
            "        add_header X-Cache-Status $upstream_cache_status always;"
        ),
    }
    for old, new in replacements.items():
        if old not in site:
            sys.exit(f"{old!r} is no longer in deploy/nginx/msme_portal.conf")
        site = site.replace(old, new)
    return site


def nginx_configuration(work, static_port, proxy_port, app_port, staff_port):
    user = "user www-data;" if os.geteuid() == 0 else ""
    config = (BASE_DIR / "bench" / "nginx" / "bench.conf.template").read_text()
    for name, value in {
        "@USER@": user,
        "@WORK@": str(work),
        "@STATIC_PORT@": str(static_port),
        "@SITE@": proxy_configuration(work, proxy_port, app_port, staff_port),
    }.items():
        config = config.replace(name, value)
    return config


def start_nginx(work, static_port, proxy_port, app_port, staff_port):
    folder = work / "nginx"
    folder.mkdir()
    config = nginx_configuration(work, static_port, proxy_port, app_port, staff_port)
    (folder / "nginx.conf").write_text(config)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "www-data", str(folder)], check=True)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    argv = [nginx, "-p", str(folder), "-e", str(folder / "error.log")]
    return Server("nginx", [*argv, "-c", str(folder / "nginx.conf")], work)


def cell(value, bare, static, unit="", digits=1, latency=False):
    """A figure and its ratio to both references."""
    if value is None:
        return "–"
    if latency:
        ratios = f"{value / bare:.2f} / {value / static:.1f}"
    else:
        ratios = f"{value / bare:.2f} / {value / static:.3f}"
    return f"{value:.{digits}f}{unit} ({ratios})"


def table(results, queries, issue):
    bare = results["bare"]
    static = results["static"]
    lines = [
        "| Page | Server | req/s (× bare / × nginx) | p50 ms (× bare / × nginx) "
        "| p99 ms (× bare / × nginx) | SQL (cold) | Errors |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(page, server, figures, sql="–"):
        lines.append(
            f"| {page} | {server} "
            f"| {cell(figures['rps'], bare['rps'], static['rps'], digits=0)} "
            f"| {cell(figures['p50'], bare['p50'], static['p50'], digits=2, latency=True)} "
            f"| {cell(figures['p99'], bare['p99'], static['p99'], digits=2, latency=True)} "
            f"| {sql} | {figures['errors']} |"
        )

    row("issue page HTML", "nginx static file (reference)", static)
    row("issue page HTML", "bare Django view (reference)", bare)
    row("issue page HTML", "bare Django view, no middleware (reference)", results["bare_plain"])
    sql = queries["pages"][issue]["queries"]
    row(
        "issue page HTML",
        f"bare Django view after the issue page's {sql} SQL queries, plain cursor (reference)",
        results["bare_sql"],
        sql,
    )
    row(f"`{issue}`", "nginx proxy_cache → gunicorn", results["proxy"])
    row(f"`{issue}`", "gunicorn, cache warm in Redis", results["warm_redis"])
    for path, warm in results["warm"].items():
        sql = queries["pages"].get(path, {}).get("queries", "–")
        row(f"`{path}`", "gunicorn, cache warm", warm)
        row(f"`{path}`", "gunicorn, cache cold", results["cold"][path], sql)
    return "\n".join(lines)


def budgets(results, queries, issue):
    bare, static = results["bare"]["rps"], results["static"]["rps"]
    warm, cold = results["warm"][issue]["rps"], results["cold"][issue]["rps"]
    cold_sql = queries["pages"][issue]["queries"]
    proxy = results["proxy"]["rps"]
    ceiling = results["bare_sql"]["rps"]
    worst_path, worst = max(
        ((path, figures["p99"]) for path, figures in results["warm"].items()), key=lambda x: x[1]
    )
    first_render_sql = queries["pages"][issue].get("first_render_queries", "–")
    others_cold = {
        path: figures["rps"] for path, figures in results["cold"].items() if path != issue
    }
    slowest_path, slowest = min(others_cold.items(), key=lambda item: item[1])
    plain = results["bare_plain"]["rps"]
    checks = []
    for cache_name, rps in [("database", warm), ("Redis", results["warm_redis"]["rps"])]:
        checks += [
            (f"warm issue page, {cache_name} cache, ≥ 0.8 × bare Django ({rps:.0f} vs "
             f"{0.8 * bare:.0f} req/s)", rps >= 0.8 * bare),
            (f"warm issue page, {cache_name} cache, ≥ 0.8 × bare Django with no middleware "
             f"({rps:.0f} vs {0.8 * plain:.0f} req/s)", rps >= 0.8 * plain),
        ]  # fmt: skip
    checks += [
        (f"cold issue page, its page stored, ≥ 0.3 × bare Django ({cold:.0f} vs "
         f"{0.3 * bare:.0f} req/s) and ≤ 3 SQL queries ({cold_sql}; {first_render_sql} to "
         f"render it from its content); its queries alone, through a plain cursor, "
         f"allow {ceiling:.0f} req/s ({ceiling / bare:.2f} ×)",
         cold >= 0.3 * bare and cold_sql <= 3),
        (f"every other page cold ≥ 0.1 × bare Django (slowest: `{slowest_path}`, "
         f"{slowest:.0f} vs {0.1 * bare:.0f} req/s)", slowest >= 0.1 * bare),
        (f"issue page through nginx proxy_cache ≥ 0.8 × nginx static "
         f"({proxy:.0f} vs {0.8 * static:.0f} req/s)", proxy >= 0.8 * static),
        (f"p99 of every page < {BUDGET_P99_MS} ms warm (worst: `{worst_path}`, {worst:.1f} ms)",
         worst < BUDGET_P99_MS),
    ]  # fmt: skip
    for server, (before, after) in results["storm"].items():
        checks.append(
            (f"edit storm through {server}: p99 after the save ≤ 2 × before "
             f"({after['p99']:.1f} vs {before['p99']:.1f} ms)", after["p99"] <= 2 * before["p99"])
        )  # fmt: skip
    admin = queries.get("admin")
    if admin is None:
        lines = ["- not measured: subscriber admin list and CSV export (no subscriber admin)"]
    else:
        changelist, export = admin["changelist"], admin["export"]
        checks.append(
            (f"admin subscriber list < 20 queries ({changelist['queries']})",
             changelist["status"] == 200 and changelist["queries"] < 20)
        )  # fmt: skip
        checks.append(
            (f"CSV export streams {export['rows'] - 1} subscribers with peak memory growth "
             f"< 50 MB ({export['peak_growth_mb']} MB, {export['bytes'] / 1e6:.1f} MB sent, "
             f"{export['queries']} queries)",
             export["status"] == 200 and export["streaming"] and export["peak_growth_mb"] < 50)
        )  # fmt: skip
        lines = []
    return "\n".join([f"- {'PASS' if ok else 'MISS'}: {text}" for text, ok in checks] + lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--issue", required=True, help="path of the issue page")
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per URL, not measured")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--rounds", type=int, default=5, help="turns of nginx file / nginx cache, median kept"
    )
    parser.add_argument(
        "--row-rounds", type=int, default=3, help="turns of every other row, median kept"
    )
    args = parser.parse_args()
    work = args.work
    # The pages at their addresses: without the language prefix they answer
    # with a redirect to it.
    paths = ["/en/", args.issue, "/en/members/", "/en/guides/", "/en/search/?q=trade", "/healthz"]
    results = {}
    servers = []

    def start(server):
        servers.append(server)
        return server

    try:
        app_port, staff_port = free_port(), free_port()
        app = start(gunicorn("gunicorn-warm", app_port, work))
        app.wait_ready(f"http://{HOST}:{app_port}/healthz")
        # The staff's gunicorn, which nginx passes the admin to (docs/deployment.md).
        staff = start(gunicorn("gunicorn-staff", staff_port, work, STAFF_ENV))
        staff.wait_ready(f"http://{HOST}:{staff_port}/healthz")
        print("warm cache", file=sys.stderr)
        results["warm"] = measure(f"http://{HOST}:{app_port}", paths, args)

        www = work / "www"
        www.mkdir()
        with urllib.request.urlopen(f"http://{HOST}:{app_port}{args.issue}") as response:
            page = response.read()
        (www / "issue.html").write_bytes(page)
        os.chmod(work, 0o755)
        static_port, proxy_port = free_port(), free_port()
        nginx = start(start_nginx(work, static_port, proxy_port, app_port, staff_port))
        nginx.wait_ready(f"http://{HOST}:{static_port}/issue.html")
        print("nginx", file=sys.stderr)
        static_url = f"http://{HOST}:{static_port}/issue.html"
        proxy_url = f"http://{HOST}:{proxy_port}{args.issue}"
        with (work / "wrk.log").open("a") as log:
            for attempt in ("first", "second"):
                with urllib.request.urlopen(proxy_url) as response:
                    log.write(f"proxy, {attempt} request: {dict(response.headers)}\n")
        results["static"], results["proxy"] = measure_in_turns(
            [static_url, proxy_url], args, args.rounds
        )
        print("edit storm", file=sys.stderr)
        slug = args.issue.strip("/").split("/")[-1]
        # The editor saves where nginx sends the admin: to the staff's gunicorn.
        results["storm"] = {
            "gunicorn, database cache": edit_storm(
                f"http://{HOST}:{app_port}{args.issue}", f"http://{HOST}:{staff_port}", slug, args
            ),
            "nginx proxy_cache": edit_storm(proxy_url, f"http://{HOST}:{staff_port}", slug, args),
        }
        nginx.stop()
        staff.stop()
        app.stop()

        # The cache the deployment guide names for load (docs/deployment.md).
        redis_port, redis_app_port, redis_staff_port = free_port(), free_port(), free_port()
        redis = start(start_redis(work, redis_port))
        redis_env = {
            "DJANGO_CACHE_BACKEND": "msme_portal.redis_cache.RedisCache",
            "DJANGO_CACHE_LOCATION": f"redis://{HOST}:{redis_port}/0",
        }
        redis_app = start(gunicorn("gunicorn-redis", redis_app_port, work, redis_env))
        redis_app.wait_ready(f"http://{HOST}:{redis_app_port}/healthz")
        redis_staff = start(
            gunicorn("gunicorn-redis-staff", redis_staff_port, work, {**redis_env, **STAFF_ENV})
        )
        redis_staff.wait_ready(f"http://{HOST}:{redis_staff_port}/healthz")
        print("warm cache in Redis", file=sys.stderr)
        redis_base = f"http://{HOST}:{redis_app_port}"
        results["warm_redis"] = measure(redis_base, [args.issue], args)[args.issue]
        results["storm"]["gunicorn, Redis cache"] = edit_storm(
            f"{redis_base}{args.issue}", f"http://{HOST}:{redis_staff_port}", slug, args, redis_env
        )
        # For comparison, no budget: with one gunicorn, the save runs in a
        # worker that also serves readers.
        results["storm_one_gunicorn"] = edit_storm(
            f"{redis_base}{args.issue}", redis_base, slug, args, redis_env
        )
        redis_staff.stop()
        redis_app.stop()
        redis.stop()

        cold_port = free_port()
        dummy = {"DJANGO_CACHE_BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        cold = start(gunicorn("gunicorn-cold", cold_port, work, dummy))
        cold.wait_ready(f"http://{HOST}:{cold_port}/healthz")
        print("cold cache", file=sys.stderr)
        results["cold"] = measure(f"http://{HOST}:{cold_port}", paths, args)
        cold.stop()

        bare_port = free_port()
        bare_env = {
            "DJANGO_SETTINGS_MODULE": "bench.bare_settings",
            "BENCH_PAGE_FILE": str(www / "issue.html"),
            "BENCH_QUERIES_FILE": str(args.queries),
            "BENCH_ISSUE_PATH": args.issue,
        }
        bare = start(gunicorn("gunicorn-bare", bare_port, work, bare_env))
        bare.wait_ready(f"http://{HOST}:{bare_port}/page/")
        print("bare Django", file=sys.stderr)
        bare_results = measure(f"http://{HOST}:{bare_port}", ["/page/", "/page-and-sql/"], args)
        results["bare"], results["bare_sql"] = (
            bare_results["/page/"],
            bare_results["/page-and-sql/"],
        )
        bare.stop()

        plain_port = free_port()
        plain_env = {**bare_env, "DJANGO_SETTINGS_MODULE": "bench.bare_plain_settings"}
        plain = start(gunicorn("gunicorn-bare-plain", plain_port, work, plain_env))
        plain.wait_ready(f"http://{HOST}:{plain_port}/page/")
        print("bare Django, no middleware", file=sys.stderr)
        results["bare_plain"] = measure(f"http://{HOST}:{plain_port}", ["/page/"], args)["/page/"]
        plain.stop()
    finally:
        for server in servers:
            server.stop()

    queries = json.loads(args.queries.read_text())
    (work / "results.json").write_text(json.dumps(results, indent=2))
    print(f"Issue page: {len(page) / 1024:.0f} KiB of HTML. {args.connections} connections, "
          f"{args.duration} s per row, wrk on the same machine.\n")  # fmt: skip
    print(table(results, queries, args.issue))
    rounds = {
        name: ", ".join(f"{rps:.0f}" for rps in results[name]["rounds"])
        for name in ("static", "proxy")
    }
    print(f"\nThe two nginx rows: median of {args.rounds} rounds taken in turns "
          f"(file: {rounds['static']}; proxy_cache: {rounds['proxy']} req/s); every other "
          f"row: median of {args.row_rounds}, the pages of one server in turns.")  # fmt: skip
    print("\nEdit storm: a Publisher saves the issue's page in the admin, through the "
          f"staff's gunicorn as nginx passes it, while {args.connections} connections load "
          f"its page; {args.duration} s before the save and {args.duration} s from "
          "it.\n")  # fmt: skip
    print("| Server | req/s before | req/s after | p99 ms before | p99 ms after | errors "
          "| the save, s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    storms = {
        **results["storm"],
        "gunicorn, Redis cache, the save in the readers' gunicorn (no budget)": results[
            "storm_one_gunicorn"
        ],
    }
    for server, (before, after) in storms.items():
        print(f"| {server} | {before['rps']:.0f} | {after['rps']:.0f} | {before['p99']:.1f} "
              f"| {after['p99']:.1f} | {before['errors'] + after['errors']} "
              f"| {after['save_seconds']:.2f} |")  # fmt: skip
    print()
    print("Budgets:\n")
    print(budgets(results, queries, args.issue))


if __name__ == "__main__":
    main()
