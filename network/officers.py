"""The Group's coordinators and chairs as the public pages list them: on the
member list and in the members box of an issue (network/jinja2/network/officers.html)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from network.models import GroupOfficer


@dataclass(frozen=True)
class OfficerList:
    current: list[GroupOfficer]
    previous: list[GroupOfficer]  # most recent term first
    html: str  # the list rendered, for pages that show it as it is


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
    return OfficerList(current, previous, render_officers(current, previous))


def render_officers(current, previous):
    """The officers' list as HTML (a Jinja2 template, as the issue's article is)."""
    context = {"current_officers": current, "previous_officers": previous}
    # Jinja2 escaped every value (autoescape is on).
    return mark_safe(render_to_string("network/officers.html", context, using="jinja2"))  # noqa: S308
