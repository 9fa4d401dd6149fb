"""Admin for the register: lists, filters, search, the end-of-term action."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import GroupOfficer, MemberEconomy, NetworkOrganization, OfficerRole
from tests.factories import make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    uruguay = MemberEconomy.objects.create(name="Uruguay", sort_name="Uruguay")
    gambia = MemberEconomy.objects.create(
        name="The Gambia", sort_name="Gambia, The", joined_on=date(2022, 6, 1)
    )
    eu = MemberEconomy.objects.create(
        name="European Union",
        sort_name="European Union",
        is_european_union=True,
        eu_member_states=27,
    )
    return {"uruguay": uruguay, "gambia": gambia, "eu": eu}


def results(response):
    return list(response.context["cl"].result_list)


def test_member_economies_are_listed_by_sort_name_and_searchable(editor_client, register):
    url = reverse("admin:network_membereconomy_changelist")
    response = editor_client.get(url)
    assert response.status_code == 200
    assert results(response) == [register["eu"], register["gambia"], register["uruguay"]]
    assert "27" in response.content.decode()  # the EU counts as its member States
    assert results(editor_client.get(url, {"q": "gambia"})) == [register["gambia"]]
    eu_only = editor_client.get(url, {"is_european_union__exact": "1"})
    assert results(eu_only) == [register["eu"]]


def test_a_second_european_union_is_a_form_error(editor_client, register):
    response = editor_client.post(
        reverse("admin:network_membereconomy_add"),
        {
            "name": "Another Union",
            "sort_name": "Another Union",
            "is_european_union": "on",
            "eu_member_states": "3",
        },
    )
    assert response.status_code == 200
    assert "Only one economy can be the European Union." in response.content.decode()


def test_organizations_are_listed_in_display_order_and_filter_by_kind(editor_client):
    bank = NetworkOrganization.objects.create(
        name="Inter-American Development Bank",
        acronym="IDB",
        kind="development_bank",
        display_order=2,
    )
    itc = NetworkOrganization.objects.create(
        name="International Trade Centre",
        acronym="ITC",
        kind="international_organization",
        display_order=1,
    )
    url = reverse("admin:network_networkorganization_changelist")
    assert results(editor_client.get(url)) == [itc, bank]
    assert results(editor_client.get(url, {"kind__exact": "development_bank"})) == [bank]
    assert results(editor_client.get(url, {"q": "IDB"})) == [bank]


def test_officers_filter_by_office_and_list_in_few_queries(
    editor_client, register, django_assert_max_num_queries
):
    current = make_officer(economy=register["uruguay"])
    former = make_officer(
        economy=register["gambia"],
        name="Former chair",
        role=OfficerRole.CHAIR,
        term_start=date(2018, 1, 1),
        term_end=date(2020, 1, 1),
    )
    for n in range(10):
        make_officer(
            economy=register["eu"],
            name=f"Chair {n}",
            term_start=date(2017, 12, 1),
            term_end=date(2020, 1, 1),
        )
    url = reverse("admin:network_groupofficer_changelist")
    with django_assert_max_num_queries(10):
        response = editor_client.get(url)
    assert len(results(response)) == 12
    assert results(editor_client.get(url, {"in_office": "yes"})) == [current]
    assert former in results(editor_client.get(url, {"in_office": "no"}))
    assert results(editor_client.get(url, {"role__exact": "chair"})) == [former]


def test_ending_terms_today_leaves_ended_terms_alone(editor_client, register):
    current = make_officer(economy=register["uruguay"])
    former = make_officer(
        economy=register["gambia"], term_start=date(2017, 12, 1), term_end=date(2020, 1, 1)
    )
    editor_client.post(
        reverse("admin:network_groupofficer_changelist"),
        {"action": "end_term_today", "_selected_action": [current.pk, former.pk]},
    )
    current.refresh_from_db()
    former.refresh_from_db()
    assert current.term_end == timezone.localdate()
    assert former.term_end == date(2020, 1, 1)


def test_a_term_ending_before_it_starts_is_a_form_error(editor_client, register):
    response = editor_client.post(
        reverse("admin:network_groupofficer_add"),
        {
            "name": "Someone",
            "role": "chair",
            "economy": register["uruguay"].pk,
            "term_start": "2022-01-01",
            "term_end": "2021-01-01",
        },
    )
    assert response.status_code == 200
    assert "A term cannot end before it starts." in response.content.decode()
    assert not GroupOfficer.objects.exists()


def test_the_register_admin_is_closed_to_anonymous_visitors(client):
    response = client.get(reverse("admin:network_membereconomy_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_leaving_before_joining_is_a_form_error_beside_the_date(editor_client, register):
    gambia = register["gambia"]  # joined on 1 June 2022
    response = editor_client.post(
        reverse("admin:network_membereconomy_change", args=[gambia.pk]),
        {
            "name_en": "The Gambia",
            "sort_name_en": "Gambia, The",
            "joined_on": "2022-06-01",
            "left_on": "2022-05-31",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["left_on"] == [
        "An economy cannot leave the Group before the date it joined."
    ]
    gambia.refresh_from_db()
    assert gambia.left_on is None


def test_an_editor_records_that_an_economy_left(editor_client, register):
    gambia = register["gambia"]
    response = editor_client.post(
        reverse("admin:network_membereconomy_change", args=[gambia.pk]),
        {
            "name_en": "The Gambia",
            "sort_name_en": "Gambia, The",
            "joined_on": "2022-06-01",
            "left_on": "2023-03-15",
        },
    )
    assert response.status_code == 302
    gambia.refresh_from_db()
    assert gambia.left_on == date(2023, 3, 15)

    url = reverse("admin:network_membereconomy_changelist")
    listing = editor_client.get(url).content.decode()
    assert '<td class="field-left_on nowrap">March 15, 2023</td>' in listing
    assert results(editor_client.get(url, {"membership": "former"})) == [gambia]
    assert results(editor_client.get(url, {"membership": "current"})) == [
        register["eu"],
        register["uruguay"],
    ]


def test_officers_not_yet_in_office_have_their_own_filter(editor_client, register):
    today = timezone.localdate()
    appointed = make_officer(
        economy=register["gambia"],
        role=OfficerRole.FRIEND_OF_THE_CHAIR,
        term_start=today + timedelta(days=10),
    )
    serving = make_officer(economy=register["uruguay"], term_end=today + timedelta(days=10))
    url = reverse("admin:network_groupofficer_changelist")
    assert results(editor_client.get(url, {"in_office": "upcoming"})) == [appointed]
    assert results(editor_client.get(url, {"in_office": "yes"})) == [serving]
    listing = editor_client.get(url).content.decode()
    assert "Friend of the Chair" in listing
