"""Admin for the Trade4MSMEs guides and their topics."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from guides.models import Guide, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
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
class GuideAdmin(admin.ModelAdmin):
    # A website typed without a scheme ("www.wto.org") is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "audience", "topic", "added_on"]
    list_filter = ["audience", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "summary", "topic__name"]
    autocomplete_fields = ["topic"]
    ordering = ["title", "audience"]
    date_hierarchy = "added_on"
