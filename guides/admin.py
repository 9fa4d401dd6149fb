"""Admin for the Trade4MSMEs guides and their topics."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from guides.models import Guide, Topic
from msme_portal.admin_helpers import HTTPS_URL_FIELDS, WorkBeforeCommit


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ["name", "slug", "guide_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(guide_count=Count("guides"))

    @admin.display(description=_("guides"), ordering="guide_count")
    def guide_count(self, obj):
        return obj.guide_count


@admin.register(Guide)
class GuideAdmin(WorkBeforeCommit, TranslationAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["title", "audience", "topic", "added_on"]
    list_filter = ["audience", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "summary", "topic__name"]
    autocomplete_fields = ["topic"]
    ordering = ["title", "audience"]
    date_hierarchy = "added_on"
