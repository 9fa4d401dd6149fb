"""Search across published sections (with their interview questions) and guides;
the page is newsletters/views/search_views.py.

On PostgreSQL the database's full-text search matches and ranks (English
stemming, web-search syntax: quotes, "or", "-word"), sections in narrow
tables of their documents; elsewhere each word must appear in the text. The
snippets are made in newsletters/search_snippets.py, escaped first.

Results are read a page at a time: each kind's matches are counted (up to
MAX_RESULTS, in one query), and a page reads the rows of each kind it shows,
best first with the columns a result shows, in one query per kind, built
once per language (msme_portal/compiled_queries.py).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from modeltranslation.translator import translator

from guides.models import Audience, Guide
from msme_portal.compiled_queries import CompiledSQL
from newsletters.models import SECTION_SEARCH_DOCUMENTS, Issue, Question, Section, SectionKind
from newsletters.search_snippets import highlight, marked_terms, plain_text, shorten

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
MAX_RESULTS = 50  # of each kind
RESULTS_PER_PAGE = 20
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
    # The sections' narrow tables (0030): one language each.
    **dict.fromkeys(SECTION_SEARCH_DOCUMENTS.values(), "document"),
}


def stored_document(model, language="en"):
    """The search document column PostgreSQL keeps for `model`'s table in `language`."""
    table = connection.ops.quote_name(model._meta.db_table)
    no_suffix = language == "en" or model in SECTION_SEARCH_DOCUMENTS.values()
    column = DOCUMENT_COLUMNS[model] + ("" if no_suffix else f"_{language}")
    # No outside input: the model's own table name and a known column.
    return RawSQL(f"{table}.{column}", [], output_field=SearchVectorField())  # noqa: S611


class ParsedOnce(SearchQuery):
    """The query as a scalar subquery, worked out once per statement. A
    prepared statement's plan would parse it again for every row it ranks:
    a common word's 1,000 sections ranked in twice the time."""

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"(SELECT {sql})", params


def _search_query(query, language):
    return ParsedOnce(query, search_type="websearch", config=SEARCH_CONFIGS[language])


def _filtered(queryset, fields, query, terms, language):
    """`queryset`'s rows that match, in no order."""
    if connection.vendor != "postgresql":
        return queryset.filter(
            _text_filter(language_fields(queryset.model, fields, language), terms)
        )
    # alias(), not annotate(): the document is matched, never selected.
    return queryset.alias(document=stored_document(queryset.model, language)).filter(
        document=_search_query(query, language)
    )


def _best_first(queryset, query, language):
    """`queryset` best first: by rank on PostgreSQL, else in the model's own
    order. Equal ranks are common (a word once in each of many sections):
    the oldest row first, so every request, and every page, gets the same
    rows in the same order."""
    if connection.vendor != "postgresql":
        ordering = list(queryset.model._meta.ordering)
        return queryset.order_by(*ordering, *([] if "pk" in ordering else ["pk"]))
    rank = SearchRank(stored_document(queryset.model, language), _search_query(query, language))
    return queryset.annotate(rank=rank).order_by("-rank", "pk")


def _matching(queryset, fields, query, terms):
    """`queryset`'s rows that match, best first."""
    language = search_language()
    return _best_first(_filtered(queryset, fields, query, terms, language), query, language)


def matching_sections(query, terms):
    """Sections of published issues that match, best first, at most MAX_RESULTS."""
    sections = Section.objects.filter(issue__in=Issue.objects.published())
    return _matching(sections.select_related("issue"), SECTION_FIELDS, query, terms)[:MAX_RESULTS]


def matching_questions(query, terms):
    """Interview questions of published issues that match, best first."""
    questions = Question.objects.filter(section__issue__in=Issue.objects.published())
    questions = questions.select_related("section__issue")
    return _matching(questions, QUESTION_FIELDS, query, terms)[:MAX_RESULTS]


