"""Sign-up, confirmation, preferences and unsubscription addresses.

These addresses appear in emails people keep for years: do not change them.
msme_portal/urls.py puts them under each language's prefix, and keeps the
unsubscribe address without one too.
"""

import functools

from django.conf import settings
from django.urls import path
from django.utils import translation

from newsletters.mail import links
from newsletters.views import subscriber_views as views

app_name = "subscribers"


def in_subscribers_language(view):
    """At the unsubscribe address without a language (emails sent before
    addresses had one), show the page in the subscriber's language."""

    @functools.wraps(view)  # Keeps csrf_exempt: one-click POSTs carry no token.
    def wrapper(request, token):
        if translation.get_language_from_path(request.path_info):
            return view(request, token)
        try:
            subscriber = links.read_unsubscribe_token(token)
        except links.BadToken:
            subscriber = None
        with translation.override(subscriber.language if subscriber else settings.LANGUAGE_CODE):
            return view(request, token)

    return wrapper


urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.thanks, name="thanks"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscribe/new-link/", views.new_link, name="new_link"),
    path("subscribe/preferences/<str:token>/", views.preferences, name="preferences"),
    path(
        "unsubscribe/<str:token>/",
        in_subscribers_language(views.unsubscribe),
        name="unsubscribe",
    ),
]
