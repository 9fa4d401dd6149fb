"""The rows an issue page shows, read as values into small plain objects.

Making model instances was most of the cost of building an issue page:
every row of a translated model carries each translated field three times
and goes through django-modeltranslation's constructor, descriptors and
Django's init signals. Here each query reads only the columns the page shows,
in English and in the page's language, and the text shown is chosen as
modeltranslation chooses it (newsletters/translation.py): the language's
text, else the English one. The objects read as the instances did, so the
templates, the email and the PDF need no change, and each is equal to the
model instance of its row.

The rows of the lists it shows from the registers and the calendar are in
newsletters/listing_rows.py. The queries are built by the ORM once per
language and process and then run as their SQL
(msme_portal/compiled_queries.py): building them each time cost more than
running them.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.db import models

from msme_portal.compiled_queries import CompiledValues
from network.models import MemberEconomy
from newsletters.editions import SOURCE_LANGUAGE
from newsletters.models import Issue, Question, Section, SectionKind, SectionLink

SECTION_IMAGE_FIELD = Section._meta.get_field("image")
SECTION_PORTRAIT_FIELD = Section._meta.get_field("portrait")


class Row:
    """A row read as values: equal to another object of the same row, a
    model instance included, as Django compares instances (model and pk)."""

    __slots__ = ()
    model: ClassVar[type[models.Model]]

    def __eq__(self, other):
        if isinstance(other, Row):
            return self.model is other.model and self.pk == other.pk
        if isinstance(other, models.Model):
            return other._meta.concrete_model is self.model and other.pk == self.pk
        return NotImplemented

    def __hash__(self):
        return hash(self.pk)


def text_columns(names, language):
    """The columns of the translated fields `names` a page in `language`
    reads: the English one, and the language's after it."""
    if language == SOURCE_LANGUAGE:
        return [f"{name}_{SOURCE_LANGUAGE}" for name in names]
    return [
        column for name in names for column in (f"{name}_{SOURCE_LANGUAGE}", f"{name}_{language}")
    ]


def shown_texts(values, language, in_english=False):
    """The texts of `values` (as `text_columns` reads them) as the page shows
    them: the language's where there is one, else the English; only the
    English with `in_english`. An empty text is "", as modeltranslation
    gives it."""
    if language == SOURCE_LANGUAGE:
        return [value or "" for value in values]
    if in_english:
        return [value or "" for value in values[0::2]]
    return [
        translated or english or ""
        for english, translated in zip(values[0::2], values[1::2], strict=True)
    ]


def is_translated(values):
    """Whether every English text of `values` (pairs as `text_columns` reads
    them, in another language) has a translation: editions.is_complete()."""
    return all(
        (translated or "").strip()
        for english, translated in zip(values[0::2], values[1::2], strict=True)
        if (english or "").strip()
    )


def untranslated(queryset):
    """`queryset` without modeltranslation's rewriting of field names: the
    names asked for are the columns themselves ("title_fr"). Its ordering
    was rewritten when it was made, and stays."""
    return queryset.rewrite(False)


@dataclass(eq=False, slots=True)
class EconomyName(Row):
    """A member economy shown by its name (a signatory's, an officer's)."""

    model: ClassVar = MemberEconomy
    pk: int
    name: str

    def __str__(self):
        return self.name


@dataclass(eq=False, slots=True)
class SectionRow(Row):
    model: ClassVar = Section
    pk: int
    parent_id: int | None
    kind: str
    number: int | None
    anchor: str
    former_anchors: list
    box_style: str
    listing: str
    image: models.ImageField.attr_class
    portrait: models.ImageField.attr_class
    signatory_name: str
    signatory_economy_id: int | None
    signatory_economy: EconomyName | None
    interviewee_name: str
    # The translated fields, in SECTION_TEXTS's order.
    title: str
    body: str
    image_alt: str
    image_caption: str
    signatory_title: str
    interviewee_organization: str
    interviewee_bio: str
    portrait_alt: str

    @property
    def is_box(self):
        return self.kind == SectionKind.BOX

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title


SECTION_COLUMNS = [
    "pk",
    "parent_id",
    "kind",
    "number",
    "anchor",
    "former_anchors",
    "box_style",
    "listing",
    "image",
    "portrait",
    "signatory_name",
    "signatory_economy_id",
    "interviewee_name",
]
SECTION_TEXTS = [
    "title",
    "body",
    "image_alt",
    "image_caption",
    "signatory_title",
    "interviewee_organization",
    "interviewee_bio",
    "portrait_alt",
]


@dataclass(eq=False, slots=True)
class QuestionRow(Row):
    model: ClassVar = Question
    pk: int
    section_id: int
    question: str
    answer: str

    def __str__(self):
        return self.question[:80]


