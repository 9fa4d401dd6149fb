"""Each section's search document in one language, in a table of its own,
on PostgreSQL only (migration 0030).

A section's row holds its title and body in every language and its three
search documents: about 7.5 KB, one row to a page. A common word ("trade")
matches nearly every section, and ranking those matches read all of their
rows. These tables hold only the section, its issue and the document of one
language, about 1 KB a row: ranking reads an eighth of the pages. The
search (newsletters/search.py) ranks here and reads the page's twenty
sections whole.

PostgreSQL keeps them: triggers copy a section's generated documents and
its issue here whenever they change, and remove them with the section (also
when its table is truncated, as tests do). Django never writes to them.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .issues import Issue, Section


class SectionSearchDocument(models.Model):
    section = models.OneToOneField(
        Section,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    issue = models.ForeignKey(
        Issue, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    document = SearchVectorField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"Search document of section {self.section_id}"


class SectionSearchDocumentEn(SectionSearchDocument):
    class Meta:
        managed = False
        db_table = "newsletters_section_search_en"


class SectionSearchDocumentFr(SectionSearchDocument):
    class Meta:
        managed = False
        db_table = "newsletters_section_search_fr"


class SectionSearchDocumentEs(SectionSearchDocument):
    class Meta:
        managed = False
        db_table = "newsletters_section_search_es"


SECTION_SEARCH_DOCUMENTS = {
    "en": SectionSearchDocumentEn,
    "fr": SectionSearchDocumentFr,
    "es": SectionSearchDocumentEs,
}
