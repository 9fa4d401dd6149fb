"""What changed between two states of an issue, for people: the rows added,
removed and changed, each changed field with its words struck out and
inserted, and the sections' order.

A state is the issue with its sections, questions and links as serialized
rows: a stored version (django-reversion), a change waiting for approval
(newsletters/staging.py), or the live issue.
"""

import difflib
import html
from dataclasses import dataclass, field

from django.core import serializers
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from msme_portal.richtext import RichTextField
from newsletters.models import Issue, Question, Section, SectionLink

# Fields that say where a row sits, or when it was saved: not content.
NOT_COMPARED = {"id", "issue", "section", "order", "created_at", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str  # HTML: the old text, removed words in <del>
    after: str  # HTML: the new text, added words in <ins>


@dataclass
class RowChange:
    kind: str  # "added", "removed", "changed" or "reordered"
    what: str
    fields: list[FieldChange] = field(default_factory=list)


def rows_from_json(serialized):
    """{(model label, pk): instance} of serialized rows."""
    return {
        (row.object._meta.label_lower, row.object.pk): row
        for row in serializers.deserialize("json", serialized, ignorenonexistent=True)
    }


def rows_from_versions(versions):
    """The same, from a django-reversion revision's versions."""
    rows = {}
    for version in versions:
        for row in serializers.deserialize(
            version.format, version.serialized_data, ignorenonexistent=True
        ):
            rows[(row.object._meta.label_lower, row.object.pk)] = row
    return rows


def compared_fields(model):
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.name not in NOT_COMPARED
    ]


def shown_value(model_field, row, rows):
    instance = row.object
    value = model_field.value_from_object(instance)
    if value in (None, ""):
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.name == "parent":
        parent = rows.get((Section._meta.label_lower, value))
        return parent.object.title if parent else str(value)
    if model_field.is_relation:
        return str(getattr(instance, model_field.name, value))
    if isinstance(model_field, RichTextField):
        return html.unescape(strip_tags(value))
    return str(value)


def word_diff(before, after):
    """(before, after) as HTML, the words only in one of them marked."""
    old, new = before.split(), after.split()
    marked_old, marked_new = [], []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_words = escape(" ".join(old[i1:i2]))
        new_words = escape(" ".join(new[j1:j2]))
        if tag == "equal":
            marked_old.append(old_words)
            marked_new.append(new_words)
            continue
        if old_words:
            marked_old.append(f"<del>{old_words}</del>")
        if new_words:
            marked_new.append(f"<ins>{new_words}</ins>")
    return mark_safe(" ".join(marked_old)), mark_safe(" ".join(marked_new))  # noqa: S308


def describe(label, row, rows):
    instance = row.object
    if label == Issue._meta.label_lower:
        return _("The issue’s details")
    if label == Section._meta.label_lower:
        return _("Section “%(title)s”") % {"title": instance.title}
    section = rows.get((Section._meta.label_lower, instance.section_id))
    section_title = section.object.title if section else "?"
    if label == Question._meta.label_lower:
        return _("Question “%(question)s” in “%(section)s”") % {
            "question": instance.question[:80],
            "section": section_title,
        }
    return _("Link “%(label)s” in “%(section)s”") % {
        "label": instance.label,
        "section": section_title,
    }


def section_order(rows):
    sections = [
        row.object for (label, _pk), row in rows.items() if label == Section._meta.label_lower
    ]
    return [section.title for section in sorted(sections, key=lambda s: (s.order, s.pk or 0))]


def compare(before_rows, after_rows):
    """The RowChanges that turn `before_rows` into `after_rows`."""
    changes = []
    labels = [model._meta.label_lower for model in (Issue, Section, Question, SectionLink)]
    for label in labels:
        keys = sorted(
            {key for key in (*before_rows, *after_rows) if key[0] == label},
            key=lambda key: key[1] or 0,
        )
        for key in keys:
            before, after = before_rows.get(key), after_rows.get(key)
            model = (before or after).object.__class__
            if before is None:
                changes.append(RowChange("added", describe(label, after, after_rows)))
                continue
            if after is None:
                changes.append(RowChange("removed", describe(label, before, before_rows)))
                continue
            fields = []
            for model_field in compared_fields(model):
                old = shown_value(model_field, before, before_rows)
                new = shown_value(model_field, after, after_rows)
                if old != new:
                    fields.append(FieldChange(str(model_field.verbose_name), *word_diff(old, new)))
            if fields:
                changes.append(RowChange("changed", describe(label, after, after_rows), fields))
    old_order, new_order = section_order(before_rows), section_order(after_rows)
    if old_order != new_order and sorted(old_order) == sorted(new_order):
        changes.append(
            RowChange(
                "reordered",
                _("Order of the sections"),
                [FieldChange(_("order"), *word_diff(" · ".join(old_order), " · ".join(new_order)))],
            )
        )
    return changes
