"""The page cache: what each app registers invalidates the stored pages, and
the switch that turns the cache off for local development."""

import json
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.http import http_date

from msme_portal import page_cache
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
