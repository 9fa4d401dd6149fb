"""Control characters never reach the database through the project's text fields."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from msme_portal.plain_text import clean_text
from tests.factories import make_economy, make_guide, make_organization, make_topic

PROJECT_APPS = ["network", "guides", "newsletters"]


@pytest.mark.parametrize(
    ("text", "multi_line", "expected"),
    [
        ("Summer\x0b2022", False, "Summer 2022"),
        ("Summer\x0c 2022\x1b", False, "Summer 2022"),
        ("one \r\n two\tthree", False, "one two three"),
        ("\tChile\x0b\r\n", False, "Chile"),
        ("  Chile  ", False, "  Chile  "),
        ("one\r\ntwo\tthree", True, "one\r\ntwo\tthree"),
        ("page\x0cbreak and soft\x0bline", True, "page\nbreak and soft\nline"),
        ("nul\x00 bell\x07 del\x7f c1\x9b nel\x85end", True, "nul bell del c1 nel\nend"),
        ("not characters \ufffe\uffff and a lone \ud800 surrogate", True,
         "not characters  and a lone  surrogate"),
        ("Côte d’Ivoire — 2022 ✓ 🌍", False, "Côte d’Ivoire — 2022 ✓ 🌍"),
    ],
)  # fmt: skip
def test_clean_text(text, multi_line, expected):
    assert clean_text(text, multi_line=multi_line) == expected


def text_fields():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.local_concrete_fields:
                if isinstance(field, (models.CharField, models.TextField)):
                    yield field


def test_every_text_field_of_the_project_apps_cleans_its_values():
    fields = list(text_fields())
    assert len(fields) > 40  # every app's models, not a handful
    for field in fields:
        value = field.to_python("a\x1bb\x0bc\ufffe")
        if isinstance(field, models.TextField):
            assert value == "ab\nc", field
        else:
            assert value == "ab c", field


def test_other_apps_fields_are_left_alone():
    from django.contrib.auth.models import User

    assert User._meta.get_field("username").to_python("a\x1bb") == "a\x1bb"


@pytest.mark.django_db
def test_a_duplicate_hidden_behind_a_control_character_is_a_validation_error():
    from network.models import MemberEconomy

    make_economy(name="Chile")
    # Cleaning comes before the uniqueness check, which so sees "Chile":
    # a form error, not a database error on save.
    economy = MemberEconomy(name="Chile\x0b", sort_name="Chile")
    with pytest.raises(ValidationError) as excinfo:
        economy.full_clean()
    assert "already exists" in excinfo.value.message_dict["name"][0]


@pytest.mark.django_db
def test_saving_and_bulk_writes_store_clean_text():
    from guides.models import Guide
    from network.models import NetworkOrganization

    topic = make_topic(name="Trade\x1b finance")
    topic.refresh_from_db()
    assert topic.name == "Trade finance"
    guide = make_guide(topic=topic)
    Guide.objects.filter(pk=guide.pk).update(summary="One\x0btwo\x00")
    guide.refresh_from_db()
    assert guide.summary == "One\ntwo"
    organization = make_organization()
    NetworkOrganization.objects.bulk_update(
        [NetworkOrganization(pk=organization.pk, name="ITC\x0c Geneva", kind=organization.kind)],
        ["name"],
    )
    organization.refresh_from_db()
    assert organization.name == "ITC Geneva"


@pytest.mark.django_db
def test_a_guide_edited_in_the_admin_loses_its_control_characters(editor_client):
    from guides.models import Guide

    guide = make_guide()
    response = editor_client.get(f"/admin/guides/guide/{guide.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data = {name: value for name, value in data.items() if not isinstance(value, list)}
    data.update(title_en="Guide\x0bto\x1b exporting", summary_en="First\x0cline.\r\nSecond line.")
    response = editor_client.post(f"/admin/guides/guide/{guide.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    guide = Guide.objects.get(pk=guide.pk)
    assert guide.title == "Guide to exporting"
    assert guide.summary == "First\nline.\r\nSecond line."