@dataclass(eq=False, slots=True)
class LinkRow(Row):
    model: ClassVar = SectionLink
    pk: int
    section_id: int
    label: str
    url: str

    def __str__(self):
        return self.label


@dataclass
class SectionContent:
    """What one issue's sections show, as read: the sections in order, their
    questions and links in order by section pk, and for each section whether
    its translation is complete (always in English)."""

    sections: list[SectionRow]
    questions: dict[int, list[QuestionRow]]
    links: dict[int, list[LinkRow]]
    in_english: dict[int, bool]  # shown in English, its translation being incomplete


SECTION_VALUES = CompiledValues(
    lambda language, issue_id: untranslated(
        Section.objects.filter(issue_id=issue_id).order_by("order", "pk")
    ).values_list(
        *SECTION_COLUMNS,
        "signatory_economy__name_en",
        *([] if language == SOURCE_LANGUAGE else [f"signatory_economy__name_{language}"]),
        *text_columns(SECTION_TEXTS, language),
    )
)
QUESTION_VALUES = CompiledValues(
    lambda language, issue_id: untranslated(
        Question.objects.filter(section__issue_id=issue_id).order_by("order", "pk")
    ).values_list("section_id", "pk", *text_columns(["question", "answer"], language))
)
LINK_VALUES = CompiledValues(
    lambda language, issue_id: untranslated(
        SectionLink.objects.filter(section__issue_id=issue_id).order_by("order", "pk")
    ).values_list("section_id", "pk", "url", *text_columns(["label"], language))
)


def section_content(issue, language):
    """The sections of `issue`, with their questions and links, as a page in
    `language` shows them, in three queries. A section whose translation is
    incomplete (editions.MISSING) is shown wholly in English, never a mix."""
    section_values = SECTION_VALUES.rows(language, issue.pk)
    question_values, link_values = {}, {}
    for section_id, *values in QUESTION_VALUES.rows(language, issue.pk):
        question_values.setdefault(section_id, []).append(values)
    for section_id, *values in LINK_VALUES.rows(language, issue.pk):
        link_values.setdefault(section_id, []).append(values)

    economy_columns = 1 if language == SOURCE_LANGUAGE else 2
    texts_from = len(SECTION_COLUMNS) + economy_columns
    content = SectionContent([], {}, {}, {})
    for values in section_values:
        pk = values[0]
        questions, links = question_values.get(pk, ()), link_values.get(pk, ())
        in_english = language != SOURCE_LANGUAGE and not (
            is_translated(values[texts_from:])
            and all(is_translated(question[1:]) for question in questions)
            and all(is_translated(link[2:]) for link in links)
        )
        content.in_english[pk] = in_english
        content.sections.append(section_row(values, texts_from, language, in_english))
        content.questions[pk] = [
            QuestionRow(question_pk, pk, *shown_texts(texts, language, in_english))
            for question_pk, *texts in questions
        ]
        content.links[pk] = [
            LinkRow(link_pk, pk, *shown_texts(texts, language, in_english), url)
            for link_pk, url, *texts in links
        ]
    return content


def section_row(values, texts_from, language, in_english):
    (pk, parent_id, kind, number, anchor, former_anchors, box_style, listing, image, portrait) = (
        values[:10]
    )
    signatory_name, signatory_economy_id, interviewee_name = values[10:13]
    economy = None
    if signatory_economy_id is not None:
        # A name is never translated by halves: the economy's own fallback.
        names = values[13:texts_from]
        economy = EconomyName(signatory_economy_id, shown_texts(names, language)[0])
    return SectionRow(
        pk,
        parent_id,
        kind,
        number,
        anchor,
        former_anchors,
        box_style,
        listing,
        SECTION_IMAGE_FIELD.attr_class(None, SECTION_IMAGE_FIELD, image or ""),
        SECTION_PORTRAIT_FIELD.attr_class(None, SECTION_PORTRAIT_FIELD, portrait or ""),
        signatory_name,
        signatory_economy_id,
        economy,
        interviewee_name,
        *shown_texts(values[texts_from:], language, in_english),
    )


@dataclass(eq=False, slots=True)
class PublishedIssue(Row):
    """A published issue as the pager shows it."""

    model: ClassVar = Issue
    pk: int
    published_at: object
    slug: str
    title: str


PUBLISHED_ISSUE_VALUES = CompiledValues(
    lambda language, now: untranslated(
        Issue.objects.published(at=now).order_by("published_at", "pk")
    ).values_list("pk", "published_at", "slug", *text_columns(["title"], language))
)


def published_issues(language, now):
    """The issues published by `now`, in order of publication."""
    return [
        PublishedIssue(pk, published_at, slug, *shown_texts(titles, language))
        for pk, published_at, slug, *titles in PUBLISHED_ISSUE_VALUES.rows(language, now)
    ]
