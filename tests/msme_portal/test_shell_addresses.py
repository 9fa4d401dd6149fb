"""The site's shell works out its addresses once per process
(msme_portal/jinja2.py): each kept for the language, the script prefix and
the settings it was worked out with, and never served to another; likewise
its translated texts, and the parts of the shell made of nothing else."""

import re

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation
from jinja2 import ChoiceLoader, DictLoader

from msme_portal import jinja2 as jinja2_environment
from msme_portal.jinja2 import shared_fragment, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def shell(client, settings):
    """The shell of a page rendered for this request, not kept from an earlier one."""
    settings.PAGE_CACHE_ENABLED = False

    def get(path, **extra):
        return client.get(path, **extra).content.decode()

    return get


def navigation(html):
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.DOTALL).group(0)
    return re.findall(r'href="([^"]+)"', nav)


def stylesheets(html):
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def test_each_language_keeps_its_own_addresses():
    for language in ["en", "fr", "es", "en"]:
        with translation.override(language):
            assert url("network:member_list") == f"/{language}/members/"
            assert url("newsletters:issue_detail", slug="summer-2022") == (
                f"/{language}/issues/summer-2022/"
            )


def test_a_site_under_a_script_prefix_links_under_it():
    # What the WSGI handler sets for a site served under /newsletter/.
    plain = url("network:member_list")
    set_script_prefix("/newsletter/")
    try:
        prefixed = url("network:member_list")
    finally:
        set_script_prefix("/")

    assert plain == "/en/members/"
    assert prefixed == "/newsletter/en/members/"
    assert url("network:member_list") == plain


def test_a_new_static_address_is_used_at_once(shell):
    before = stylesheets(shell("/en/network/"))
    with override_settings(STATIC_URL="/assets/"):
        during = stylesheets(shell("/en/network/"))
    after = stylesheets(shell("/en/network/"))

    assert before and all(not address.startswith("/assets/") for address in before)
    assert during == [address.replace("/static/", "/assets/", 1) for address in before]
    assert after == before


def test_the_language_switcher_of_each_address_is_its_own(shell):
    first = shell("/fr/network/")
    second = shell("/fr/members/")

    assert 'href="/en/network/"' in first
    assert 'href="/en/members/"' in second
    assert 'href="/en/network/"' not in second


def test_each_language_keeps_its_own_translations(shell):
    headings = {"en": "Trade4MSMEs guides", "fr": "Guides Trade4MSMEs", "es": "Guías Trade4MSMEs"}
    for language in ["en", "fr", "es", "fr", "en", "es"]:
        html = shell(f"/{language}/guides/")
        assert f"<h1>{headings[language]}</h1>" in html


def test_the_translations_kept_are_forgotten_with_the_catalogues_settings(settings):
    with translation.override("fr"):
        assert jinja2_environment.gettext("Trade4MSMEs guides") == "Guides Trade4MSMEs"
    assert jinja2_environment._translated.cache_info().currsize > 0
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]
    assert jinja2_environment._translated.cache_info().currsize == 0


def masthead(html):
    return re.search(r'<a class="site-brand".*?</nav>', html, re.DOTALL).group(0)


def test_each_language_and_section_has_its_own_masthead(shell):
    pages = [("en", "members", "Member economies"), ("fr", "members", "Économies membres")]
    pages += [("fr", "guides", "Guides"), ("en", "members", "Member economies")]
    for language, path, current in pages:
        header = masthead(shell(f"/{language}/{path}/"))
        assert f'href="/{language}/{path}/" aria-current="page">{current}</a>' in header
        assert header.count("aria-current") == 1
        assert f'href="/{language}/meetings/"' in header


@pytest.fixture
def probe_template():
    """A template of the public engine whose text a test can change."""
    env = engines["jinja2"].env
    templates = {"probe.html": "first"}
    loader, reload = env.loader, env.auto_reload
    env.loader = ChoiceLoader([DictLoader(templates), loader])
    env.cache.clear()
    yield env, templates
    env.loader, env.auto_reload = loader, reload
    env.cache.clear()


def test_a_shared_fragment_is_rendered_once(probe_template):
    env, templates = probe_template
    env.auto_reload = False
    assert shared_fragment(env, "probe.html") == "first"
    templates["probe.html"] = "second"
    assert shared_fragment(env, "probe.html") == "first"


def test_a_fragment_being_edited_is_rendered_every_time(probe_template):
    env, templates = probe_template
    env.auto_reload = True
    assert shared_fragment(env, "probe.html") == "first"
    templates["probe.html"] = "second"
    assert shared_fragment(env, "probe.html") == "second"
