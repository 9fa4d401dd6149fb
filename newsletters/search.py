"""Search across published sections (with their interview questions) and guides;
the page is newsletters/views/search_views.py.

On PostgreSQL the database's full-text search matches and ranks (English
stemming, web-search syntax: quotes, "or", "-word"); elsewhere each word must
appear in the text (case-insensitive). Either way the snippets are made here:
the text is stripped of its markup, cut around the first match, escaped, and
only then are the matches wrapped in <mark>, so nothing the visitor typed or
an editor wrote can reach the page unescaped.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from modeltranslation.translator import translator

from guides.models import Audience, Guide
from newsletters.models import Issue, Question, Section, SectionKind

# The fields searched. On PostgreSQL, sections, questions and guides are
# matched against a stored document of these fields per language, kept by
# the database in `search_document` (English), `search_document_fr` and
# `search_document_es` columns with a GIN index each (migrations 0007 and
# 0016; 0027 for guides): changing these fields needs a migration that
# changes those columns too. A text not yet translated is searched in
# English, as the page shows it.
SECTION_FIELDS = ("title", "body", "interviewee_name")
QUESTION_FIELDS = ("question", "answer")
GUIDE_FIELDS = ("title", "summary")
SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_RESULTS = 50
SNIPPET_CHARS = 240
MAX_TITLE_CHARS = 200

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WORD = re.compile(r"\w+")
# Words of the web-search syntax, not of the text.
OPERATORS = {"or", "and", "not"}


def clean_query(raw):
    """The query as searched: no control characters (PostgreSQL refuses NUL),
    single spaces, at most MAX_QUERY_LENGTH characters."""
    text = CONTROL_CHARACTERS.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def query_terms(query):
    """The distinct words of the query, for matching and highlighting."""
    terms = []
    for word in WORD.findall(query):
        if word.lower() not in OPERATORS and word.lower() not in terms:
            terms.append(word.lower())
    return terms[:MAX_TERMS]


def marked_terms(terms):
    """What to mark in snippets. PostgreSQL matches other forms of a word
    ("exporting" finds "exports"), so there long words are marked by their
    beginning."""
    if connection.vendor != "postgresql":
        return terms
    return [term if len(term) <= 4 else term[: max(4, len(term) - 3)] for term in terms]


# Tags that end a word: blocks, list items, table cells and line breaks.
# strip_tags() alone joins "Uruguay.</p><p>The" into "Uruguay.The".
WORD_BREAKING_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|thead|tbody|tfoot"
    r"|tr|td|th|caption|figure|figcaption|section|article|aside|header|footer|nav)\b[^>]*>",
    re.IGNORECASE,
)


def plain_text(markup):
    """The text of rich-text `markup` on one line, a space wherever a block,
    a list item, a cell or a line break ended."""
    text = WORD_BREAKING_TAG.sub(" ", markup or "")
    return " ".join(html.unescape(strip_tags(text)).split())


def shorten(text, length):
    """`text` cut to at most `length` characters at a word boundary, with
    "…" where it was cut."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if not text[length - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def highlight(text, terms, length=SNIPPET_CHARS):
    """An escaped excerpt of `text` around the first term, terms in <mark>."""
    if not text:
        return SafeString("")
    # A match runs to the end of its word: "trade" marks all of "traders".
    pattern = re.compile("|".join(re.escape(term) + r"\w*" for term in terms), re.IGNORECASE)
    match = pattern.search(text) if terms else None
    start = 0
    if match and match.start() > length // 3:
        start = text.rfind(" ", 0, match.start() - length // 3) + 1
    excerpt = text[start : start + length]
    if start + length < len(text):
        if not text[start + length].isspace():
            excerpt = excerpt.rsplit(" ", 1)[0]  # no half word
        excerpt = excerpt.rstrip() + " …"
    if start > 0:
        excerpt = "… " + excerpt
    if match is None:
        return escape(excerpt)
    # Escape the text between matches and each match separately, so the only
    # markup in the result is our own <mark>.
    pieces, position = [], 0
    for found in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[position : found.start()]))
        pieces.append(format_html("<mark>{}</mark>", found.group(0)))
        position = found.end()
    pieces.append(escape(excerpt[position:]))
    return SafeString("".join(pieces))


@dataclass
class Result:
    kind: str
    title: str
    url: str
    context: str
    snippet: SafeString
    external: bool = False


def search_language():
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in SEARCH_CONFIGS else "en"


def language_fields(model, fields, language):
    """`fields` as stored: a translated one in `language` and in English (its
    fallback), the others as they are."""
    translated = translator.get_options_for_model(model).fields
    named = []
    for field in fields:
        if field in translated:
            named += list(dict.fromkeys([f"{field}_{language}", f"{field}_en"]))
        else:
            named.append(field)
    return named


def _text_filter(fields, terms):
    condition = Q()
    for term in terms:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": term})
        condition &= any_field
    return condition


# The English document's column per model; other languages' add _fr, _es.
# The guides' table is another app's: its columns bear this app's name.
DOCUMENT_COLUMNS = {
    Section: "search_document",
    Question: "search_document",
    Guide: "newsletters_search_document",
}


