"""The guides page: filters by audience, topic and text."""

import re

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


@pytest.fixture
def many_guides():
    """30 guides, 10 of them for policymakers, titled in list order."""
    topic = make_topic(name="Finance", slug="finance")
    return [
        make_guide(
            title=f"Guide {n:02}", topic=topic, audience="policymakers" if n % 3 == 0 else "msmes"
        )
        for n in range(30)
    ]


def card_ids(html):
    return [int(pk) for pk in re.findall(r'id="guide-(\d+)"', html)]


def test_the_list_shows_24_guides_a_page_with_links_to_the_others(client, many_guides):
    first = client.get(reverse("guides:guide_list")).content.decode()
    second = client.get(reverse("guides:guide_list"), {"page": 2}).content.decode()

    assert card_ids(first) == [guide.pk for guide in many_guides[:24]]
    assert card_ids(second) == [guide.pk for guide in many_guides[24:]]
    assert "30 guides · showing 1 to 24" in first
    assert "30 guides · showing 25 to 30" in second
    assert '<a rel="next" href="?page=2">Next page</a>' in first
    assert "Page 1 of 2" in first
    assert 'rel="prev"' not in first
    assert '<a rel="prev" href="?page=1">Previous page</a>' in second
    assert 'rel="next"' not in second
    # The page number is no filter: nothing to reset.
    assert "Show all guides" not in second


def test_page_links_keep_the_filters(client, many_guides):
    for n in range(30):
        make_guide(title=f"Other {n:02}", audience="policymakers")
    params = {"audience": "policymakers", "topic": "finance", "text": "guide"}

    html = client.get(reverse("guides:guide_list"), params).content.decode()

    assert card_ids(html) == [guide.pk for guide in many_guides if guide.audience == "policymakers"]
    assert "10 guides" in html
    assert "Page 1 of" not in html  # one page: no page links

    many = client.get(reverse("guides:guide_list"), {"audience": "policymakers"})
    html = many.content.decode()
    assert "40 guides · showing 1 to 24" in html
    assert '<a rel="next" href="?audience=policymakers&amp;page=2">Next page</a>' in html
    second = client.get(reverse("guides:guide_list"), {"audience": "policymakers", "page": 2})
    assert "40 guides · showing 25 to 40" in second.content.decode()
    assert "Show all guides" in second.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "\x00", "2" * 500])
def test_a_page_out_of_range_shows_the_nearest_one(client, many_guides, page):
    response = client.get(reverse("guides:guide_list"), {"page": page})

    assert response.status_code == 200
    assert len(card_ids(response.content.decode())) in (24, 6)


def test_a_guides_address_names_the_page_that_shows_it(client, many_guides):
    assert many_guides[0].get_absolute_url() == f"/en/guides/#guide-{many_guides[0].pk}"
    last = many_guides[-1]
    assert last.get_absolute_url() == f"/en/guides/?page=2#guide-{last.pk}"
    html = client.get(last.get_absolute_url()).content.decode()
    assert f'id="guide-{last.pk}"' in html


def test_the_list_reads_every_guide_and_the_topics_in_two_queries(
    client, many_guides, empty_page_cache, django_assert_num_queries
):
    empty_page_cache()
    # Every guide as its card reads it, paged in Python; the topics to filter by.
    with django_assert_num_queries(2):
        response = client.get(reverse("guides:guide_list"), {"page": 2})
    assert card_ids(response.content.decode()) == [guide.pk for guide in many_guides[24:]]
    # Filtered: the count, the page's guides, the topics.
    with django_assert_num_queries(3):
        response = client.get(reverse("guides:guide_list"), {"audience": "policymakers"})
    assert len(card_ids(response.content.decode())) == 10


def topic_options(html):
    select = re.search(r'<select name="topic".*?</select>', html, re.DOTALL)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_topics_to_filter_by_are_named_in_the_pages_language(client, empty_page_cache):
    make_topic(name_en="Finance", name_fr="Financement", slug="finance")
    make_topic(name_en="Logistics", slug="logistics")
    make_topic(name_en="Exporting", name_fr="Zones franches", slug="zones")

    assert topic_options(client.get("/fr/guides/").content.decode()) == [
        ("", "Tous les thèmes"),
        ("finance", "Financement"),
        ("logistics", "Logistics"),
        ("zones", "Zones franches"),
    ]
    # A topic added since is offered on the next page drawn, and filters.
    make_topic(name_en="Customs", slug="customs")
    empty_page_cache()
    html = client.get("/en/guides/", {"topic": "customs"}).content.decode()
    assert [slug for slug, _ in topic_options(html)] == [
        "", "customs", "zones", "finance", "logistics",
    ]  # fmt: skip
    assert '<option value="customs" selected>' in html