def capped_counts_sql(querysets):
    """SQL counting the rows of each of `querysets`, up to MAX_RESULTS, in
    one query, and its parameters: each count stops at MAX_RESULTS rows, and
    nothing is ranked."""
    parts, params = [], []
    for queryset in querysets:
        capped = queryset.order_by().values("pk")[:MAX_RESULTS]
        sql, capped_params = capped.query.get_compiler(using=capped.db).as_sql()
        # The queryset's own SQL; its values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params += capped_params
    return f"SELECT {', '.join(parts)}", params


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
    """Issue addresses by slug, from one address reversed per search: the
    path takes a slug (letters, digits, "-" and "_") as it is, and reversing
    each issue's address cost a twentieth of a page of results. Anything
    else is reversed, which refuses it as before."""

    STAND_IN = "issue-slug"
    PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")

    def __init__(self):
        super().__init__()
        address = reverse("newsletters:issue_detail", kwargs={"slug": self.STAND_IN})
        self.before, _, self.after = address.rpartition(self.STAND_IN)

    def __missing__(self, slug):
        if self.PLAIN_SLUG.match(slug):
            url = f"{self.before}{slug}{self.after}"
        else:
            url = reverse("newsletters:issue_detail", kwargs={"slug": slug})
        self[slug] = url
        return url


# What each kind of result matches: the rows of published issues (or every
# guide) whose text matches, as of `now`. On PostgreSQL `terms` are not used
# (the database parses `query`); elsewhere each term is a LIKE pattern.


def section_matches(language, now, query, terms=()):
    published = Issue.objects.published(at=now)
    if connection.vendor == "postgresql":  # newsletters/models/search_documents.py
        documents = SECTION_SEARCH_DOCUMENTS[language].objects.filter(issue__in=published)
        return documents.filter(document=_search_query(query, language))
    sections = Section.objects.rewrite(False).filter(issue__in=published)
    return _filtered(sections, SECTION_FIELDS, query, terms, language)


def question_matches(language, now, query, terms=()):
    published = Issue.objects.published(at=now)
    questions = Question.objects.rewrite(False).filter(section__issue__in=published)
    return _filtered(questions, QUESTION_FIELDS, query, terms, language)


def guide_matches(language, now, query, terms=()):
    return _filtered(Guide.objects.rewrite(False).all(), GUIDE_FIELDS, query, terms, language)


def section_columns(language):
    return [
        *("kind", "number", "anchor", "issue__slug"),
        *translated("title", language),
        *translated("body", language),
        *translated("issue__title", language),
    ]


def question_columns(language):
    return [
        *("section__anchor", "section__issue__slug"),
        *translated("question", language),
        *translated("answer", language),
        *translated("section__title", language),
        *translated("section__issue__title", language),
    ]


def guide_columns(language):
    return [
        *("audience", "url"),
        *translated("title", language),
        *translated("summary", language),
        *translated("topic__name", language),
    ]


@dataclass(frozen=True)
class ResultKind:
    """One kind of result: the model shown, what matches (keyed as it), the
    columns a result shows, and the method that makes a Result of a row."""

    model: type
    matches: Callable
    columns: Callable[[str], list]
    result: str

    def page_of_rows(self, language, now, query, offset, limit, terms=()):
        """SQL of `limit` rows from `offset` of those that match, best first,
        with the columns a result shows, and its parameters.

        The matches are ranked by their keys alone (sections' in the narrow
        tables), and only the page's rows are read whole (7.5 KB a section)."""
        matches = self.matches(language, now, query, terms)
        best_keys = _best_first(matches, query, language).values("pk")
        sql, parameters = best_keys.query.get_compiler(using=best_keys.db).as_sql()
        # The slice as parameters (Django writes a slice's numbers into the
        # SQL), so one SQL serves every page. The SQL is the ORM's own.
        page_keys = RawSQL(f"{sql} LIMIT %s OFFSET %s", [*parameters, limit, offset])  # noqa: S611
        page = self.model.objects.rewrite(False).filter(pk__in=page_keys)
        rows = _best_first(page, query, language).values_list("pk", *self.columns(language))
        return rows.query.get_compiler(using=rows.db).as_sql()


KINDS = [
    ResultKind(Section, section_matches, section_columns, "section_result"),
    ResultKind(Question, question_matches, question_columns, "question_result"),
    ResultKind(Guide, guide_matches, guide_columns, "guide_result"),
]
# The SQL of each kind's pages and of the counts, built through the ORM once
# per language (on PostgreSQL, where the text searched is one parameter):
# building the queries cost more than running them. Prepared: with the query
# parsed once (ParsedOnce), the plan kept for every word ranks a common one
# as fast as a plan made for it, and planning that took a quarter of the time.
PAGES = {kind: CompiledSQL(kind.page_of_rows) for kind in KINDS}
COUNTS = CompiledSQL(
    lambda language, now, query, terms=(): capped_counts_sql(
        [kind.matches(language, now, query, terms) for kind in KINDS]
    )
)


