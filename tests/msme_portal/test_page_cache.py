"""The page cache: what each app registers invalidates the stored pages, and
the switch that turns the cache off for local development."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.http import http_date

from msme_portal import page_cache
from msme_portal.http_cache import HttpCacheMiddleware, validators
from msme_portal.page_cache import cache_public_page
from newsletters.views.issue_views import IssueDetailView
from tests.factories import (
    make_economy,
    make_guide,
    make_issue,
    make_link,
    make_meeting,
    make_officer,
    make_organization,
    make_question,
    make_section,
    make_topic,
)
from tests.processes import run_with_env

pytestmark = pytest.mark.django_db


# A saved row of each model whose changes reach the public pages, from every
# app that registers its models.
SAVED = {
    "issue": make_issue,
    "section": lambda: make_section(make_issue()),
    "question": lambda: make_question(make_section(make_issue())),
    "section link": lambda: make_link(make_section(make_issue())),
    "meeting": make_meeting,
    "guide": make_guide,
    "topic": make_topic,
    "member economy": make_economy,
    "network organization": make_organization,
    "officer": make_officer,
}


@pytest.mark.parametrize("make", SAVED.values(), ids=SAVED.keys())
def test_saving_what_an_app_registers_replaces_the_content_version(make):
    row = make()
    version = page_cache.content_version()

    row.save()

    assert page_cache.content_version() != version


@pytest.mark.parametrize(
    ("relation", "make"),
    [("featured_guides", make_guide), ("featured_organizations", make_organization)],
)
def test_featuring_on_an_issue_replaces_the_content_version(relation, make):
    issue, featured = make_issue(), make()
    version = page_cache.content_version()

    getattr(issue, relation).add(featured)

    assert page_cache.content_version() != version


def test_deleting_a_registered_model_replaces_the_content_version():
    guide = make_guide()
    version = page_cache.content_version()

    guide.delete()

    assert page_cache.content_version() != version


def test_the_sitemap_lists_the_pages_every_app_added(client):
    response = client.get(reverse("sitemap"))

    body = response.content.decode()
    for url_name in ["newsletters:home", "network:member_list", "guides:guide_list"]:
        assert f"{reverse(url_name)}</loc>" in body


# The switch


def test_with_the_page_cache_off_every_request_renders_the_page(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    issue = make_issue()
    first = client.get(issue.get_absolute_url())
    render = IssueDetailView.get

    with mock.patch.object(IssueDetailView, "get", autospec=True, side_effect=render) as view:
        again = client.get(issue.get_absolute_url())
        conditional = client.get(
            issue.get_absolute_url(), headers={"If-Modified-Since": http_date()}
        )

    assert view.call_count == 2
    assert "ETag" not in first.headers
    assert "Last-Modified" not in first.headers
    assert again.status_code == conditional.status_code == 200


def test_with_the_page_cache_on_a_page_is_stored(client, settings):
    assert settings.PAGE_CACHE_ENABLED
    issue = make_issue()
    client.get(issue.get_absolute_url())

    with mock.patch.object(IssueDetailView, "get", side_effect=AssertionError("view ran")):
        response = client.get(issue.get_absolute_url())

    assert response.status_code == 200
    assert "ETag" in response.headers


def test_a_page_served_again_costs_one_look_up_of_the_content_version(
    client, django_assert_num_queries
):
    """The shared cache lost the page (another server's eviction): the copy
    this process kept under the same ETag is current and is served."""
    issue = make_issue()
    first = client.get(issue.get_absolute_url())
    page_cache.cache.delete(page_cache.PAGE_KEY.format(etag=first["ETag"]))

    with (
        mock.patch.object(IssueDetailView, "get", side_effect=AssertionError("view ran")),
        mock.patch.object(page_cache.cache, "get", wraps=page_cache.cache.get) as shared,
        django_assert_num_queries(0),
    ):
        again = client.get(issue.get_absolute_url())

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert [call.args[0] for call in shared.call_args_list] == [page_cache.VERSION_KEY]


def test_an_edit_leaves_the_pages_kept_in_memory_unserved(client):
    issue = make_issue()
    section = make_section(issue, title="Before the edit")
    client.get(issue.get_absolute_url())

    section.title = "After the edit"
    section.save()

    assert "After the edit" in client.get(issue.get_absolute_url()).content.decode()


def test_the_pages_kept_in_memory_stay_within_their_bytes():
    recent = page_cache.RecentPages(max_bytes=250)
    for name in "abc":
        recent.put(name, (name.encode() * 100, "text/html"))

    assert recent.get("a") is None
    assert recent.get("c") is not None and recent.get("b") is not None
    recent.put("d", (b"d" * 100, "text/html"))  # "c" was read before "b": the older one
    assert recent.get("c") is None and recent.get("b") is not None
    assert recent.size <= 250
    recent.put("huge", (b"x" * 300, "text/html"))
    assert recent.get("huge") is None


def test_a_page_rendered_before_the_edit_commits_is_not_kept_as_current(
    django_capture_on_commit_callbacks,
):
    """The version is replaced at the save and again at the commit: a page
    rendered in between read the content before the commit, and the
    version it was stored under is no longer current."""
    section = make_section(make_issue())
    with django_capture_on_commit_callbacks(execute=True):
        section.title = "Edited"
        section.save()
        during_the_transaction = page_cache.content_version()

    assert page_cache.content_version() != during_the_transaction


PRINT_SWITCH = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.PAGE_CACHE_ENABLED))"
)


@pytest.mark.parametrize(
    ("env", "enabled"),
    [
        ({"DJANGO_DEBUG": "0"}, True),
        ({"DJANGO_DEBUG": "1"}, False),
        ({"DJANGO_DEBUG": "1", "DJANGO_PAGE_CACHE": "1"}, True),
        ({"DJANGO_DEBUG": "0", "DJANGO_PAGE_CACHE": "0"}, False),
    ],
)
def test_the_page_cache_is_on_unless_debugging(env, enabled):
    result = run_with_env(PRINT_SWITCH, DJANGO_SECRET_KEY="s" * 50, DJANGO_ENV_FILE="", **env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) is enabled


class SlowPage:
    """A public page's view that holds its first render until let go,
    counting renders, and the middleware in front of it."""

    def __init__(self):
        self.renders = []
        self.rendering = threading.Event()
        self.let_go = threading.Event()

        @cache_public_page
        def view(request):
            self.renders.append(request)
            if len(self.renders) == 1:
                self.rendering.set()
                self.let_go.wait(timeout=10)
            return HttpResponse(f"Render {len(self.renders)}")

        self.middleware = HttpCacheMiddleware(view)
        # The publication times, read once for every request that follows.
        validators(self.request())

    @staticmethod
    def request():
        request = RequestFactory().get("/a-slow-page/")
        request.user = AnonymousUser()
        return request

    def get(self):
        return self.middleware(self.request())


def in_turn_for_the_page(expected):
    """Wait until `expected` requests hold or wait for a page's turn."""
    deadline = time.monotonic() + 10
    while sum(turn[1] for turn in page_cache.one_render.turns.values()) != expected:
        assert time.monotonic() < deadline, "the requests never met at the page's turn"
        time.sleep(0.01)


def test_requests_that_miss_a_page_together_wait_for_one_render_of_it():
    page = SlowPage()
    with ThreadPoolExecutor(max_workers=3) as pool:
        first = pool.submit(page.get)
        assert page.rendering.wait(timeout=10)
        others = [pool.submit(page.get) for _ in range(2)]
        in_turn_for_the_page(3)
        page.let_go.set()
        answers = [first.result(timeout=10), *(other.result(timeout=10) for other in others)]

    assert len(page.renders) == 1
    assert [answer.content for answer in answers] == [b"Render 1"] * 3
    assert len({answer["ETag"] for answer in answers}) == 1
    assert not page_cache.one_render.turns


def test_a_request_waits_for_another_s_render_only_so_long(monkeypatch):
    monkeypatch.setattr(page_cache.one_render, "patience", 0.2)
    page = SlowPage()
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(page.get)
        assert page.rendering.wait(timeout=10)
        second = page.get()  # gives up waiting, and renders the page itself
        page.let_go.set()
        first.result(timeout=10)

    assert len(page.renders) == 2
    assert second.status_code == 200
    assert not page_cache.one_render.turns
