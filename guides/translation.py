"""The guides' titles, summaries and topics in English, French and Spanish
(django-modeltranslation; see newsletters/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from guides.models import Guide, Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)


@register(Guide)
class GuideTranslation(TranslationOptions):
    fields = ("title", "summary")
