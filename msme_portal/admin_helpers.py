"""Admin pieces the apps share."""

from django.contrib import admin
from django.db import models

# `formfield_overrides` under which an address typed without a scheme
# ("www.wto.org") is taken as https.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin for records nobody edits: the send log, deliveries, erasures."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
