"""Sign-up, confirmation, preferences and unsubscription addresses.

These addresses appear in emails people keep for years: do not change them.
"""

from django.urls import path

from newsletters.views import subscriber_views as views

app_name = "subscribers"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.thanks, name="thanks"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscribe/new-link/", views.new_link, name="new_link"),
    path("subscribe/preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
