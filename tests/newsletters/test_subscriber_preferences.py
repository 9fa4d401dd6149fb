"""A subscriber's language, from sign-up to each email, and the preferences
page that changes it: through the real send worker and a real SMTP server."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from newsletters.mail import links
from newsletters.mail.send_queue import SendRefused, start_send
from newsletters.mail.worker import Worker
from newsletters.models import Subscriber, SubscriberStatus
from tests.factories import make_confirmed_subscriber, make_issue, make_section
from tests.newsletters.helpers import FAST, signup_form_data
from tests.smtp import body_text, smtp_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

SITE = "https://newsletter.example.org"
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.NEWSLETTER_SIGNUP_RATE_LIMITS = {"ip": (1000, 3600), "ip_email": (1000, 3600)}


def in_language(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def run_worker():
    Worker(**FAST).run()


def to(address, messages):
    return [message for message in messages if message["To"] == address]


def subject(message):
    return str(message["Subject"]).strip()


# A signed link carries the second it was made: two links for the same
# person made a second apart differ only there.
SIGNATURE = re.compile(r"([\w-]+):[\w-]+:[\w-]+")


def unsigned(text):
    """`text` with each signed token cut down to whom it is for."""
    return SIGNATURE.sub(r"\1", text)


def links_in(message):
    """The message's links, their tokens `unsigned()`."""
    return [unsigned(link) for link in HREF.findall(body_text(message, "html"))]


def issue_with_section(title, **translations):
    """An issue with one section, written in English (whatever language the
    last request left active) and translated as told."""
    with translation.override("en"):
        issue = make_issue(title=title)
        make_section(issue, title=f"{title}: digital trade", body="<p>Trade.</p>", **translations)
    return issue


def test_a_spanish_sign_up_gets_spanish_emails_until_it_chooses_french(client, smtp_server):  # noqa: F811
    address = "lucia@example.org"
    response = client.post(
        in_language("es", "subscribers:subscribe"),
        signup_form_data(email=address, name="Lucía", language="es"),
    )
    assert response.status_code == 302
    run_worker()

    # The confirmation, in Spanish, with its links in Spanish.
    (confirmation,) = to(address, smtp_server.messages)
    subscriber = Subscriber.objects.get(email=address)
    assert subject(confirmation) == (
        "Confirme su suscripción al boletín del Grupo MIPYME de la OMC"
    )
    assert '<html lang="es">' in body_text(confirmation, "html")
    assert unsigned(links.preferences_url(subscriber, "es")) in links_in(confirmation)
    assert "Someone, probably you" not in body_text(confirmation)
    confirm_url = links.confirmation_url(subscriber, "es")
    assert unsigned(confirm_url) in links_in(confirmation)
    assert client.post(urlsplit(confirm_url).path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED

    # The welcome, in Spanish.
    run_worker()
    (welcome,) = to(address, smtp_server.messages[1:])
    assert subject(welcome) == "Bienvenido al boletín del Grupo MIPYME de la OMC"

    # The issue, in Spanish: subject, section title, lang and links.
    spring = issue_with_section(
        "Spring 2023", title_es="Comercio digital de primavera", body_es="<p>Comercio.</p>"
    )
    start_send(spring, language="es")
    run_worker()
    (issue_email,) = to(address, smtp_server.messages[2:])
    html, text = body_text(issue_email, "html"), body_text(issue_email)
    assert subject(issue_email) == "Spring 2023 · Boletín del Grupo MIPYME de la OMC"
    assert issue_email["Content-Language"] == "es"
    assert '<html lang="es" dir="ltr"' in html
    assert "Comercio digital de primavera" in html and "Comercio digital de primavera" in text
    assert "Spring 2023: digital trade" not in text and "Trade." not in text
    assert "En este número" in text and "In this issue" not in text
    assert "Lucía" in text
    unsubscribe = links.unsubscribe_url(subscriber, "es")
    preferences = links.preferences_url(subscriber, "es")
    assert unsigned(unsubscribe) == unsigned(
        SITE
        + in_language(
            "es", "subscribers:unsubscribe", token=links.make_unsubscribe_token(subscriber)
        )
    )
    assert {unsigned(unsubscribe), unsigned(preferences)} <= set(links_in(issue_email))
    assert unsigned(unsubscribe) in unsigned(text) and unsigned(preferences) in unsigned(text)
    # Mail clients' one-click address is the one kept the same in every language.
    one_click = unsigned(f"<{links.one_click_unsubscribe_url(subscriber)}>")
    assert one_click in unsigned(issue_email["List-Unsubscribe"])

    # The preferences page, from the email's link: French from now on.
    page = client.get(urlsplit(preferences).path)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert re.search(r'value="es"[^>]*checked', page.content.decode())
    saved = client.post(urlsplit(preferences).path, {"language": "fr", "name": "Lucía Pérez"})
    assert saved.status_code == 302
    token = links.make_preferences_token(subscriber)
    assert unsigned(saved["Location"]) == unsigned(
        in_language("fr", "subscribers:preferences", token=token) + "?saved=1"
    )
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.name) == ("fr", "Lucía Pérez")
    assert 'role="status"' in client.get(saved["Location"]).content.decode()

    # The next issue comes in French; the last one is not sent again.
    summer = issue_with_section(
        "Summer 2023", title_fr="Commerce numérique d’été", body_fr="<p>Commerce.</p>"
    )
    start_send(summer, language="fr")
    with pytest.raises(SendRefused):
        start_send(spring, language="fr")  # Nobody in French is without it.
    run_worker()
    received = to(address, smtp_server.messages)
    assert len(received) == 4  # confirmation, welcome, two issues
    french = received[-1]
    assert subject(french) == ("Summer 2023 · Bulletin d’information du Groupe MPME de l’OMC")
    assert '<html lang="fr" dir="ltr"' in body_text(french, "html")
    assert "Commerce numérique d’été" in body_text(french)
    assert "Dans ce numéro" in body_text(french)
    assert unsigned(links.preferences_url(subscriber, "fr")) in links_in(french)


