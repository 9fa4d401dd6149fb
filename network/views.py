"""Public pages of the register: member economies and the Network."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import ListView

from msme_portal.compiled_queries import CompiledInstances
from msme_portal.page_cache import cache_public_page
from network.models import MemberEconomy, NetworkOrganization, OrganizationKind, split_register
from network.officers import officer_list

NEWEST_MEMBERS = 2
EVERY_ORGANIZATION = CompiledInstances(
    NetworkOrganization, lambda shape: NetworkOrganization.objects.rewrite(False).all()
)
JOINED_BY = CompiledInstances(
    MemberEconomy, lambda shape, day: MemberEconomy.objects.rewrite(False).joined_by(day)
)


def register(day):
    """The register page's lists in one query, compiled once per process:
    the members on `day` (as MemberEconomy.objects.as_of()), sorted as the
    model is, and the former members (as former())."""
    return split_register(JOINED_BY.instances(None, day), day)


@cache_public_page
def member_list(request):
    """The register as it stands today, with the economies that have left
    in a short note below it."""
    today = timezone.localdate()
    members, former = register(today)
    # As MemberEconomy.objects.current().newest(): the last two to join.
    newest = sorted(
        (economy for economy in members if economy.joined_on),
        key=lambda economy: (-economy.joined_on.toordinal(), economy.sort_name),
    )[:NEWEST_MEMBERS]
    newest_ids = {economy.pk for economy in newest}
    for economy in members:
        economy.is_newest = economy.pk in newest_ids
    officers = officer_list(today)
    context = {
        "members": members,
        "newest": newest,
        # The same count as MemberEconomy.objects.current().group_size(), from
        # the rows already loaded rather than one more query.
        "group_size": sum(economy.counts_as for economy in members),
        "former_members": former,
        "current_officers": officers.current,
        "previous_officers": officers.previous,
    }
    return render(request, "network/member_list.html", context)


@method_decorator(cache_public_page, name="get")
class OrganizationListView(ListView):
    """Participants in the Trade4MSMEs Network, grouped by kind."""

    template_name = "network/organization_list.html"
    context_object_name = "organizations"

    def get_queryset(self):
        return EVERY_ORGANIZATION.instances(None)

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
