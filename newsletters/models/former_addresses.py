"""Addresses an issue or a section had before staff changed them, so links
in emails already sent keep working: see "How /issues/summer-2022/ is
built" in docs/architecture.md.

A former slug is a row (`FormerIssueSlug`), answered with a redirect by
newsletters/views/issue_views.py; a section's former anchors are a list on
the section itself (`Section.former_anchors`), read with it, so the issue
page costs no extra query. `Issue.save()` and `Section.save()` record them
with the helpers below.
"""

from contextlib import contextmanager

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class FormerIssueSlug(models.Model):
    """A slug an issue no longer has. Another issue that takes it removes
    it: a real slug always wins."""

    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    # A string reference: newsletters/models/issues.py imports this module.
    issue = models.ForeignKey(
        "newsletters.Issue",
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="former_slugs",
    )
    created_at = models.DateTimeField(_("replaced"), auto_now_add=True)

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.slug


def stored_value(instance, field_name, update_fields):
    """The value of `field_name` in the instance's stored row, or None when
    it has none yet or the save leaves that field alone (no query then)."""
    if instance.pk is None or (update_fields is not None and field_name not in update_fields):
        return None
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    return rows.values_list(field_name, flat=True).first()


@contextmanager
def recording_slug_change(issue, update_fields):
    """Around the issue's save: keep the slug it replaces as a former slug of
    the issue, and drop any former slug equal to the one it now has."""
    if update_fields is not None and "slug" not in update_fields:
        yield
        return
    stored = stored_value(issue, "slug", update_fields)
    with transaction.atomic(savepoint=False):
        yield
        if stored != issue.slug:
            FormerIssueSlug.objects.filter(slug=issue.slug).delete()
            if stored is not None:
                FormerIssueSlug.objects.update_or_create(slug=stored, defaults={"issue": issue})


def record_anchor_change(section, update_fields):
    """Before the section's save: add the anchor it replaces to its
    former_anchors. The section is now the latest holder of both the old and
    the new anchor, so the issue's other sections lose them from theirs.
    Returns the update_fields to save with."""
    stored = stored_value(section, "anchor", update_fields)
    if stored is None or stored == section.anchor:
        return update_fields
    former = [anchor for anchor in section.former_anchors or [] if anchor != section.anchor]
    section.former_anchors = [*former, stored] if stored not in former else former
    manager = type(section)._base_manager
    others = manager.filter(issue_id=section.issue_id).exclude(pk=section.pk)
    for pk, anchors in others.values_list("pk", "former_anchors"):
        kept = [anchor for anchor in anchors if anchor not in (stored, section.anchor)]
        if kept != anchors:
            manager.filter(pk=pk).update(former_anchors=kept)
    return None if update_fields is None else {*update_fields, "former_anchors"}
