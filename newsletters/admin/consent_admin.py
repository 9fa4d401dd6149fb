"""Admin for the consent wordings: each version of the privacy statement and
consent sentence, per language. Versions are added, never changed or
deleted (subscribers point at them): opening one shows it as it was."""

from django.contrib import admin

from newsletters.models import ConsentWording


@admin.register(ConsentWording)
class ConsentWordingAdmin(admin.ModelAdmin):
    list_display = ["version", "language", "valid_from", "created_by"]
    list_filter = ["language", "version"]
    list_select_related = ["created_by"]
    fields = ["version", "language", "valid_from", "statement", "agreement"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.fields, "created_at", "created_by"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return [*self.fields, "created_at", "created_by"] if obj is not None else self.fields

    def get_changeform_initial_data(self, request):
        """A new version starts from the words in force in its language."""
        initial = super().get_changeform_initial_data(request)
        language = initial.get("language") or request.GET.get("language") or "en"
        current = ConsentWording.objects.in_force(language)
        if current is not None:
            initial.setdefault("language", current.language)
            initial.setdefault("statement", current.statement)
            initial.setdefault("agreement", current.agreement)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed; the words of a version never change.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
