"""The register as of a day: who was a member, how many WTO Members the
Group counted and who held office."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from network.models import MemberEconomy, OfficerRole
from network.officers import officer_list
from tests.factories import make_economy, make_officer

pytestmark = pytest.mark.django_db

DAY = date(2022, 7, 1)


def names(economies):
    return {economy.name for economy in economies}


def test_members_as_of_a_day_joined_by_then_and_had_not_left():
    make_economy(name="Founding member")
    make_economy(name="Joined that day", joined_on=DAY)
    make_economy(name="Joined the day after", joined_on=DAY + timedelta(days=1))
    make_economy(name="Left that day", left_on=DAY)
    make_economy(name="Left the day after", joined_on=date(2019, 1, 1), left_on=DAY + timedelta(1))
    assert names(MemberEconomy.objects.as_of(DAY)) == {
        "Founding member",
        "Joined that day",
        "Left the day after",
    }


def test_group_size_as_of_a_day_counts_the_european_union_as_its_member_states():
    make_economy(name="European Union", is_european_union=True, eu_member_states=27)
    make_economy(name="Uruguay")
    make_economy(name="Newcomer", joined_on=DAY + timedelta(days=1))
    make_economy(name="Gone", left_on=DAY - timedelta(days=1))
    assert MemberEconomy.objects.as_of(DAY).group_size() == 28
    assert MemberEconomy.objects.as_of(DAY + timedelta(days=1)).group_size() == 29
    assert MemberEconomy.objects.as_of(date(2000, 1, 1)).group_size() == 29
    assert MemberEconomy.objects.none().group_size() == 0


def test_former_members_are_those_gone_by_today_the_latest_first():
    today = timezone.localdate()
    make_economy(name="Left long ago", left_on=date(2019, 5, 1))
    make_economy(name="Left recently", left_on=today)
    make_economy(name="Leaves tomorrow", left_on=today + timedelta(days=1))
    make_economy(name="Member")
    assert [e.name for e in MemberEconomy.objects.former()] == ["Left recently", "Left long ago"]
    assert names(MemberEconomy.objects.current()) == {"Leaves tomorrow", "Member"}


def test_the_newest_members_of_a_day_leave_out_those_that_left():
    make_economy(name="Newest but gone", joined_on=date(2022, 6, 1), left_on=date(2023, 1, 1))
    make_economy(name="Second newest", joined_on=date(2022, 5, 1))
    make_economy(name="Third newest", joined_on=date(2022, 4, 1))
    newest = MemberEconomy.objects.as_of(date(2024, 1, 1)).newest()
    assert [economy.name for economy in newest] == ["Second newest", "Third newest"]


def test_leaving_before_joining_is_refused_by_the_model_and_the_database():
    economy = make_economy(joined_on=date(2022, 5, 1))
    economy.left_on = date(2022, 4, 30)
    with pytest.raises(ValidationError) as refused:
        economy.full_clean()
    assert refused.value.message_dict["left_on"] == [
        "An economy cannot leave the Group before the date it joined."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        economy.save()
    economy.left_on = date(2022, 5, 1)
    economy.full_clean()  # the day it joined is not before it


def test_officers_as_of_a_day():
    uruguay = make_economy(name="Uruguay")
    coordinator = make_officer(
        name="Coordinator then", economy=uruguay, term_start=date(2018, 1, 1)
    )
    last_day = make_officer(
        name="Chair whose last day it was",
        role=OfficerRole.CHAIR,
        term_start=date(2020, 1, 1),
        term_end=DAY,
    )
    earlier = make_officer(
        name="Earlier chair",
        role=OfficerRole.CHAIR,
        term_start=date(2017, 6, 1),
        term_end=date(2018, 1, 31),
    )
    later = make_officer(
        name="Chair before that day's",
        role=OfficerRole.CHAIR,
        term_start=date(2018, 2, 1),
        term_end=date(2019, 12, 31),
    )
    make_officer(
        name="Appointed after",
        role=OfficerRole.FRIEND_OF_THE_CHAIR,
        term_start=DAY + timedelta(days=1),
    )

    officers = officer_list(as_of=DAY)
    assert officers.current == [last_day, coordinator]  # the latest term first
    assert officers.previous == [later, earlier]


def test_officers_by_default_are_those_of_today():
    today = timezone.localdate()
    in_office = make_officer(name="In office", term_end=today + timedelta(days=30))
    ended = make_officer(name="Ended yesterday", term_end=today - timedelta(days=1))
    make_officer(name="Starts tomorrow", term_start=today + timedelta(days=1))
    officers = officer_list()
    assert officers.current == [in_office]
    assert officers.previous == [ended]
