"""SQL queries per page with the cache cold, and the subscriber admin's cost.

Runs each page through Django's test client with DummyCache (nothing is
cached, so every query the page needs is made), counting queries with
CaptureQueriesContext: twice, as an issue page is rendered from its content
and stored the first time (newsletters/issue_documents.py), and read whole
from then on; the second count is the page's, the first its render's. Then,
as a staff superuser, counts the queries of the subscriber list and streams
the CSV export of every subscriber, recording the growth of the process's
peak memory (ru_maxrss) while it does.

Usage: python bench/measure_queries.py OUTPUT.json URL...
"""

import json
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msme_portal.settings")
os.environ["DJANGO_CACHE_BACKEND"] = "django.core.cache.backends.dummy.DummyCache"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

HOST = "127.0.0.1"


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {
        "status": response.status_code,
        "queries": len(queries),
        "sql": [query["sql"] for query in queries.captured_queries],
    }


def subscriber_admin(client):
    """Queries of the subscriber list, and the export's memory growth."""
    try:
        changelist = reverse("admin:newsletters_subscriber_changelist")
        export = reverse("admin:newsletters_subscriber_export")
    except NoReverseMatch:
        return None
    user = get_user_model().objects.create_superuser(
        "bench-admin", "bench@example.org", password=None
    )
    client.force_login(user)
    client.get(reverse("admin:index"))  # Load the admin's code before measuring.

    before = peak_rss_mb()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(export)
        size = rows = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b"\n")
    export_result = {
        "status": response.status_code,
        "streaming": response.streaming,
        "bytes": size,
        "rows": rows,
        "queries": len(queries),
        "peak_growth_mb": round(peak_rss_mb() - before, 1),
    }
    result = {"export": export_result, "changelist": count_queries(client, changelist)}
    client.logout()
    return result


def main():
    output, urls = sys.argv[1], sys.argv[2:]
    client = Client(HTTP_HOST=HOST)
    client.get("/healthz")
    # The export first, while the process's peak is still its baseline.
    results = {"admin": subscriber_admin(client), "pages": {}}
    for url in urls:
        first = count_queries(Client(HTTP_HOST=HOST), url)
        results["pages"][url] = count_queries(Client(HTTP_HOST=HOST), url)
        results["pages"][url]["first_render_queries"] = first["queries"]
    Path(output).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
