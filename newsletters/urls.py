from django.urls import path

from newsletters import feeds
from newsletters.views import issue_views as views
from newsletters.views import meeting_views, pdf_views, sharing_views
from newsletters.views.search_views import search_view

app_name = "newsletters"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.IssueListView.as_view(), name="issue_list"),
    path("issues/<slug:slug>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<slug:slug>.pdf", pdf_views.issue_pdf, name="issue_pdf"),
    path(
        "issues/<slug:slug>/sharing.png",
        sharing_views.issue_sharing_image,
        name="issue_sharing_image",
    ),
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/<int:year>/", meeting_views.meeting_year, name="meeting_year"),
    path("meetings/<int:pk>.ics", meeting_views.meeting_calendar, name="meeting_ics"),
    path("meetings.ics", meeting_views.programme_calendar, name="programme_ics"),
    path("search/", search_view, name="search"),
    path("feeds/issues/rss/", feeds.LatestIssuesFeed(), name="feed_rss"),
    path("feeds/issues/atom/", feeds.LatestIssuesAtomFeed(), name="feed_atom"),
]
