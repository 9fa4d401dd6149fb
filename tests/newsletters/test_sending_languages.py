"""One send per language: the send page's languages, what each send queues,
and what each subscriber receives, through the real send worker and a real
SMTP server."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from newsletters.mail.worker import Worker
from newsletters.models import Delivery, IssueSend
from tests.factories import make_confirmed_subscriber, make_issue, make_section
from tests.newsletters.helpers import FAST
from tests.smtp import body_text, smtp_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "en": "Summer 2022 · WTO MSME Group Newsletter",
    "fr": "Summer 2022 · Bulletin d’information du Groupe MPME de l’OMC",
    "es": "Summer 2022 · Boletín del Grupo MIPYME de la OMC",
}
TITLES = {"en": "Digital trade", "fr": "Commerce numérique", "es": "Comercio digital"}


def url(name, *args):
    return reverse(f"admin:newsletters_{name}", args=args)


@pytest.fixture
def issue():
    """Two sections, translated into French; Spanish has one of two."""
    issue = make_issue(title="Summer 2022")
    make_section(
        issue,
        title=TITLES["en"],
        body="<p>Trade online.</p>",
        title_fr=TITLES["fr"],
        body_fr="<p>Le commerce en ligne.</p>",
        title_es=TITLES["es"],
        body_es="<p>El comercio en línea.</p>",
    )
    make_section(
        issue,
        title="Women in trade",
        body="<p>Women-led firms.</p>",
        title_fr="Les femmes dans le commerce",
        body_fr="<p>Les entreprises dirigées par des femmes.</p>",
    )
    return issue


@pytest.fixture
def readers():
    """Two English readers, two French and one Spanish."""
    return {
        language: [make_confirmed_subscriber(language=language) for _ in range(count)]
        for language, count in [("en", 2), ("fr", 2), ("es", 1)]
    }


def run_worker_twice():
    Worker(**FAST).run()
    Worker(**FAST).run()


def received(smtp_server):  # noqa: F811
    """{address: [message, ...]} of the issue emails received."""
    by_address = {}
    for message in smtp_server.messages:
        if message["Message-ID"].startswith("<issue-"):
            by_address.setdefault(message["To"], []).append(message)
    return by_address


def language_row(page, language):
    return re.search(rf'<tr id="language-{language}">(.*?)</tr>', page, re.S).group(1)


def test_each_subscriber_gets_their_languages_edition_exactly_once(
    publisher_client,
    issue,
    readers,
    smtp_server,  # noqa: F811
):
    response = publisher_client.post(
        url("send_confirm", issue.pk), {"languages": ["en", "fr", "es"]}
    )
    assert response.status_code == 302
    sends = {send.language: send for send in IssueSend.objects.filter(issue=issue)}
    assert {language: send.recipient_count for language, send in sends.items()} == {
        "en": 2,
        "fr": 2,
        "es": 1,
    }

    run_worker_twice()

    by_address = received(smtp_server)
    assert Counter({address: len(messages) for address, messages in by_address.items()}) == (
        Counter({reader.email: 1 for group in readers.values() for reader in group})
    )
    for language, group in readers.items():
        for reader in group:
            (message,) = by_address[reader.email]
            assert str(message["Subject"]).strip() == SUBJECTS[language]
            assert f'<html lang="{language}" dir="ltr"' in body_text(message, "html")
            assert TITLES[language] in body_text(message)
    # Starting them all again queues nobody: each person has the issue.
    publisher_client.post(url("send_confirm", issue.pk), {"languages": ["en", "fr", "es"]})
    assert IssueSend.objects.filter(issue=issue).count() == 3
    assert Delivery.objects.filter(issue=issue).count() == 5


def test_a_language_held_back_is_sent_later_once(
    publisher_client,
    issue,
    readers,
    smtp_server,  # noqa: F811
):
    confirm = publisher_client.get(url("send_confirm", issue.pk)).content.decode()
    # Complete editions are ticked; Spanish (1 of 2 sections) is not, and says why.
    assert re.search(r'value="en"[^>]*checked', confirm)
    assert re.search(r'value="fr"[^>]*checked', confirm)
    assert not re.search(r'value="es"[^>]*checked', confirm)
    assert "The edition is not complete (Spanish: 1 of 2 sections up to date)." in confirm
    assert "Send “Summer 2022” to 4 confirmed subscribers?" in confirm

    publisher_client.post(url("send_confirm", issue.pk), {"languages": ["en", "fr"]})
    run_worker_twice()

    spanish = readers["es"][0]
    assert spanish.email not in received(smtp_server)
    assert not Delivery.objects.filter(subscriber=spanish).exists()
    page = publisher_client.get(url("send_issue", issue.pk)).content.decode()
    assert "Not sent yet" in language_row(page, "es")
    assert "Not sent yet" not in language_row(page, "fr")

    response = publisher_client.post(url("send_confirm", issue.pk), {"languages": ["es"]})
    send = IssueSend.objects.get(issue=issue, language="es")
    assert response["Location"] == url("issuesend_change", send.pk)
    run_worker_twice()

    by_address = received(smtp_server)
    assert len(by_address[spanish.email]) == 1
    assert str(by_address[spanish.email][0]["Subject"]).strip() == SUBJECTS["es"]
    # The section not translated into Spanish is shown whole in English, marked so.
    html = body_text(by_address[spanish.email][0], "html")
    assert '<html lang="es" dir="ltr"' in html and TITLES["es"] in html
    assert re.search(r'<div lang="en">\s*<h2[^>]*>Women in trade</h2>', html)
    assert "Women-led firms." in html
    assert all(len(messages) == 1 for messages in by_address.values())
    assert len(by_address) == 5


def test_the_send_page_shows_each_languages_recipients_and_edition(
    publisher_client, issue, readers
):
    page = publisher_client.get(url("send_issue", issue.pk)).content.decode()
    english, french, spanish = (language_row(page, code) for code in ("en", "fr", "es"))
    assert "2 confirmed subscribers" in english and "Complete" in english
    assert "2 confirmed subscribers" in french
    assert "French: 2 of 2 sections up to date" in french
    assert "1 confirmed subscriber<" in spanish
    assert "Spanish: 1 of 2 sections up to date" in spanish
    assert all("Not sent yet" in row for row in (english, french, spanish))
    # A preview of each edition.
    assert f"{url('send_preview', issue.pk, 'html')}?language=fr" in page
    preview = publisher_client.get(url("send_preview", issue.pk, "html"), {"language": "es"})
    assert '<html lang="es" dir="ltr"' in preview.content.decode()
    assert TITLES["es"] in preview.content.decode()
    bad = publisher_client.get(url("send_preview", issue.pk, "html"), {"language": "de"})
    assert bad.status_code == 404


def test_each_languages_send_has_its_own_progress_page(publisher_client, issue, readers):
    publisher_client.post(url("send_confirm", issue.pk), {"languages": ["en", "fr"]})
    english = IssueSend.objects.get(issue=issue, language="en")
    french = IssueSend.objects.get(issue=issue, language="fr")
    page = publisher_client.get(url("issuesend_change", french.pk)).content.decode()
    assert re.search(r'field-language">.*?<div class="readonly">French</div>', page, re.S)
    assert re.search(r'field-recipient_count">.*?<div class="readonly">2</div>', page, re.S)
    send_page = publisher_client.get(url("send_issue", issue.pk)).content.decode()
    assert url("issuesend_change", english.pk) in language_row(send_page, "en")
    assert url("issuesend_change", french.pk) in language_row(send_page, "fr")


def test_ticking_no_language_sends_nothing_and_says_so(publisher_client, issue, readers):
    response = publisher_client.post(url("send_confirm", issue.pk), {"languages": []})
    assert response.status_code == 200
    assert "Tick at least one language to send." in response.content.decode()
    response = publisher_client.post(url("send_confirm", issue.pk), {"languages": ["de"]})
    assert "Tick at least one language to send." in response.content.decode()
    assert not IssueSend.objects.exists()


def test_a_language_nobody_chose_cannot_be_ticked(publisher_client, issue):
    make_confirmed_subscriber(language="en")
    page = publisher_client.get(url("send_confirm", issue.pk)).content.decode()
    assert re.search(r'value="fr"[^>]*disabled', page)
    assert "No confirmed subscriber chose this language." in page
    response = publisher_client.post(
        url("send_confirm", issue.pk), {"languages": ["en", "fr"]}, follow=True
    )
    assert "French: There is no confirmed subscriber to send it to." in (response.content.decode())
    assert list(IssueSend.objects.values_list("language", flat=True)) == ["en"]


def test_an_editor_cannot_start_a_send_in_any_language(editor_client, issue, readers):
    assert editor_client.get(url("send_issue", issue.pk)).status_code == 200
    assert editor_client.get(url("send_confirm", issue.pk)).status_code == 403
    for languages in (["en"], ["fr"], ["es"], ["en", "fr", "es"]):
        response = editor_client.post(url("send_confirm", issue.pk), {"languages": languages})
        assert response.status_code == 403
    assert not IssueSend.objects.exists()
    assert not Delivery.objects.exists()


def test_a_test_send_is_in_the_language_chosen(editor_client, issue, smtp_server):  # noqa: F811
    page = editor_client.get(url("send_issue", issue.pk)).content.decode()
    assert re.search(r'<option value="en" selected>', page)
    response = editor_client.post(
        url("send_test", issue.pk), {"addresses": "me@example.org", "language": "fr"}
    )
    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1)
    assert str(message["Subject"]).strip() == f"[Test] {SUBJECTS['fr']}"
    assert '<html lang="fr" dir="ltr"' in body_text(message, "html")
    assert TITLES["fr"] in body_text(message)
    bad = editor_client.post(
        url("send_test", issue.pk), {"addresses": "me@example.org", "language": "de"}
    )
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert len(smtp_server.messages) == 1
