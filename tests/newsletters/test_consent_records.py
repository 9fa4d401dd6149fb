"""Consent kept word for word: each version of the privacy statement and
consent sentence is stored, the sign-up page shows the one in force, each
subscriber points at the words they were shown, and their data export
carries those words exactly, after the wording has changed twice."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.models import ConsentWording, Subscriber, Suppression, SuppressionReason
from tests.newsletters.helpers import signup_form_data

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:newsletters_consentwording_add")


def new_version(client, version, statement, agreement, language="en"):
    response = client.post(
        ADD_URL,
        {
            "version": version,
            "language": language,
            "valid_from_0": (timezone.localtime() - timedelta(seconds=1)).strftime("%Y-%m-%d"),
            "valid_from_1": (timezone.localtime() - timedelta(seconds=1)).strftime("%H:%M:%S"),
            "statement": statement,
            "agreement": agreement,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ConsentWording.objects.get(version=version, language=language)


def sign_up(client, send_queued_emails, email, language="en"):
    page = client.get(f"/{language}/subscribe/")
    shown = page.context["form"].initial["consent_wording"]
    client.post(
        f"/{language}/subscribe/",
        signup_form_data(email=email, language=language, consent_wording=str(shown)),
    )
    send_queued_emails()
    return page, Subscriber.objects.get(email=email)


def test_the_export_keeps_the_words_agreed_to_after_two_changes(
    client, publisher_client, send_queued_emails
):
    first_page, early = sign_up(client, send_queued_emails, "early@example.org")
    first = ConsentWording.objects.get(version="2026-11", language="en")
    assert first.statement.split("\n\n")[0] in first_page.content.decode()

    second = new_version(
        publisher_client,
        "2027-01",
        "We keep your address.\n\nWe never share it.",
        "I agree (2027-01).",
    )
    third = new_version(
        publisher_client, "2027-06", "Only for the newsletter.", "I agree (2027-06)."
    )
    third_page, late = sign_up(client, send_queued_emails, "late@example.org")

    # The page now shows the third wording, and each person points at theirs.
    content = third_page.content.decode()
    assert "Only for the newsletter." in content and "I agree (2027-06)." in content
    assert "Version 2027-06" in content
    assert (early.consent_wording, late.consent_wording) == (first, third)
    assert second.statement == "We keep your address.\n\nWe never share it."
    first.refresh_from_db()
    assert first.statement.startswith("The WTO MSME Group secretariat uses your email address")

    response = publisher_client.get(reverse("admin:newsletters_subscriber_data", args=[early.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="subscriber-{early.pk}.json"'
    data = json.loads(response.content)
    assert data["profile"]["email"] == "early@example.org"
    assert data["consent"]["wording"] == {
        "version": "2026-11",
        "language": "en",
        "in_force_from": first.valid_from.isoformat().replace("+00:00", "Z"),
        "privacy_statement": first.statement,
        "consent_sentence": (
            "I agree to receive the newsletter as described in the privacy statement."
        ),
    }
    assert data["consent"]["through"] == "form"


def test_a_version_is_shown_as_it_was_and_never_changed(publisher_client):
    first = ConsentWording.objects.get(version="2026-11", language="fr")
    change_url = reverse("admin:newsletters_consentwording_change", args=[first.pk])

    page = publisher_client.get(change_url)
    publisher_client.post(change_url, {"statement": "Rewritten.", "agreement": "Rewritten."})

    assert page.status_code == 200
    assert "dénombrer les lecteurs par économie" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    first.refresh_from_db()
    assert "dénombrer les lecteurs" in first.statement
    # A new version starts from the words in force, in the language asked.
    add_page = publisher_client.get(ADD_URL + "?language=fr")
    assert "dénombrer les lecteurs par économie" in add_page.content.decode()


def test_a_version_name_is_used_once_per_language(publisher_client):
    response = publisher_client.post(
        ADD_URL,
        {
            "version": "2026-11",
            "language": "en",
            "valid_from_0": "2027-01-01",
            "valid_from_1": "00:00:00",
            "statement": "Other words.",
            "agreement": "I agree.",
        },
    )

    assert response.status_code == 200
    assert "This version already has a wording in this language." in response.content.decode()
    assert ConsentWording.objects.filter(version="2026-11").count() == 3


def test_an_editor_reads_the_wordings_but_cannot_add_one(editor_client):
    assert (
        editor_client.get(reverse("admin:newsletters_consentwording_changelist")).status_code == 200
    )
    assert editor_client.get(ADD_URL).status_code == 403


def test_the_french_page_shows_the_french_words_and_records_them(client, send_queued_emails):
    page, subscriber = sign_up(client, send_queued_emails, "lea@example.org", language="fr")

    content = page.content.decode()
    assert "J’accepte de recevoir le bulletin d’information" in content
    assert subscriber.consent_wording == ConsentWording.objects.get(
        version="2026-11", language="fr"
    )


def test_the_export_has_deliveries_and_suppressions(publisher_client, send_queued_emails):
    _page, subscriber = sign_up(publisher_client, send_queued_emails, "ana@example.org")
    Suppression.objects.suppress("Ana@example.org", SuppressionReason.MANUAL, "Asked by phone.")
    url = reverse("admin:newsletters_subscriber_data", args=[subscriber.pk])

    data = json.loads(publisher_client.get(url).content)

    assert [row["reason"] for row in data["suppressions"]] == ["manual"]
    assert data["suppressions"][0]["evidence"] == "Asked by phone."
    assert [row["kind"] for row in data["account_emails"]] == ["sign_up"]
    assert data["deliveries"] == []
    change_page = publisher_client.get(
        reverse("admin:newsletters_subscriber_change", args=[subscriber.pk])
    )
    assert url in change_page.content.decode()


def test_an_editor_cannot_export_a_subscribers_data(editor_client, make_subscriber):
    subscriber = make_subscriber(email="ana@example.org")

    response = editor_client.get(reverse("admin:newsletters_subscriber_data", args=[subscriber.pk]))

    assert response.status_code == 403


def test_a_form_sent_back_with_an_unknown_version_records_the_version_in_force(
    client, send_queued_emails
):
    for tampered in ("abc", "999999", "1" * 40):
        email = f"v{len(tampered)}{tampered[:3]}@example.org"
        response = client.post(
            "/en/subscribe/", signup_form_data(email=email, consent_wording=tampered)
        )
        assert response.status_code == 302, tampered
    send_queued_emails()

    in_force = ConsentWording.objects.get(version="2026-11", language="en")
    assert set(Subscriber.objects.values_list("consent_wording", flat=True)) == {in_force.pk}
    assert Subscriber.objects.count() == 3