def stored_document(model, language="en"):
    """The search document column PostgreSQL keeps for `model`'s table in `language`."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = DOCUMENT_COLUMNS[model] + ("" if language == "en" else f"_{language}")
    # No outside input: the model's own table name and a known column.
    return RawSQL(f"{table}.{column}", [], output_field=SearchVectorField())  # noqa: S611


def _full_text(queryset, document, query, language):
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIGS[language])
    # alias(), not annotate(): the document is matched and ranked, never
    # selected. Equal ranks are common (a word once in each of many
    # sections): the oldest row first, so the first MAX_RESULTS, and the
    # page, are the same on every request.
    return (
        queryset.alias(document=document)
        .filter(document=search_query)
        .annotate(rank=SearchRank(document, search_query))
        .order_by("-rank", "pk")
    )


def _matching(queryset, fields, query, terms):
    """`queryset`'s rows that match, best first on PostgreSQL."""
    language = search_language()
    if connection.vendor != "postgresql":
        return queryset.filter(
            _text_filter(language_fields(queryset.model, fields, language), terms)
        )
    return _full_text(queryset, stored_document(queryset.model, language), query, language)


def matching_sections(query, terms):
    """Sections of published issues that match, best first, at most MAX_RESULTS."""
    sections = Section.objects.filter(issue__in=Issue.objects.published())
    return _matching(sections.select_related("issue"), SECTION_FIELDS, query, terms)[:MAX_RESULTS]


def matching_questions(query, terms):
    """Interview questions of published issues that match, best first."""
    questions = Question.objects.filter(section__issue__in=Issue.objects.published())
    questions = questions.select_related("section__issue")
    return _matching(questions, QUESTION_FIELDS, query, terms)[:MAX_RESULTS]


# The results page reads rows, not model instances: only the columns it
# shows, and no instance to build for each match, its issue and its topic.


def translated(name, language):
    """The columns of translated field `name` (a lookup path) the page reads
    in `language`: that language's and English, its fallback."""
    return list(dict.fromkeys([f"{name}_{language}", f"{name}_en"]))


def text_in(row, name, language):
    """Translated field `name` of a values() row as the page shows it: in
    `language`, or in English while it is not translated."""
    return row[f"{name}_{language}"] or row[f"{name}_en"] or ""


class IssueUrls(dict):
    """Issue addresses by slug, each reversed once per search."""

    def __missing__(self, slug):
        url = self[slug] = reverse("newsletters:issue_detail", kwargs={"slug": slug})
        return url


def section_results(query, terms, marks, language, issue_urls):
    sections = Section.objects.filter(issue__in=Issue.objects.published())
    rows = _matching(sections, SECTION_FIELDS, query, terms).values(
        "kind",
        "number",
        "anchor",
        "issue__slug",
        *translated("title", language),
        *translated("body", language),
        *translated("issue__title", language),
    )[:MAX_RESULTS]
    kinds = {kind: str(label) for kind, label in SectionKind.choices}
    results = []
    for row in rows:
        title = text_in(row, "title", language)
        results.append(
            Result(
                kind=kinds[row["kind"]],
                title=shorten(
                    f"{row['number']}. {title}" if row["number"] else title, MAX_TITLE_CHARS
                ),
                url=f"{issue_urls[row['issue__slug']]}#{row['anchor']}",
                context=text_in(row, "issue__title", language),
                snippet=highlight(plain_text(text_in(row, "body", language)) or title, marks),
            )
        )
    return results


def question_results(query, terms, marks, language, issue_urls):
    questions = Question.objects.filter(section__issue__in=Issue.objects.published())
    rows = _matching(questions, QUESTION_FIELDS, query, terms).values(
        "section__anchor",
        "section__issue__slug",
        *translated("question", language),
        *translated("answer", language),
        *translated("section__title", language),
        *translated("section__issue__title", language),
    )[:MAX_RESULTS]
    results = []
    for row in rows:
        question = text_in(row, "question", language)
        answer = plain_text(text_in(row, "answer", language))
        results.append(
            Result(
                kind=_("Interview"),
                title=shorten(
                    f"{text_in(row, 'section__title', language)}: {question}", MAX_TITLE_CHARS
                ),
                url=f"{issue_urls[row['section__issue__slug']]}#{row['section__anchor']}",
                context=text_in(row, "section__issue__title", language),
                snippet=highlight(f"{question} {answer}", marks),
            )
        )
    return results


def guide_results(query, terms, marks, language):
    rows = _matching(Guide.objects.all(), GUIDE_FIELDS, query, terms).values(
        "audience",
        "url",
        *translated("title", language),
        *translated("summary", language),
        *translated("topic__name", language),
    )[:MAX_RESULTS]
    audiences = {audience: str(label) for audience, label in Audience.choices}
    results = []
    for row in rows:
        title = text_in(row, "title", language)
        results.append(
            Result(
                kind=_("Guide"),
                title=shorten(f"{title} ({audiences[row['audience']]})", MAX_TITLE_CHARS),
                url=row["url"],
                context=text_in(row, "topic__name", language),
                snippet=highlight(text_in(row, "summary", language) or title, marks),
                external=True,
            )
        )
    return results


def search(query):
    """Results for `query` (already cleaned): sections first, then
    interview questions, then guides, each best first."""
    terms = query_terms(query)
    if not terms:
        return []
    language = search_language()
    marks = marked_terms(terms)
    issue_urls = IssueUrls()
    return (
        section_results(query, terms, marks, language, issue_urls)
        + question_results(query, terms, marks, language, issue_urls)
        + guide_results(query, terms, marks, language)
    )
