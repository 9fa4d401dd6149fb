from django.urls import path

from newsletters.views import issues as views

app_name = "newsletters"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<slug:slug>/", views.IssueDetailView.as_view(), name="issue_detail"),
]
