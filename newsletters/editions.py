"""An issue's editions: English, its source, and French and Spanish, with the
state of each section's translation.

A section's translation in a language is
- missing while some English text of the section (its own fields, its
  questions' and its links') has no counterpart in that language;
- up to date when the English source is the one it was made from;
- outdated when the English changed after the translation last changed.

`record_translations()` keeps, on the section, a digest of the English source
and one of the translation, for each language, whenever the translation
changes; signals call it after any save of a section, a question or a link,
so the admin, an approval and the demo loader all keep it.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from newsletters.models import Question, Section, SectionLink

SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
LANGUAGE_NAMES = dict(settings.LANGUAGES)

MISSING, UP_TO_DATE, OUTDATED = "missing", "up_to_date", "outdated"
STATUS_LABELS = {
    MISSING: _("missing"),
    UP_TO_DATE: _("up to date"),
    OUTDATED: _("outdated"),
}


def translated_fields(model):
    return translator.get_options_for_model(model).fields


def texts(rows, language):
    """(field, text) of `rows` in `language`: the values that make a section."""
    for row in rows:
        for name in translated_fields(type(row)):
            yield f"{type(row).__name__}.{row.pk}.{name}", getattr(row, f"{name}_{language}") or ""


def section_rows(section, questions=None, links=None):
    questions = section.questions.all() if questions is None else questions
    links = section.links.all() if links is None else links
    return [section, *questions, *links]


def digest(pairs):
    hashed = hashlib.sha256()
    for name, text in pairs:
        hashed.update(f"{name}\x00{text}\x00".encode())
    return hashed.hexdigest()


def is_complete(rows, language):
    source = dict(texts(rows, SOURCE_LANGUAGE))
    translated = dict(texts(rows, language))
    return all(translated[name].strip() for name, text in source.items() if text.strip())


def status(section, language, rows=None):
    """MISSING, UP_TO_DATE or OUTDATED: `section`'s translation into `language`."""
    rows = rows or section_rows(section)
    if not is_complete(rows, language):
        return MISSING
    record = section.translations.get(language, {})
    return UP_TO_DATE if record.get("source") == digest(texts(rows, SOURCE_LANGUAGE)) else OUTDATED


def record_translations(section):
    """Note, for each language whose translation changed since last noted,
    the English source it now answers to. Saves only the `translations` field."""
    rows = section_rows(section)
    changed = False
    records = dict(section.translations)
    for language in TRANSLATED_LANGUAGES:
        translation = digest(texts(rows, language))
        if records.get(language, {}).get("translation") != translation:
            records[language] = {
                "source": digest(texts(rows, SOURCE_LANGUAGE)),
                "translation": translation,
            }
            changed = True
    if changed:
        section.translations = records
        Section.objects.filter(pk=section.pk).update(translations=records)


@dataclass(frozen=True)
class Edition:
    language: str
    name: str
    statuses: dict  # section pk: MISSING, UP_TO_DATE or OUTDATED
    total: int

    @property
    def translated(self):
        return sum(1 for value in self.statuses.values() if value != MISSING)

    @property
    def up_to_date(self):
        return sum(1 for value in self.statuses.values() if value == UP_TO_DATE)

    @property
    def is_complete(self):
        return self.up_to_date == self.total

    def summary(self):
        return _("%(language)s: %(count)s of %(total)s sections") % {
            "language": self.name,
            "count": self.up_to_date,
            "total": self.total,
        }


def editions(issue, sections=None):
    """The French and Spanish Editions of `issue`, in three queries whatever
    its size (or none, given its sections with their questions and links
    prefetched)."""
    if sections is None:
        sections = list(issue.sections.prefetch_related("questions", "links"))
    rows = {section.pk: section_rows(section) for section in sections}
    return [
        Edition(
            language=language,
            name=str(LANGUAGE_NAMES[language]),
            statuses={
                section.pk: status(section, language, rows[section.pk]) for section in sections
            },
            total=len(sections),
        )
        for language in TRANSLATED_LANGUAGES
    ]


def may_change_a_translation(update_fields):
    return update_fields is None or any(
        name.endswith(tuple(f"_{language}" for language in TRANSLATED_LANGUAGES))
        for name in update_fields
    )


def record_after_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # Loading fixtures, or a save that writes no translation: nothing to note.
    if raw or not may_change_a_translation(update_fields):
        return
    if isinstance(instance, Section):
        record_translations(instance)
    elif instance.section_id is not None:
        record_translations(Section.objects.get(pk=instance.section_id))


def connect():
    """Called from NewslettersConfig.ready()."""
    from django.db.models.signals import post_save

    for model in (Section, Question, SectionLink):
        post_save.connect(
            record_after_save, sender=model, dispatch_uid=f"editions-{model.__name__}"
        )
