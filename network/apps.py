from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Member economies and network")

    def ready(self):
        from msme_portal import page_cache, sitemaps
        from network.models import GroupOfficer, MemberEconomy, NetworkOrganization

        # What the public pages show (msme_portal/page_cache.py).
        page_cache.invalidate_on(GroupOfficer, MemberEconomy, NetworkOrganization)
        sitemaps.add_static_pages("network:member_list", "network:organization_list")
