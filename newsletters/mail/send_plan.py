"""What the send page shows for each language before a send: how many
subscribers would get the issue, how complete its edition is, and what was
sent already; and which languages are ticked for sending by default.

English is the source edition and always complete; French and Spanish are as
complete as `newsletters/editions.py` says. A language whose edition is not
complete is not ticked, and the page says why; it stays "not sent yet" and can
be sent later from the same page. See docs/architecture.md, "Sending an issue".
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from newsletters import editions
from newsletters.mail.send_queue import missing_recipients
from newsletters.models import IssueSend, SubscriberLanguage


@dataclass
class LanguagePlan:
    language: str
    name: str
    recipient_count: int  # confirmed subscribers of the language without the issue
    completeness: str  # "Complete", or "French: 26 of 28 sections up to date"
    is_complete: bool
    sends: list = field(default_factory=list)  # this language's IssueSends, newest first

    @property
    def is_resend(self):
        return bool(self.sends)

    @property
    def can_send(self):
        return self.recipient_count > 0

    @property
    def checked(self):
        """Ticked by default: there are people to send to and the edition is complete."""
        return self.can_send and self.is_complete

    @property
    def reason(self):
        """Why the language is not ticked by default; empty when it is."""
        if not self.can_send:
            return (
                _("Every confirmed subscriber of this language has received it or is about to.")
                if self.is_resend
                else _("No confirmed subscriber chose this language.")
            )
        if not self.is_complete:
            return _("The edition is not complete (%(summary)s).") % {"summary": self.completeness}
        return ""


def language_plans(issue, sends=None):
    """A LanguagePlan per subscriber language, English first. `sends` are the
    issue's IssueSends (with counts), if the caller has them."""
    if sends is None:
        sends = list(IssueSend.objects.filter(issue=issue).with_counts())
    by_language = {edition.language: edition for edition in editions.editions(issue)}
    plans = []
    for language, name in SubscriberLanguage.choices:
        edition = by_language.get(language)
        plans.append(
            LanguagePlan(
                language=language,
                name=str(name),
                recipient_count=missing_recipients(issue, language).count(),
                completeness=(
                    _("Complete (the original)")
                    if edition is None
                    else _("%(summary)s up to date") % {"summary": edition.summary()}
                ),
                is_complete=edition is None or edition.is_complete,
                sends=[send for send in sends if send.language == language],
            )
        )
    return plans