def rows_of(compiled, language, arguments, terms):
    if connection.vendor == "postgresql":
        return compiled.rows(language, *arguments)
    # Each term is in the SQL as a pattern worked out from it: built again.
    return compiled.built_rows(language, *arguments, terms)


class SearchResults:
    """The results of a search as Paginator pages them: sections first, then
    interview questions, then guides, each best first and at most
    MAX_RESULTS. count() counts each kind; a slice reads, for each kind it
    shows, those rows best first with the columns shown, and makes their
    snippets."""

    def __init__(self, query):
        self.query = query
        self.terms = query_terms(query)
        self.language = search_language()
        self.now = timezone.now()
        self.marks = marked_terms(self.terms)
        self.issue_urls = IssueUrls()
        self._counts = None
        self.kinds = KINDS if self.terms else []
        self.section_kinds = {kind: str(label) for kind, label in SectionKind.choices}
        self.audiences = {audience: str(label) for audience, label in Audience.choices}

    def counts(self):
        """The number of results of each kind."""
        if self._counts is None:
            self._counts = [0] * len(self.kinds)
            if self.kinds:
                arguments = (self.now, self.query)
                (self._counts,) = rows_of(COUNTS, self.language, arguments, self.terms)
        return list(self._counts)

    def count(self):
        return sum(self.counts())

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("SearchResults are read a page at a time: by a slice")
        start, stop, _step = key.indices(self.count())
        results, offset = [], 0
        for kind, count in zip(self.kinds, self.counts(), strict=True):
            first, last = max(start - offset, 0), min(stop - offset, count)
            if first < last:
                results += self.read(kind, first, last)
            offset += count
        return results

    def read(self, kind, first, last):
        """Results `first` to `last` (excluded) of `kind`, best first."""
        arguments = (self.now, self.query, first, last - first)
        names = ["pk", *kind.columns(self.language)]
        make_result = getattr(self, kind.result)
        return [
            make_result(dict(zip(names, row, strict=True)))
            for row in rows_of(PAGES[kind], self.language, arguments, self.terms)
        ]

    def section_result(self, row):
        title = text_in(row, "title", self.language)
        return Result(
            kind=self.section_kinds[row["kind"]],
            title=shorten(f"{row['number']}. {title}" if row["number"] else title, MAX_TITLE_CHARS),
            url=f"{self.issue_urls[row['issue__slug']]}#{row['anchor']}",
            context=text_in(row, "issue__title", self.language),
            snippet=highlight(plain_text(text_in(row, "body", self.language)) or title, self.marks),
        )

    def question_result(self, row):
        question = text_in(row, "question", self.language)
        answer = plain_text(text_in(row, "answer", self.language))
        section_title = text_in(row, "section__title", self.language)
        return Result(
            kind=_("Interview"),
            title=shorten(f"{section_title}: {question}", MAX_TITLE_CHARS),
            url=f"{self.issue_urls[row['section__issue__slug']]}#{row['section__anchor']}",
            context=text_in(row, "section__issue__title", self.language),
            snippet=highlight(f"{question} {answer}", self.marks),
        )

    def guide_result(self, row):
        title = text_in(row, "title", self.language)
        return Result(
            kind=_("Guide"),
            title=shorten(f"{title} ({self.audiences[row['audience']]})", MAX_TITLE_CHARS),
            url=row["url"],
            context=text_in(row, "topic__name", self.language),
            snippet=highlight(text_in(row, "summary", self.language) or title, self.marks),
            external=True,
        )


def search(query):
    """Every result for `query` (already cleaned), in the order the pages
    show them."""
    results = SearchResults(query)
    return results[: results.count()]


def page_of_results(query, number):
    """Page `number` of the results for `query` (already cleaned): the
    nearest page when `number` is out of range, the first when it is no
    number."""
    paginator = Paginator(SearchResults(query), RESULTS_PER_PAGE)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))
