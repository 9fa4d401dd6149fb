"""Admin for the Group's register: member economies, network organizations,
and the Group's officers with their terms."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from msme_portal.admin_helpers import HTTPS_URL_FIELDS, WorkBeforeCommit
from network.models import GroupOfficer, MemberEconomy, NetworkOrganization


class MembershipFilter(admin.SimpleListFilter):
    title = _("membership")
    parameter_name = "membership"

    def lookups(self, request, model_admin):
        return [("current", _("Members today")), ("former", _("Former members"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "former":
            return queryset.former()
        return queryset


@admin.register(MemberEconomy)
class MemberEconomyAdmin(WorkBeforeCommit, TranslationAdmin):
    list_display = ["name", "sort_name", "joined_on", "left_on", "counts_as_display"]
    list_filter = [
        MembershipFilter,
        "is_european_union",
        ("joined_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "sort_name"]
    ordering = ["sort_name"]
    date_hierarchy = "joined_on"
    fieldsets = [
        (None, {"fields": ["name", "sort_name", "joined_on", "left_on"]}),
        (_("European Union"), {"fields": ["is_european_union", "eu_member_states"]}),
    ]

    @admin.display(description=_("counts as"))
    def counts_as_display(self, obj):
        return obj.counts_as


@admin.register(NetworkOrganization)
class NetworkOrganizationAdmin(WorkBeforeCommit, TranslationAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "acronym", "kind", "joined_on", "display_order"]
    list_editable = ["display_order"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]
    ordering = ["display_order", "name"]


class OfficeFilter(admin.SimpleListFilter):
    title = _("in office")
    parameter_name = "in_office"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("In office")),
            ("no", _("Former")),
            ("upcoming", _("Not yet in office")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.previous()
        if self.value() == "upcoming":
            return queryset.filter(term_start__gt=timezone.localdate())
        return queryset


@admin.register(GroupOfficer)
class GroupOfficerAdmin(WorkBeforeCommit, admin.ModelAdmin):
    list_display = ["name", "role", "economy", "term_start", "term_end", "in_office"]
    list_filter = [OfficeFilter, "role"]
    list_select_related = ["economy"]
    search_fields = ["name", "economy__name"]
    autocomplete_fields = ["economy"]
    ordering = ["-term_start"]
    actions = ["end_term_today"]

    @admin.display(description=_("in office"), boolean=True)
    def in_office(self, obj):
        return obj.is_in_office_on(timezone.localdate())

    @admin.action(description=_("End the term of the selected officers today"))
    def end_term_today(self, request, queryset):
        # Only officers still in office: an ended term keeps its real end date.
        # Saved one by one (not update()) so the public pages see the change.
        count = 0
        for officer in queryset.current():
            officer.term_end = timezone.localdate()
            officer.save(update_fields=["term_end"])
            self.log_change(request, officer, _("Ended the term."))
            count += 1
        self.message_user(
            request,
            ngettext(
                "Ended the term of %(count)d officer.",
                "Ended the terms of %(count)d officers.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
