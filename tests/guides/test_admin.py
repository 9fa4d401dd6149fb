"""Admin for the guides and their topics."""

import pytest
from django.urls import reverse

from guides.models import Audience, Guide, Topic
from tests.factories import make_guide

pytestmark = pytest.mark.django_db


def results(response):
    return list(response.context["cl"].result_list)


def test_guides_are_listed_filtered_and_searched_in_few_queries(
    editor_client, django_assert_max_num_queries
):
    finance = Topic.objects.create(name="Access to finance", slug="access-to-finance")
    ecommerce = Topic.objects.create(name="E-commerce", slug="e-commerce")
    for n in range(12):
        make_guide(topic=finance if n % 2 else ecommerce)
    policy = make_guide(topic=finance, title="Trade facilitation", audience=Audience.POLICYMAKERS)
    url = reverse("admin:guides_guide_changelist")
    with django_assert_max_num_queries(10):
        response = editor_client.get(url)
    assert len(results(response)) == 13
    assert results(editor_client.get(url, {"audience__exact": "policymakers"})) == [policy]
    assert len(results(editor_client.get(url, {"topic__id__exact": ecommerce.pk}))) == 6
    assert results(editor_client.get(url, {"q": "facilitation"})) == [policy]


def test_topics_show_how_many_guides_they_hold(editor_client):
    topic = Topic.objects.create(name="Access to finance", slug="access-to-finance")
    for _ in range(3):
        make_guide(topic=topic)
    response = editor_client.get(reverse("admin:guides_topic_changelist"))
    assert results(response)[0].guide_count == 3


def test_a_duplicate_guide_for_the_same_audience_is_a_form_error(editor_client):
    topic = Topic.objects.create(name="Access to finance", slug="access-to-finance")
    make_guide(topic=topic, title="Finding finance")
    response = editor_client.post(
        reverse("admin:guides_guide_add"),
        {
            "title_en": "Finding finance",
            "audience": "msmes",
            "topic": topic.pk,
            "url": "https://www.trade4msmes.org/x",
            "summary_en": "",
            "added_on": "2022-06-01",
        },
    )
    assert response.status_code == 200
    assert "There is already a guide with this title for this audience." in (
        response.content.decode()
    )
    assert Guide.objects.count() == 1


def test_a_duplicate_topic_slug_is_a_form_error(editor_client):
    Topic.objects.create(name="Access to finance", slug="finance")
    response = editor_client.post(
        reverse("admin:guides_topic_add"), {"name": "Finance", "slug": "finance"}
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_editors_cannot_delete_guides(editor_client):
    topic = Topic.objects.create(name="Access to finance", slug="access-to-finance")
    guide = make_guide(topic=topic)
    response = editor_client.post(reverse("admin:guides_guide_delete", args=[guide.pk]))
    assert response.status_code == 403
    assert Guide.objects.filter(pk=guide.pk).exists()
