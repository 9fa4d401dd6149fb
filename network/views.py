"""Public pages of the register: member economies and the Network."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from msme_portal.page_cache import cache_public_page
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization, OrganizationKind


def officers():
    """Current officers and previous ones (most recent first), in one query:
    every officer is one or the other."""
    rows = list(GroupOfficer.objects.select_related("economy"))
    current = [officer for officer in rows if officer.term_end is None]
    previous = sorted(
        (officer for officer in rows if officer.term_end is not None),
        key=lambda officer: officer.term_end,
        reverse=True,
    )
    return current, previous


def render_officers(current, previous):
    """The officers' list as HTML, shared by the member list and the issue
    page's members box (a Jinja2 template, as the issue's article is)."""
    context = {"current_officers": current, "previous_officers": previous}
    # Jinja2 escaped every value (autoescape is on).
    return mark_safe(render_to_string("network/officers.html", context, using="jinja2"))  # noqa: S308


@cache_public_page
def member_list(request):
    members = list(MemberEconomy.objects.all())
    newest = list(MemberEconomy.objects.newest())
    newest_ids = {economy.pk for economy in newest}
    for economy in members:
        economy.is_newest = economy.pk in newest_ids
    current_officers, previous_officers = officers()
    context = {
        "members": members,
        "newest": newest,
        "group_size": MemberEconomy.objects.group_size(),
        "current_officers": current_officers,
        "previous_officers": previous_officers,
        "officers_html": render_officers(current_officers, previous_officers),
    }
    return render(request, "network/member_list.html", context)


@method_decorator(cache_public_page, name="get")
class OrganizationListView(ListView):
    """Participants in the Trade4MSMEs Network, grouped by kind."""

    model = NetworkOrganization
    template_name = "network/organization_list.html"
    context_object_name = "organizations"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_kind = {kind: [] for kind in OrganizationKind}
        for organization in context["organizations"]:
            by_kind[organization.kind].append(organization)
        context["groups"] = [
            {"kind": kind, "label": kind.label, "organizations": organizations}
            for kind, organizations in by_kind.items()
            if organizations
        ]
        return context
