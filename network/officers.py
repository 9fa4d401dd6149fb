"""The Group's officers as the public pages list them: on the member list
(as of today) and in the members box of an issue (as of its date), through
the `officer_list` macro of network/jinja2/network/officers.html."""

from dataclasses import dataclass

from django.utils import timezone

from network.models import GroupOfficer


@dataclass(frozen=True)
class OfficerList:
    current: list[GroupOfficer]  # in office on the day
    previous: list[GroupOfficer]  # terms ended before the day, most recent first


def officer_list(as_of=None):
    """The officers as they were on the day `as_of` (default today), in one
    query. Officers whose term starts after that day are in neither list:
    a 2022 issue does not name a chair appointed in 2025."""
    day = as_of or timezone.localdate()
    rows = list(GroupOfficer.objects.filter(term_start__lte=day).select_related("economy"))
    return split_by_term(rows, day)


def split_by_term(rows, day):
    """The OfficerList of `rows`, officers whose terms started by `day`
    (instances or rows read as values: anything with is_in_office_on())."""
    # Every row started by that day: in office then, or its term has ended.
    current = [officer for officer in rows if officer.is_in_office_on(day)]
    previous = sorted(
        (officer for officer in rows if not officer.is_in_office_on(day)),
        key=lambda officer: officer.term_end,
        reverse=True,
    )
    return OfficerList(current, previous)
