"""The bare-Django references, returning the issue page's saved HTML
(BENCH_PAGE_FILE):

- page/: touches no database: the floor of a Django response on this machine;
- page-and-sql/: first runs the SQL the issue page runs with the cache cold
  (BENCH_QUERIES_FILE, recorded by bench/measure_queries.py), through a plain
  cursor: no ORM and no rendering. The most an uncached issue page could
  reach with those queries, whatever renders it.
"""

import json
import os
from pathlib import Path

from django.db import connection
from django.http import HttpResponse
from django.urls import path

PAGE = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
ISSUE_SQL = []
if os.environ.get("BENCH_QUERIES_FILE"):
    recorded = json.loads(Path(os.environ["BENCH_QUERIES_FILE"]).read_text())
    ISSUE_SQL = recorded["pages"][os.environ["BENCH_ISSUE_PATH"]]["sql"]


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


def page_and_sql(request):
    with connection.cursor() as cursor:
        for sql in ISSUE_SQL:
            cursor.execute(sql)
            cursor.fetchall()
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("page/", page), path("page-and-sql/", page_and_sql)]
