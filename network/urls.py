from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("network/", views.OrganizationListView.as_view(), name="organization_list"),
]
