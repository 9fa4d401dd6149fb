"""WTO document symbols ("INF/MSME/4/Rev.2", "WT/MIN(17)/58") and their
pages on Documents Online, the WTO's document database.

`link_document_symbols()` links every symbol written in a fragment of rich
text to its page, so staff never type those links. It runs when a page or an
email is rendered, not when staff save: the stored text stays exactly what
staff wrote, the link follows the language of the page or email that shows
it, and a better pattern reaches every issue without rewriting content. The
public pages are cached, so the cost is paid once per version of a page.
"""

import html
import itertools
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import quote

# Documents Online's search for one symbol, in the language of the page that
# links to it. The interface takes the language as a word.
SEARCH_URL = (
    "https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx"
    "?Query=(@Symbol=%20{symbol})&Language={language}"
    "&Context=FomerScriptedSearch&languageUIChanged=true#"
)
LANGUAGES = {"en": "ENGLISH", "fr": "FRENCH", "es": "SPANISH"}

# Text inside these stays as written: it is a link already, or code.
UNLINKED_ELEMENTS = {"a", "code", "pre", "kbd", "samp", "script", "style", "textarea"}

# A symbol is parts joined by "/": the series in capitals first (WT, G, S,
# IP, INF, JOB), then parts such as MIN(17), DS123, W, USA or 1234, and
# suffixes such as Rev.2, Add.1 or Corr.1, possibly chained. It must have a
# digit (checked in `_link_symbol`), which keeps "N/A" or "TCP/IP" out;
# lowercase words ("and/or") and dates ("1/7/2022") never start one. A "."
# or ")" after it is the sentence's; "58R1.pdf" or a path ("/WT/L/1", in an
# address) is not a symbol.
_PART = r"(?:[A-Z]+(?:\([0-9]+\)|[0-9]+)?|[0-9]+)"
_SUFFIX = r"(?:Rev|Add|Corr|Suppl)\.[0-9]+"
_SYMBOL = (
    r"(?<![\w/.\-=&?#%+~@])"
    rf"[A-Z]{{1,6}}(?:/(?:{_SUFFIX}|{_PART}))+"
    r"(?![\w/])(?!\.\w)"
)
# An address written as text, up to a space (a no-break space is written
# as an entity in rich text): a symbol inside it is left alone.
_URL = r"(?i:(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)(?:(?!&nbsp;|&#160;|&#xa0;)[^\s<>\"'])+)"
# Addresses are matched first, so the symbols inside them are never seen.
_TEXT_TOKEN = re.compile(rf"(?P<url>{_URL})|(?P<symbol>{_SYMBOL})")
_SYMBOL_ANYWHERE = re.compile(_SYMBOL)
# Every symbol has a capital letter before a slash. Most texts have none,
# and looking for that is about five times as fast as looking for a symbol.
_CAPITAL_BEFORE_SLASH = re.compile(r"[A-Z]/")


def document_url(symbol, language="en"):
    """The Documents Online page for `symbol`, in `language` ("en", "fr",
    "es"; any other reads as English)."""
    return SEARCH_URL.format(
        symbol=quote(symbol, safe="/()."),
        language=LANGUAGES.get((language or "en")[:2], LANGUAGES["en"]),
    )


def link_document_symbols(fragment, language="en"):
    """`fragment` (HTML, sanitized already) with each document symbol in its
    text wrapped in a link to its page in `language`. Text inside links,
    code and addresses written as text is left alone, and everything but
    the inserted links is kept byte for byte (entities, attributes)."""
    if not fragment:
        return ""
    source = str(fragment)
    if not _CAPITAL_BEFORE_SLASH.search(source):
        return source
    # Most texts cite no document: they need no parsing.
    if not any(_has_digit(match[0]) for match in _SYMBOL_ANYWHERE.finditer(source)):
        return source
    runs = _TextRuns(source)
    runs.feed(source)
    runs.close()
    boundaries = [*runs.boundaries, (len(source), False)]
    pieces = [source[: boundaries[0][0]]]
    for (start, linkable), (end, _next) in itertools.pairwise(boundaries):
        text = source[start:end]
        pieces.append(_link_text(text, language) if linkable else text)
    return "".join(pieces)


def _link_text(text, language):
    """Raw HTML text (no tags; entities as written) with its symbols linked."""
    return _TEXT_TOKEN.sub(lambda match: _link_symbol(match, language), text)


def _has_digit(text):
    return any(char.isdigit() for char in text)


def _link_symbol(match, language):
    symbol = match["symbol"]
    if not symbol or not _has_digit(symbol):
        return match[0]
    href = html.escape(document_url(symbol, language), quote=True)
    # The symbol is letters, digits and "/()." only: nothing to escape.
    return f'<a class="document-symbol" href="{href}">{symbol}</a>'


class _TextRuns(HTMLParser):
    """Where a fragment's text lies, as offsets into its source: `boundaries`
    lists (offset, linkable) wherever the source turns from markup or
    unlinkable text to text that may be linked, or back."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self.boundaries = []
        # How many of each unlinked element are open: "</a>" closes no <code>.
        self.open_unlinked = Counter()

    def _mark(self, linkable):
        # The parser's position is the start of what it is handling now.
        line, column = self.getpos()
        if not self.boundaries or self.boundaries[-1][1] != linkable:
            self.boundaries.append((self.line_starts[line - 1] + column, linkable))

    def handle_starttag(self, tag, attrs):
        self._mark(False)
        if tag in UNLINKED_ELEMENTS:
            self.open_unlinked[tag] += 1

    def handle_startendtag(self, tag, attrs):
        self._mark(False)

    def handle_endtag(self, tag):
        self._mark(False)
        if self.open_unlinked[tag]:
            self.open_unlinked[tag] -= 1

    def handle_data(self, data):
        self._mark(not self.open_unlinked.total())

    def handle_comment(self, data):
        self._mark(False)

    def handle_decl(self, decl):
        self._mark(False)

    def handle_pi(self, data):
        self._mark(False)

    def unknown_decl(self, data):
        self._mark(False)
