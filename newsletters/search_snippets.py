"""The snippets and titles of search results (newsletters/search.py): rich
text made plain, cut at word boundaries with "…" where it was cut, escaped,
and only then the matches wrapped in <mark>, so nothing the visitor typed or
an editor wrote can reach the page unescaped."""

import functools
import html
import re

from django.db import connection
from django.utils.safestring import SafeString

SNIPPET_CHARS = 240

# Tags that end a word: blocks, list items, table cells and line breaks.
# strip_tags() alone joins "Uruguay.</p><p>The" into "Uruguay.The".
WORD_BREAKING_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|thead|tbody|tfoot"
    r"|tr|td|th|caption|figure|figcaption|section|article|aside|header|footer|nav)\b[^>]*>",
    re.IGNORECASE,
)


# Any other tag. Rich text is sanitized by nh3 when saved, which writes each
# "<" and ">" of the text and of attribute values as an entity, so a tag ends
# at its first ">"; whatever odd markup leaves is escaped with the rest of
# the snippet. Django's strip_tags() parses the markup with HTMLParser until
# nothing changes: three quarters of a page's snippets' time.
TAG = re.compile(r"<[^>]*>")


def plain_text(markup):
    """The text of rich-text `markup` on one line, a space wherever a block,
    a list item, a cell or a line break ended."""
    text = WORD_BREAKING_TAG.sub(" ", markup or "")
    return " ".join(html.unescape(TAG.sub("", text)).split())


def marked_terms(terms):
    """What to mark in snippets. PostgreSQL matches other forms of a word
    ("exporting" finds "exports"), so there long words are marked by their
    beginning."""
    if connection.vendor != "postgresql":
        return terms
    return [term if len(term) <= 4 else term[: max(4, len(term) - 3)] for term in terms]


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
    pattern = terms_pattern(tuple(terms)) if terms else None
    match = pattern.search(text) if pattern else None
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
        return SafeString(html.escape(excerpt))
    # Escape the text between matches and each match separately, so the only
    # markup in the result is our own <mark>.
    pieces, position = [], 0
    for found in pattern.finditer(excerpt):
        pieces.append(html.escape(excerpt[position : found.start()]))
        pieces.append(f"<mark>{html.escape(found.group(0))}</mark>")
        position = found.end()
    pieces.append(html.escape(excerpt[position:]))
    return SafeString("".join(pieces))


# The same few words mark every snippet of a page of results.
@functools.lru_cache(maxsize=256)
def terms_pattern(terms):
    """A match runs to the end of its word: "trade" marks all of "traders"."""
    return re.compile("|".join(re.escape(term) + r"\w*" for term in terms), re.IGNORECASE)
