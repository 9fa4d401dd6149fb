from django.urls import path
from django.views.generic import ListView

from guides.models import Guide

app_name = "guides"

urlpatterns = [
    path(
        "guides/",
        ListView.as_view(model=Guide, template_name="guides/guide_list.html"),
        name="guide_list",
    ),
]
