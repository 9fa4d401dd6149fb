from django.urls import path
from django.views.generic import ListView

from network.models import MemberEconomy, NetworkOrganization

app_name = "network"

urlpatterns = [
    path(
        "members/",
        ListView.as_view(model=MemberEconomy, template_name="network/member_list.html"),
        name="member_list",
    ),
    path(
        "network/",
        ListView.as_view(model=NetworkOrganization, template_name="network/organization_list.html"),
        name="organization_list",
    ),
]
