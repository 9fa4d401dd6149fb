"""The programme's calendar at its address without a language
(/meetings.ics), in English: msme_portal/urls.py keeps it out of the
redirect of unprefixed addresses, since calendar clients subscribed to it
follow no language negotiation."""

from django.conf import settings
from django.urls import path

from newsletters.views import meeting_views

app_name = "calendar"

urlpatterns = [
    path(
        "meetings.ics",
        meeting_views.programme_calendar,
        {"language": settings.LANGUAGE_CODE},
        name="programme_ics",
    ),
]
