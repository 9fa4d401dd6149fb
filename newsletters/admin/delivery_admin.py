"""Admin for deliveries: one issue to one subscriber, a read-only record
reached from a send's page (newsletters/admin/send_admin.py)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from msme_portal.admin_helpers import ReadOnlyAdmin
from newsletters.models import Delivery, DeliveryStatus


class FailureFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("problems", _("Failed or skipped"))]

    def queryset(self, request, queryset):
        if self.value() == "problems":
            return queryset.filter(
                Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.SKIPPED)
            )
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["subscriber", "issue", "status", "attempts", "sent_at", "last_error"]
    list_select_related = ["subscriber", "issue"]
    # Filtered by send through links from the sends list (send__id__exact);
    # a filter listing every send would cost a query per send.
    list_filter = ["status", FailureFilter, "issue"]
    search_fields = ["subscriber__email"]
    fields = [
        "send",
        "issue",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "message_id",
        "last_error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("send__issue")
