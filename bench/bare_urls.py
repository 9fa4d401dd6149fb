"""One view returning the issue page's saved HTML: the floor of a Django
response on this machine."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

PAGE = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("page/", page)]
