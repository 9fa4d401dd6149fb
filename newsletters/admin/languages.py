"""The issue's page edits one language at a time: English, the source, or
French or Spanish (`?language=fr`), each translated field under its own
name (`title_fr`), with the English text beside it as its help. Fields that
are not translated (kind, order, images, names) are the same in every
language. See newsletters/translation.py for which fields have languages."""

from django.contrib.admin.utils import flatten_fieldsets
from django.utils.html import format_html, strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from newsletters import editions

LANGUAGE_PARAMETER = "language"


def editing_language(request):
    language = request.GET.get(LANGUAGE_PARAMETER, editions.SOURCE_LANGUAGE)
    return language if language in editions.LANGUAGE_NAMES else editions.SOURCE_LANGUAGE


def named_for(field, model, language):
    """`field` of `model` (a name, or a tuple of names on one line) as named in
    `language`'s form."""
    if isinstance(field, (list, tuple)):
        return tuple(named_for(each, model, language) for each in field)
    return f"{field}_{language}" if field in editions.translated_fields(model) else field


def fieldsets_in(fieldsets, model, language):
    return [
        (name, {**options, "fields": [named_for(f, model, language) for f in options["fields"]]})
        for name, options in fieldsets
    ]


class OneLanguageAtATime:
    """For the issue's admin and its inlines: the fields of the language
    being edited. Set `fieldsets` (or `fields`) with the fields' plain names."""

    def get_fieldsets(self, request, obj=None):
        language = editing_language(request)
        if self.fieldsets:
            return fieldsets_in(self.fieldsets, self.model, language)
        return [(None, {"fields": [named_for(f, self.model, language) for f in self.fields]})]

    def get_fields(self, request, obj=None):
        return flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_prepopulated_fields(self, request, obj=None):
        # Filled in from the English title only.
        if editing_language(request) != editions.SOURCE_LANGUAGE:
            return {}
        return {
            target: [named_for(source, self.model, editions.SOURCE_LANGUAGE) for source in sources]
            for target, sources in self.prepopulated_fields.items()
        }


class ShowsTheEnglishText:
    """A model form mixin: translated fields keep their plain label (the
    French or Spanish ones say their language), and a French or Spanish
    field's help is the English text it translates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            base, _separator, language = name.rpartition("_")
            if language not in editions.LANGUAGE_NAMES:
                continue
            if base not in editions.translated_fields(model):
                continue
            field.label = capfirst(model._meta.get_field(base).verbose_name)
            if language == editions.SOURCE_LANGUAGE:
                continue
            field.label = f"{field.label} ({editions.LANGUAGE_NAMES[language]})"
            english = strip_tags(getattr(self.instance, f"{base}_{editions.SOURCE_LANGUAGE}") or "")
            field.help_text = (
                format_html("{} {}", _("English:"), Truncator(english).chars(400))
                if english
                else _("No English text yet.")
            )
