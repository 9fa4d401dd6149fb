"""Admin for the suppression list and the mail that came back.

Publishers review suppressions and lift one when the address works again
(the person fixed their mailbox, a complaint was a mistake): lifting keeps
the row, with who lifted it, when and why, and the next send includes the
address. They can also suppress an address by hand. Returned mail is a log:
what nobody could attribute waits there to be reviewed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from msme_portal.admin_helpers import ReadOnlyAdmin
from newsletters.models import ReturnedMail, ReturnedMailKind, Suppression, SuppressionReason
from newsletters.models.subscribers import normalize_email


class ActiveFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("In force")), ("no", _("Lifted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(lifted_at=None)
        if self.value() == "no":
            return queryset.exclude(lifted_at=None)
        return queryset


class ManualSuppressionForm(forms.ModelForm):
    class Meta:
        model = Suppression
        fields = ["email", "evidence"]
        labels = {"evidence": _("Why")}
        help_texts = {"evidence": _("For example: the person asked by telephone.")}

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if Suppression.objects.suppresses(email):
            raise forms.ValidationError(_("This address is already suppressed."))
        return email


class LiftForm(forms.Form):
    note = forms.CharField(
        label=_("Why lift it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the suppression, for example: the person fixed their mailbox."),
    )


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at", "is_in_force", "lifted_at", "lifted_by"]
    list_filter = [ActiveFilter, "reason"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    list_select_related = ["lifted_by"]
    readonly_fields = [
        "email",
        "reason",
        "evidence",
        "delivery",
        "created_at",
        "lifted_at",
        "lifted_by",
        "lift_note",
    ]

    @admin.display(boolean=True, description=_("in force"))
    def is_in_force(self, suppression):
        return suppression.is_active

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ManualSuppressionForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return ManualSuppressionForm.Meta.fields if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reason = SuppressionReason.MANUAL
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Lifted, never deleted: the list is the record of why mail stopped.
        return False

    def get_urls(self):
        lift = self.admin_site.admin_view(self.lift_view)
        return [
            path("<int:pk>/lift/", lift, name="newsletters_suppression_lift"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        suppression = self.get_object(request, object_id)
        if suppression is not None and suppression.is_active:
            extra_context["lift_url"] = reverse(
                "admin:newsletters_suppression_lift", args=[object_id]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def lift_view(self, request, pk):
        suppression = self.get_object(request, str(pk))
        if suppression is None:
            messages.error(request, _("That suppression does not exist."))
            return redirect("admin:newsletters_suppression_changelist")
        if not self.has_change_permission(request, suppression):
            raise PermissionDenied
        if not suppression.is_active:
            messages.info(request, _("This suppression was lifted already."))
            return redirect("admin:newsletters_suppression_change", pk)
        form = LiftForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            suppression.lift(request.user, form.cleaned_data["note"])
            self.log_change(request, suppression, _("Lifted: %(note)s") % form.cleaned_data)
            messages.success(
                request,
                _("The next send will mail %(email)s again.") % {"email": suppression.email},
            )
            return redirect("admin:newsletters_suppression_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Lift the suppression of %(email)s") % {"email": suppression.email},
            "opts": self.model._meta,
            "original": suppression,
            "form": form,
        }
        return TemplateResponse(request, "admin/newsletters/suppression/lift.html", context)


@admin.register(ReturnedMail)
class ReturnedMailAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "email", "status", "source", "delivery", "reviewed_at"]
    list_filter = ["kind", "source", ("reviewed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "diagnostic"]
    date_hierarchy = "received_at"
    actions = ["mark_reviewed"]
    fields = [
        "received_at",
        "source",
        "kind",
        "email",
        "status",
        "diagnostic",
        "delivery",
        "message",
        "reviewed_at",
    ]
    readonly_fields = fields

    @admin.action(description=_("Mark the selected mail as reviewed"), permissions=["review"])
    def mark_reviewed(self, request, queryset):
        count = queryset.filter(reviewed_at=None).update(reviewed_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d message marked as reviewed.",
                "%(count)d messages marked as reviewed.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_review_permission(self, request):
        return request.user.has_perm("newsletters.change_returnedmail")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("delivery")

    def changelist_view(self, request, extra_context=None):
        waiting = ReturnedMail.objects.filter(
            kind=ReturnedMailKind.UNATTRIBUTED, reviewed_at=None
        ).count()
        if waiting and request.method == "GET":
            messages.warning(
                request,
                ngettext(
                    "%(count)d message could not be attributed and waits for review.",
                    "%(count)d messages could not be attributed and wait for review.",
                    waiting,
                )
                % {"count": waiting},
            )
        return super().changelist_view(request, extra_context)
