"""URLs with a view that fails, for the server error page's test."""

from django.urls import path


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", failing_view)]
