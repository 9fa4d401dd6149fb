from django.urls import path

from newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<slug:slug>/", views.IssueDetailView.as_view(), name="issue_detail"),
]
