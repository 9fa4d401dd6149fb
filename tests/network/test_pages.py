"""The member economies and Network pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import MemberEconomy, OrganizationKind
from network.views import register
from tests.factories import make_economy, make_officer, make_organization

pytestmark = pytest.mark.django_db


def test_members_are_alphabetical_by_sort_key_with_group_size(client):
    make_economy(name="Zimbabwe")
    make_economy(name="The Gambia", sort_name="Gambia, The")
    make_economy(name="Albania")
    make_economy(name="European Union", is_european_union=True, eu_member_states=27)
    html = client.get(reverse("network:member_list")).content.decode()
    assert html.index("Albania") < html.index("European Union") < html.index("The Gambia")
    assert html.index("The Gambia") < html.index("Zimbabwe")
    # 3 Members plus the 27 member States of the European Union.
    assert "The Group has 30 WTO Members." in html


def test_newest_members_are_highlighted(client):
    make_economy(name="Founding member")
    make_economy(name="Joined long ago", joined_on=date(2018, 1, 1))
    make_economy(name="Newcomer one", joined_on=date(2022, 5, 1))
    make_economy(name="Newcomer two", joined_on=date(2022, 6, 1))
    html = client.get(reverse("network:member_list")).content.decode()
    welcome = html.split('id="newest-title"')[1].split("</section>")[0]
    assert "Newcomer one" in welcome and "Newcomer two" in welcome
    assert "Joined long ago" not in welcome
    assert html.count('class="member--new"') == 2


def test_coordinator_and_previous_chairs(client):
    uruguay = make_economy(name="Uruguay")
    make_officer(name="H.E. Mr José Luis Cancela", economy=uruguay)
    make_officer(
        name="Earlier Chair", role="chair", term_start=date(2017, 12, 1), term_end=date(2019, 1, 1)
    )
    make_officer(
        name="Later Chair", role="chair", term_start=date(2019, 1, 1), term_end=date(2021, 1, 1)
    )
    html = client.get(reverse("network:member_list")).content.decode()
    officers = html.split('class="officers"')[1].split("</dl>")[0]
    assert "Coordinator" in officers
    assert "H.E. Mr José Luis Cancela, Uruguay" in officers
    assert officers.index("Later Chair") < officers.index("Earlier Chair")


def test_the_register_is_todays_with_former_members_in_a_note(client):
    today = timezone.localdate()
    make_economy(name="Uruguay")
    make_economy(name="Leaves next month", left_on=today + timedelta(days=30))
    make_economy(name="Joins next month", joined_on=today + timedelta(days=30))
    make_economy(name="Left in 2023", joined_on=date(2019, 4, 1), left_on=date(2023, 3, 15))
    make_economy(name="Founder who left", left_on=date(2021, 6, 30))
    html = client.get(reverse("network:member_list")).content.decode()
    members = html.split('id="members-title"')[1].split("</section>")[0]
    assert "Uruguay" in members and "Leaves next month" in members
    assert "Joins next month" not in members and "Left in 2023" not in members
    assert "The Group has 2 WTO Members." in html
    former = html.split('id="former-title"')[1].split("</section>")[0]
    assert 'Left in 2023 <span class="muted">(member from 1 April 2019 to 15 March 2023)' in former
    assert 'Founder who left <span class="muted">(left 30 June 2021)' in former
    assert former.index("Left in 2023") < former.index("Founder who left")


def test_no_former_members_note_while_none_has_left(client):
    make_economy(name="Uruguay", left_on=timezone.localdate() + timedelta(days=1))
    html = client.get(reverse("network:member_list")).content.decode()
    assert "Former members" not in html


def test_a_chair_appointed_for_later_is_not_named_yet(client):
    make_officer(name="Chair to come", role="chair", term_start=timezone.localdate() + timedelta(1))
    make_officer(name="Serving coordinator")
    html = client.get(reverse("network:member_list")).content.decode()
    assert "Serving coordinator" in html and "Chair to come" not in html


def test_organizations_are_grouped_by_kind_in_display_order(client):
    make_organization(name="World Bank", kind=OrganizationKind.DEVELOPMENT_BANK, display_order=2)
    make_organization(
        name="Asian Development Bank", kind=OrganizationKind.DEVELOPMENT_BANK, display_order=1
    )
    make_organization(name="UNECE", kind=OrganizationKind.UN_REGIONAL_COMMISSION)
    html = client.get(reverse("network:organization_list")).content.decode()
    assert "Development bank" in html and "UN regional commission" in html
    assert "Regional organization" not in html
    assert html.index("Asian Development Bank") < html.index("World Bank")
    assert 'rel="noopener"' in html


def test_an_edit_is_visible_on_the_next_request(client):
    economy = make_economy(name="Old name")
    assert "Old name" in client.get(reverse("network:member_list")).content.decode()
    economy.name = "New name"
    economy.save()
    assert "New name" in client.get(reverse("network:member_list")).content.decode()


def test_a_leaving_date_is_visible_on_the_next_request(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    economy = make_economy(name="Leaving economy")
    url = reverse("network:member_list")
    assert "Former members" not in client.get(url).content.decode()
    assert client.get(url).status_code == 200  # now served from the page cache
    economy.left_on = date(2023, 3, 15)
    economy.save(update_fields=["left_on"])
    former = client.get(url).content.decode().split('id="former-title"')[1]
    assert "Leaving economy" in former


@pytest.mark.parametrize("url_name", ["network:member_list", "network:organization_list"])
def test_query_budget_with_many_rows(
    client, empty_page_cache, django_assert_max_num_queries, url_name
):
    for n in range(60):
        make_economy(joined_on=date(2020, 1, 1 + n % 28))
        make_organization(kind=list(OrganizationKind)[n % 4])
    for n in range(5):
        make_officer(role="chair", term_start=date(2010 + n, 1, 1), term_end=date(2011 + n, 1, 1))
    make_officer()
    for n in range(5):
        make_economy(joined_on=date(2015, 1, 1), left_on=date(2019, 1, 1 + n))
    empty_page_cache()
    with django_assert_max_num_queries(5):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_member_list_reads_economies_and_officers_once_each(
    client, empty_page_cache, django_assert_num_queries
):
    today = timezone.localdate()
    for n in range(40):
        make_economy(joined_on=date(2020, 1, 1 + n % 28))
    for n in range(5):
        make_economy(joined_on=date(2015, 1, 1), left_on=date(2019, 1, 1 + n))
    make_economy(name="Joins next month", joined_on=today + timedelta(days=30))
    for n in range(5):
        make_officer(role="chair", term_start=date(2010 + n, 1, 1), term_end=date(2011 + n, 1, 1))
    empty_page_cache()
    # The economies that have joined by today, then the officers.
    with django_assert_num_queries(2):
        html = client.get(reverse("network:member_list")).content.decode()
    assert html.count('class="member--new"') == 2
    assert "Joins next month" not in html


def test_the_register_splits_the_rows_as_the_querysets_do():
    today = timezone.localdate()
    for joined, left in [
        (None, None),
        (date(2019, 1, 1), None),
        (None, today),
        (date(2018, 1, 1), today - timedelta(days=1)),
        (date(2018, 1, 1), today + timedelta(days=1)),
        (today, None),
        (today + timedelta(days=1), None),
    ]:
        make_economy(joined_on=joined, left_on=left)

    members, former = register(today)

    assert members == list(MemberEconomy.objects.current())
    assert former == list(MemberEconomy.objects.former())
