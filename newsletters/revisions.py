"""Which rows make up a version of an issue (django-reversion): the issue,
its sections, and their questions and links. Every save of an issue in the
admin stores one version of all of them together."""

import reversion

from newsletters.models import Issue, Question, Section, SectionLink

FOLLOWED = [
    (Issue, ["sections"]),
    (Section, ["questions", "links"]),
    (Question, []),
    (SectionLink, []),
]


def register():
    for model, follow in FOLLOWED:
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)
