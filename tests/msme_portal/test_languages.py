"""Languages in the address: every public page under /en/, /fr/ and /es/,
in that language; the addresses from before the prefix; and the page cache,
the sitemap and the feeds per language."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from msme_portal.paths import PRIVATE_PATH_PREFIXES
from newsletters.mail import links
from newsletters.models import SubscriberStatus
from newsletters.views.issue_views import IssueDetailView
from tests.factories import make_issue, make_subscriber

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es"]
TITLES = {"en": "Summer 2022", "fr": "Été 2022", "es": "Verano 2022"}


@pytest.fixture(autouse=True)
def _english_between_tests():
    # A request leaves its language active in the thread, and `title=` on a
    # translated model writes the active language's field.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def issue():
    return make_issue(
        slug="summer-2022",
        title_en=TITLES["en"],
        title_fr=TITLES["fr"],
        title_es=TITLES["es"],
    )


# Each public page: (URL name, its <h1>: a message of the catalogues, or None
# for the issue's own title).
PAGES = {
    "home": ("newsletters:home", None),
    "archive": ("newsletters:issue_list", "All issues"),
    "issue": ("newsletters:issue_detail", None),
    "members": ("network:member_list", "Member economies"),
    "network": ("network:organization_list", "Trade4MSMEs Network"),
    "guides": ("guides:guide_list", "Trade4MSMEs guides"),
    "search": ("newsletters:search", "Search"),
    "subscribe": ("subscribers:subscribe", "Subscribe to the newsletter"),
}


def address(name, language, issue):
    kwargs = {"slug": issue.slug} if name == "newsletters:issue_detail" else {}
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def headings(html):
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    ]


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))


def switcher(html):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL).group(0)
    return re.findall(r"<a ([^>]*)>([^<]*)</a>", nav)


def test_the_catalogues_translate_the_navigation():
    # A real translation, so the tests below compare more than English to English.
    with translation.override("fr"):
        assert gettext("Issues") == "Numéros"
    with translation.override("es"):
        assert gettext("Issues") == "Números"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_every_public_page_answers_in_each_language(client, issue, page, language):
    name, heading = page
    url = address(name, language, issue)
    assert url.startswith(f"/{language}/")

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response.headers["Content-Language"] == language
    with translation.override(language):
        expected_heading = gettext(heading) if heading else TITLES[language]
        assert f">{gettext('Issues')}</a>" in html
        assert f">{gettext('Member economies')}</a>" in html
    assert headings(html) == [expected_heading]
    assert alternates(html) == {
        "en": settings.SITE_URL + address(name, "en", issue),
        "fr": settings.SITE_URL + address(name, "fr", issue),
        "es": settings.SITE_URL + address(name, "es", issue),
        "x-default": settings.SITE_URL + address(name, "en", issue),
    }


def test_the_open_graph_locale_is_the_pages_language(client, issue):
    html = client.get(address("newsletters:issue_detail", "es", issue)).content.decode()

    assert '<meta property="og:locale" content="es_ES">' in html
    assert '<meta property="og:locale:alternate" content="fr_FR">' in html


def test_the_language_switcher_keeps_the_page(client, issue):
    html = client.get("/fr/issues/summer-2022/?utm_source=x").content.decode()

    links_ = switcher(html)
    assert [text for _attributes, text in links_] == ["English", "Français", "Español"]
    for (attributes, _text), language in zip(links_, LANGUAGES, strict=True):
        assert f'href="/{language}/issues/summer-2022/?utm_source=x"' in attributes
        assert f'lang="{language}"' in attributes
        assert f'hreflang="{language}"' in attributes
        assert ("aria-current" in attributes) == (language == "fr")


def test_the_switcher_on_a_missing_page_offers_each_home_page(client):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    hrefs = [re.search(r'href="([^"]*)"', attributes).group(1) for attributes, _ in switcher(html)]
    assert hrefs == ["/en/", "/fr/no-such-page/", "/es/"]


@pytest.mark.parametrize(
    ("headers", "landing"),
    [({"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}, "/es/"), ({}, "/en/")],
)
def test_the_root_sends_a_first_visit_to_its_language(client, headers, landing):
    response = client.get("/", **headers)

    assert response.status_code == 302
    assert response.headers["Location"] == landing
    vary = {part.strip() for part in response.headers["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert "no-store" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_the_root_follows_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.headers["Location"] == "/fr/"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/issues/summer-2022/", "/en/issues/summer-2022/"),
        ("/issues/summer-2022/?utm_source=mail", "/en/issues/summer-2022/?utm_source=mail"),
        ("/issues", "/en/issues/"),
        ("/subscribe/", "/en/subscribe/"),
        ("/members/", "/en/members/"),
        ("/feeds/issues/rss/", "/en/feeds/issues/rss/"),
        ("/fr", "/fr/"),
    ],
)
def test_old_addresses_move_permanently_to_english(client, issue, old, new):
    # Whatever language the visitor prefers: it is the address that moved.
    response = client.get(old, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 301
    assert response.headers["Location"] == new


def test_an_old_confirmation_link_moves_to_english(client):
    token = links.make_confirmation_token(make_subscriber())

    response = client.get(f"/subscribe/confirm/{token}/")

    assert response.status_code == 301
    assert response.headers["Location"] == f"/en/subscribe/confirm/{token}/"
    assert client.get(response.headers["Location"]).status_code == 200


def test_an_old_address_that_never_existed_is_not_found(client):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/no-such-page").status_code == 404
    # Missing in a language too: no redirect to another one.
    assert client.get("/fr/no-such-page/").status_code == 404


def test_one_click_unsubscribe_at_the_old_address_still_unsubscribes():
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED)
    mail_client = Client(enforce_csrf_checks=True)
    old = f"/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"

    assert mail_client.get(old).status_code == 200
    response = mail_client.post(
        old, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_the_old_unsubscribe_address_speaks_the_subscribers_language(client):
    subscriber = make_subscriber(status=SubscriberStatus.CONFIRMED, language="es")
    old = f"/unsubscribe/{links.make_unsubscribe_token(subscriber)}/"

    response = client.get(old, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    with translation.override("es"):
        assert headings(html) == [gettext("Unsubscribe from the newsletter")]
    # A link that does not work: English, whatever the browser asks for.
    response = client.get("/unsubscribe/nonsense/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode()


def test_the_page_cache_keeps_one_page_per_language(client, issue, settings):
    assert settings.PAGE_CACHE_ENABLED
    urls = {language: f"/{language}/issues/summer-2022/" for language in LANGUAGES}
    first = {language: client.get(url) for language, url in urls.items()}

    with mock.patch.object(IssueDetailView, "get", side_effect=AssertionError("view ran")):
        again = {language: client.get(url) for language, url in urls.items()}

    pages = {language: response.content.decode() for language, response in again.items()}
    assert len(set(pages.values())) == 3
    for language in LANGUAGES:
        assert again[language].status_code == 200
        assert again[language].content == first[language].content
        assert f'<html lang="{language}">' in pages[language]
        assert headings(pages[language]) == [TITLES[language]]
    assert "Numéros" in pages["fr"]
    assert "Números" in pages["es"]


def test_an_etag_from_one_language_gets_no_304_in_another(client, issue):
    urls = {language: f"/{language}/issues/summer-2022/" for language in LANGUAGES}
    etags = {language: client.get(url).headers["ETag"] for language, url in urls.items()}
    assert len(set(etags.values())) == 3

    for language, url in urls.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etags[language]).status_code == 304
        for other, etag in etags.items():
            if other != language:
                response = client.get(url, HTTP_IF_NONE_MATCH=etag)
                assert response.status_code == 200
                assert f'<html lang="{language}">' in response.content.decode()


def test_the_subscriber_pages_are_private_in_every_language(client):
    for language in LANGUAGES:
        response = client.get(f"/{language}/subscribe/")
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"]
        for path in ("subscribe/preferences/token/", "unsubscribe/token/"):
            assert f"/{language}/{path}".startswith(PRIVATE_PATH_PREFIXES)
    assert "/unsubscribe/token/".startswith(PRIVATE_PATH_PREFIXES)
    assert not "/fr/issues/".startswith(PRIVATE_PATH_PREFIXES)


def test_robots_txt_keeps_crawlers_off_emailed_links_in_every_language(client):
    lines = client.get("/robots.txt").content.decode().splitlines()

    for prefix in ("", "/en", "/fr", "/es"):
        assert f"Disallow: {prefix}/subscribe/confirm/" in lines
        assert f"Disallow: {prefix}/subscribe/preferences/" in lines
        assert f"Disallow: {prefix}/unsubscribe/" in lines
    assert "Disallow: /fr/issues/" not in lines


def test_the_sitemap_lists_each_language_of_an_issue(client, issue):
    xml = client.get(reverse("sitemap")).content.decode()

    for language in LANGUAGES:
        url = f"{settings.SITE_URL}/{language}/issues/summer-2022/"
        assert f"<loc>{url}</loc>" in xml
        assert f'hreflang="{language}" href="{url}"' in xml
    assert f'hreflang="x-default" href="{settings.SITE_URL}/en/issues/summer-2022/"' in xml


def test_the_french_feed_is_in_french(client, issue):
    untranslated = make_issue(title="Spring 2023")

    xml = client.get("/fr/feeds/issues/rss/").content.decode()

    assert "<language>fr</language>" in xml
    with translation.override("fr"):
        assert f"<title>{gettext('WTO MSME Group Newsletter')}</title>" in xml
    assert "<title>Été 2022</title>" in xml
    assert f"<link>{settings.SITE_URL}/fr/issues/summer-2022/</link>" in xml
    # Not translated yet: the English text.
    assert f"<title>{untranslated.title}</title>" in xml