def test_changing_language_after_an_issue_does_not_bring_it_again(smtp_server):  # noqa: F811
    subscriber = make_confirmed_subscriber(language="es")
    issue = issue_with_section("Autumn 2023")
    start_send(issue, language="es")
    run_worker()
    Subscriber.objects.filter(pk=subscriber.pk).update(language="fr")
    other = make_confirmed_subscriber(language="fr")

    french = start_send(issue, language="fr")
    run_worker()

    assert list(french.deliveries.values_list("subscriber", flat=True)) == [other.pk]
    assert sorted(smtp_server.handler.recipients()) == sorted([subscriber.email, other.email])


def test_the_preferences_form_needs_its_csrf_token():
    subscriber = make_confirmed_subscriber(language="en")
    url = urlsplit(links.preferences_url(subscriber)).path
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(url).status_code == 200
    assert strict.post(url, {"language": "fr", "name": "X"}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.language == "en"


@pytest.mark.parametrize("token", ["not-a-token", "WzEsImFiYyJd:1abc:bad", "x" * 2000, "test"])
def test_a_bad_preferences_link_gets_a_clear_page(client, token):
    response = client.get(in_language("en", "subscribers:preferences", token=token))
    assert response.status_code == 400
    page = response.content.decode()
    assert "This preferences link does not work" in page
    assert 'name="language"' not in page


def test_another_kind_of_personal_link_does_not_open_the_page(client):
    subscriber = make_confirmed_subscriber()
    token = links.make_unsubscribe_token(subscriber)
    response = client.get(in_language("en", "subscribers:preferences", token=token))
    assert response.status_code == 400


def test_a_link_for_an_erased_or_changed_address_does_not_work(client):
    subscriber = make_confirmed_subscriber()
    url = urlsplit(links.preferences_url(subscriber)).path
    Subscriber.objects.filter(pk=subscriber.pk).update(email="new@example.org")
    response = client.get(url)
    assert response.status_code == 400
    assert "This preferences link does not work" in response.content.decode()


def test_bad_input_is_explained_and_changes_nothing(client):
    subscriber = make_confirmed_subscriber(language="en", name="Ana")
    url = urlsplit(links.preferences_url(subscriber)).path
    for data, error in [
        ({"language": "de", "name": "Ana"}, "Select a valid choice"),
        ({"language": "fr", "name": "Ana\x07"}, "control characters"),
        ({"language": "fr", "name": "A" * 151}, "at most 150 characters"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Please correct the problems below." in page
        assert error in page
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.name) == ("en", "Ana")


def test_an_unsubscribed_person_is_told_and_offered_to_subscribe_again(client):
    subscriber = make_confirmed_subscriber()
    subscriber.unsubscribe()
    url = urlsplit(links.preferences_url(subscriber)).path
    page = client.get(url).content.decode()
    assert "You are not subscribed" in page
    assert client.post(url, {"language": "fr", "name": ""}).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.language == "en"


def test_the_page_links_to_unsubscribing(client):
    subscriber = make_confirmed_subscriber()
    page = client.get(urlsplit(links.preferences_url(subscriber)).path).content.decode()
    assert unsigned(links.unsubscribe_url(subscriber)) in map(unsigned, HREF.findall(page))
    assert page.count("<h1") == 1


def test_the_one_click_address_is_the_same_in_every_language_and_unsubscribes(
    client,
    smtp_server,  # noqa: F811
):
    spanish = make_confirmed_subscriber(language="es")
    french = make_confirmed_subscriber(language="fr")
    issue = issue_with_section("Winter 2023")
    start_send(issue, language="es")
    start_send(issue, language="fr")
    run_worker()

    (to_spanish,) = to(spanish.email, smtp_server.messages)
    (to_french,) = to(french.email, smtp_server.messages)
    one_click = re.match(r"<([^>]+)>", to_spanish["List-Unsubscribe"]).group(1)
    assert unsigned(one_click) == unsigned(links.one_click_unsubscribe_url(spanish))
    # Without a language prefix: mail clients follow no redirect.
    assert urlsplit(one_click).path.startswith("/unsubscribe/")
    assert unsigned(one_click) not in links_in(to_spanish)  # The body's is the Spanish page's.
    french_one_click = re.match(r"<([^>]+)>", to_french["List-Unsubscribe"]).group(1)
    assert (
        urlsplit(one_click).path.split("/")[:-2] == urlsplit(french_one_click).path.split("/")[:-2]
    )
    response = client.post(urlsplit(one_click).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    spanish.refresh_from_db()
    assert spanish.status == SubscriberStatus.UNSUBSCRIBED
