"""Which content fields exist in English, French and Spanish
(django-modeltranslation adds `title_en`, `title_fr`, `title_es`... beside
each). English is the source; reading `title` gives the active language's
text, or the English one while it is not translated (settings:
MODELTRANSLATION_FALLBACK_LANGUAGES). Names of people are not translated."""

from modeltranslation.translator import TranslationOptions, register

from newsletters.models import Issue, Meeting, Question, Section, SectionLink


@register(Issue)
class IssueTranslation(TranslationOptions):
    fields = ("title", "summary", "cover_image_alt")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = (
        "title",
        "body",
        "image_alt",
        "image_caption",
        "signatory_title",
        "interviewee_organization",
        "interviewee_bio",
        "portrait_alt",
    )


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("question", "answer")


@register(SectionLink)
class SectionLinkTranslation(TranslationOptions):
    fields = ("label",)


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "description", "place")
