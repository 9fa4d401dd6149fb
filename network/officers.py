"""The Group's coordinators and chairs as the public pages list them: on the
member list and in the members box of an issue (the `officer_list` macro of
network/jinja2/network/officers.html)."""

from dataclasses import dataclass

from network.models import GroupOfficer


@dataclass(frozen=True)
class OfficerList:
    current: list[GroupOfficer]
    previous: list[GroupOfficer]  # most recent term first


def officer_list():
    """Current officers and previous ones, in one query: every officer is
    one or the other."""
    rows = list(GroupOfficer.objects.select_related("economy"))
    current = [officer for officer in rows if officer.term_end is None]
    previous = sorted(
        (officer for officer in rows if officer.term_end is not None),
        key=lambda officer: officer.term_end,
        reverse=True,
    )
    return OfficerList(current, previous)
