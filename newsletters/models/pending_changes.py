"""Changes to a live issue that wait for a Publisher.

An Editor's save of a published issue does not reach its rows: the admin
saves it inside a transaction, records the issue as it would then be (its
sections, questions and links, serialized), and rolls the transaction back
(newsletters/staging.py). The public keeps seeing the live issue until a
Publisher approves the change, which writes that state, or rejects it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .issues import Issue


class PendingChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved and published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PendingChangeQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=PendingChangeStatus.PENDING)


class PendingChange(models.Model):
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="pending_changes"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PendingChangeStatus.choices,
        default=PendingChangeStatus.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    # The issue as the change would leave it: Django's JSON serialization of
    # the issue, its sections, questions and links.
    serialized_objects = models.TextField(_("proposed content"))
    # The primary keys, by model label, that existed when the change was
    # proposed; the others are new rows, created afresh on approval.
    existing_keys = models.JSONField(_("existing rows"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note to the editor"), blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change awaiting approval")
        verbose_name_plural = _("changes awaiting approval")
        ordering = ["-proposed_at"]
        constraints = [
            # One change waits per issue: a second would be based on a state
            # the first may replace.
            models.UniqueConstraint(
                fields=["issue"],
                condition=Q(status="pending"),
                name="one_pending_change_per_issue",
            ),
        ]

    def __str__(self):
        return _("Change to “%(issue)s” proposed %(when)s") % {
            "issue": self.issue,
            "when": self.proposed_at.strftime("%Y-%m-%d %H:%M") if self.proposed_at else "",
        }
