"""The guide cards of /guides/: who each guide is for, its title linking
out, its topic, a line about it and the site it is on."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_guide, make_topic

pytestmark = pytest.mark.django_db


def cards(client, path=None):
    html = client.get(path or reverse("guides:guide_list")).content.decode()
    return {
        int(pk): " ".join(card.split())
        for pk, card in re.findall(
            r'<li class="card guide-card[^"]*" id="guide-(\d+)">(.*?)</li>', html, re.S
        )
    }


def test_a_card_shows_audience_title_topic_summary_and_site(client):
    guide = make_guide(
        title="Exchange Rates",
        topic=make_topic(name="Finance"),
        url="https://www.trade4msmes.org/msme-guides/exchange-rates/",
        summary="How exchange rates affect the prices\nof what small firms sell abroad.",
    )

    card = cards(client)[guide.pk]

    assert '<p class="guide-card__audience">For MSMEs</p>' in card
    assert (
        '<h3 class="card__title"><a href="https://www.trade4msmes.org/msme-guides/exchange-rates/"'
        ' rel="noopener external">Exchange Rates</a></h3>'
    ) in card
    assert '<p class="card__meta">Topic: Finance</p>' in card
    assert (
        '<p class="guide-card__description">How exchange rates affect the prices of what small '
        "firms sell abroad.</p>"
    ) in card
    assert '<p class="guide-card__site">On trade4msmes.org</p>' in card


def test_a_guide_without_a_summary_gets_a_line_about_its_audience(client):
    for_firms = make_guide(title="Standards", summary="")
    for_officials = make_guide(title="Competition Policy", audience="policymakers", summary="")

    shown = cards(client)

    assert (
        '<p class="guide-card__description muted">A practical guide for micro, small and '
        "medium-sized enterprises.</p>"
    ) in shown[for_firms.pk]
    assert "For policymakers" in shown[for_officials.pk]
    assert "A guide for policymakers and trade officials." in shown[for_officials.pk]
    assert "guide-card--policymakers" in client.get(reverse("guides:guide_list")).content.decode()


def test_a_long_summary_is_shortened_to_a_line_with_an_ellipsis(client):
    guide = make_guide(summary=" ".join(f"word{n}" for n in range(100)))

    card = cards(client)[guide.pk]

    assert "word39…</p>" in card
    assert "word40" not in card


def test_a_card_in_french_marks_the_english_it_falls_back_to(client):
    guide = make_guide(
        title="Exchange Rates",
        summary="In English only.",
        topic=make_topic(name="Finance", name_fr="Finances"),
    )
    translated = make_guide(title="Standards", title_fr="Normes", summary="S", summary_fr="Oui.")

    shown = cards(client, "/fr/guides/")

    assert 'lang="en">Exchange Rates</a>' in shown[guide.pk]
    assert 'lang="en">In English only.</p>' in shown[guide.pk]
    assert "Finances" in shown[guide.pk]
    assert 'rel="noopener external">Normes</a>' in shown[translated.pk]
    assert '<p class="guide-card__description">Oui.</p>' in shown[translated.pk]
