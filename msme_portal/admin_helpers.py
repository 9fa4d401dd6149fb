"""Admin pieces the apps share."""

import contextlib

from django.contrib import admin
from django.db import models, router

from msme_portal import before_commit

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


class WorkBeforeCommit:
    """For a ModelAdmin: each save and deletion through its forms, in one
    transaction with the work it gathered (msme_portal/before_commit.py),
    such as making again the stored pages it changed."""

    def changeform_view(self, request, *args, **kwargs):
        with self.scope_of(request):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with self.scope_of(request):
            return super().delete_view(request, *args, **kwargs)

    def scope_of(self, request):
        # A GET changes nothing, and needs no savepoint of its own.
        if request.method != "POST":
            return contextlib.nullcontext()
        return before_commit.scope(using=router.db_for_write(self.model))
