"""The guides page: filters by audience, topic and text."""

import pytest
from django.urls import reverse

from tests.factories import make_guide, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides():
    finance = make_topic(name="Finance", slug="finance")
    logistics = make_topic(name="Logistics", slug="logistics")
    return {
        "rates": make_guide(title="Exchange Rates", topic=finance),
        "reverse": make_guide(title="Reverse Logistics", topic=logistics),
        "competition": make_guide(
            title="Competition Policy", topic=finance, audience="policymakers"
        ),
    }


def titles(client, **params):
    html = client.get(reverse("guides:guide_list"), params).content.decode()
    return {
        name
        for name in ("Exchange Rates", "Reverse Logistics", "Competition Policy")
        if name in html
    }


def test_lists_every_guide_linking_out(client, guides):
    response = client.get(reverse("guides:guide_list"))
    html = response.content.decode()
    assert titles(client) == {"Exchange Rates", "Reverse Logistics", "Competition Policy"}
    assert f'href="{guides["rates"].url}" rel="noopener external"' in html
    assert f'id="guide-{guides["rates"].pk}"' in html


def test_filters(client, guides):
    assert titles(client, audience="policymakers") == {"Competition Policy"}
    assert titles(client, topic="logistics") == {"Reverse Logistics"}
    assert titles(client, audience="msmes", topic="finance") == {"Exchange Rates"}
    assert titles(client, text="rates") == {"Exchange Rates"}
    assert titles(client, text="policy", audience="msmes") == set()


@pytest.mark.parametrize(
    "params",
    [
        {"audience": "nobody"},
        {"topic": "no-such-topic"},
        {"text": "x" * 5000},
        {"text": "%"},
        {"text": "\x00"},
        {"topic": "\x00"},
        {"topic": "finance\x00"},
        {"audience": "\x00"},
        {"text": "<script>alert(1)</script>"},
    ],
)
def test_odd_filters_get_a_normal_page(client, guides, params):
    response = client.get(reverse("guides:guide_list"), params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_query_budget_with_many_guides(client, empty_page_cache, django_assert_max_num_queries):
    topics = [make_topic() for _ in range(5)]
    for n in range(60):
        make_guide(topic=topics[n % 5], audience=("msmes", "policymakers")[n % 2])
    empty_page_cache()
    with django_assert_max_num_queries(5):
        assert client.get(reverse("guides:guide_list")).status_code == 200
    with django_assert_max_num_queries(5):
        response = client.get(
            reverse("guides:guide_list"), {"topic": topics[0].slug, "audience": "msmes"}
        )
        assert response.status_code == 200
