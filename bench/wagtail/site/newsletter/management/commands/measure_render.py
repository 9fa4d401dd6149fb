"""Time what publishing Summer 2022 costs this stock Wagtail site: its page
fetched fresh from the database, then `page.specific.serve(request)` and the
TemplateResponse rendered. Prints JSON for bench/wagtail_bench.py."""

import json
import time
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page


class Command(BaseCommand):
    help = "Time the Summer 2022 page's render; print the times (ms) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--html", type=Path, help="Write one rendered page here.")

    def handle(self, *args, rounds, warmup, html, **options):
        page_id = Page.objects.get(slug="summer-2022").pk
        for _ in range(warmup):  # templates compiled and cached, as on a running site
            render(page_id)
        times = []
        for _ in range(rounds):
            cache.clear()  # Wagtail's site root paths and anything else it keeps
            start = time.perf_counter()
            render(page_id)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            content = render(page_id)
        if html:
            html.write_text(content, encoding="utf-8")
        self.stdout.write(json.dumps({"times_ms": times, "queries": len(queries)}))


def render(page_id):
    """A fresh request and a fresh page instance each time, so nothing the
    page or its StreamField caches on itself carries over."""
    request = RequestFactory().get("/summer-2022/")
    page = Page.objects.get(pk=page_id).specific
    response = page.serve(request)
    response.render()
    return response.content.decode()
