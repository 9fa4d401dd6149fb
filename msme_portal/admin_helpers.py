"""Admin pieces the apps share."""

import contextlib

from django.contrib import admin
from django.db import models, router
from django.http import QueryDict

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
    """For a ModelAdmin: each save and deletion through its forms, its list's
    editable columns and its actions, in one transaction with the work it
    gathered (msme_portal/before_commit.py), such as making again the stored
    pages it changed."""

    def changelist_view(self, request, *args, **kwargs):
        with self.scope_of(request):
            return super().changelist_view(request, *args, **kwargs)

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


class PostedOnce(QueryDict):
    """The posted data of a save, whose copies are one copy made once."""

    posted = None
    shared_copy = None

    @classmethod
    def of(cls, posted):
        once = cls(mutable=True, encoding=posted.encoding)
        for key, values in posted.lists():
            once.setlist(key, values)
        once._mutable = False
        once.posted = posted
        return once

    def copy(self):
        if self.shared_copy is None:
            self.shared_copy = self.posted.copy()
        return self.shared_copy


class CopiesThePostOnce:
    """For a NestedModelAdmin: its formsets share one copy of the posted data.

    django-nested-admin gives every nested formset a deep copy of
    request.POST (nested.py, _create_formsets): 57 copies of about 900 keys
    for the Summer 2022 issue, half the time of its save. A formset changes
    only keys under its own prefix (the order field, an emptied id), which no
    other formset reads, so one copy serves them all, and request.POST itself
    stays as it was posted."""

    def _create_formsets(self, request, obj, change):
        if request.method != "POST":
            return super()._create_formsets(request, obj, change)
        posted = request.POST
        request.POST = PostedOnce.of(posted)
        try:
            return super()._create_formsets(request, obj, change)
        finally:
            request.POST = posted
