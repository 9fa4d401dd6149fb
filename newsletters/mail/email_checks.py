"""The checks of an email's HTML that web scanners miss, read from the
markup alone: languages on every wrapper, layout tables, text alternatives,
the title, heading order, link text, size, and CSS that mail clients drop.

newsletters/mail/email_report.py adds what needs a browser (axe-core and the
contrast of every text in light and dark mode) and decides what blocks a
send. Each problem is a `Finding`; "blocking" ones would exclude readers.
"""

import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from lxml import html as lxml_html

BLOCKING = "blocking"
ADVICE = "advice"

# Gmail shows "[Message clipped]" and hides the rest (the unsubscribe link
# included) once the HTML passes about 102 KB.
GMAIL_CLIP_BYTES = 102 * 1024

# Link texts that mean nothing read out of context, in the three languages.
VAGUE_LINK_TEXTS = {
    "click here", "here", "read more", "more", "link", "this link", "learn more",
    "ici", "cliquez ici", "lire la suite", "en savoir plus", "plus", "ce lien",
    "aquí", "haga clic aquí", "haz clic aquí", "leer más", "más", "este enlace",
}  # fmt: skip

# CSS that Gmail, Outlook or Yahoo drop, so content relying on it breaks
# (caniemail.com): positioning, flex and grid layout, custom properties,
# fonts and imports in a style sheet.
DROPPED_CSS = [
    (re.compile(r"(?:^|;)\s*position\s*:", re.I), "position"),
    (re.compile(r"(?:^|;)\s*display\s*:\s*(?:inline-)?(?:flex|grid)", re.I), "display: flex/grid"),
    (re.compile(r"var\(", re.I), "var()"),
]
DROPPED_AT_RULES = [
    (re.compile(r"@import", re.I), "@import"),
    (re.compile(r"@font-face", re.I), "@font-face"),
]

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# The email is UTF-8 whether or not its markup says so.
UTF8_PARSER = lxml_html.HTMLParser(encoding="utf-8")


@dataclass(frozen=True)
class Finding:
    check: str  # a short code: "image-alt", "contrast-dark", "axe:list"…
    severity: str  # BLOCKING or ADVICE
    message: str  # what is wrong and how to fix it, for staff
    where: str = ""  # the element or text concerned

    @property
    def is_blocking(self):
        return self.severity == BLOCKING

    def as_dict(self):
        return asdict(self)


def _snippet(element, length=80):
    text = " ".join(element.text_content().split())
    if text:
        return text[:length] + ("…" if len(text) > length else "")
    return lxml_html.tostring(element, encoding="unicode")[:length]


def _wrappers(document):
    """The elements whose `lang` and `dir` a mail client may keep when it
    drops <html> and <body>: the body and each element directly in it."""
    body = document.find("body")
    if body is None:
        return []
    return [body, *(child for child in body if isinstance(child.tag, str))]


def check_languages(document):
    findings = []
    for element in [document, *_wrappers(document)]:
        missing = [name for name in ("lang", "dir") if not element.get(name)]
        if missing:
            findings.append(
                Finding(
                    "lang-dir",
                    BLOCKING,
                    _(
                        "The <%(tag)s> element has no %(attributes)s: screen readers may read "
                        "the email in the wrong language, as clients drop <html>."
                    )
                    % {"tag": element.tag, "attributes": " / ".join(missing)},
                    f'<{element.tag} class="{element.get("class", "")}">',
                )
            )
    return findings


def _is_data_table(table):
    """A table with a caption or header cells of its own holds data; any
    other is there for layout."""
    if table.find("caption") is not None:
        return True
    return any(next(cell.iterancestors("table")) is table for cell in table.iter("th"))


def check_tables(document):
    findings = []
    for table in document.iter("table"):
        if _is_data_table(table):
            continue
        if table.get("role") not in {"presentation", "none"}:
            findings.append(
                Finding(
                    "layout-table-role",
                    BLOCKING,
                    _(
                        'A layout table has no role="presentation": screen readers announce '
                        "it as a table of data, row by row."
                    ),
                    _snippet(table),
                )
            )
    return findings


def check_images(document):
    findings = []
    for image in document.iter("img"):
        alt = image.get("alt")
        source = image.get("src", "")
        if alt is None:
            findings.append(
                Finding(
                    "image-alt",
                    BLOCKING,
                    _(
                        "An image has no text alternative: give it one, or mark it "
                        "decorative (empty alternative)."
                    ),
                    source,
                )
            )
        elif alt and re.fullmatch(r"[\w-]+\.(?:png|jpe?g|gif|webp|svg)", alt.strip(), re.I):
            findings.append(
                Finding(
                    "image-alt-file-name",
                    ADVICE,
                    _("An image's text alternative is its file name: describe the image."),
                    alt,
                )
            )
    return findings


def check_title(document):
    title = document.find("head/title")
    if title is None or not " ".join(title.text_content().split()):
        return [
            Finding(
                "title",
                BLOCKING,
                _("The email has no <title>: it is what screen readers announce first."),
            )
        ]
    return []


def check_heading_order(document):
    findings = []
    levels = [int(heading.tag[1]) for heading in document.iter(*HEADING_TAGS)]
    headings = list(document.iter(*HEADING_TAGS))
    if levels and levels[0] != 1:
        findings.append(
            Finding(
                "heading-order",
                ADVICE,
                _("The first heading is not a level-1 heading (the issue's title)."),
                _snippet(headings[0]),
            )
        )
    for previous, level, heading in zip(levels, levels[1:], headings[1:], strict=False):
        if level > previous + 1:
            findings.append(
                Finding(
                    "heading-order",
                    ADVICE,
                    _("A heading skips from level %(previous)d to level %(level)d.")
                    % {"previous": previous, "level": level},
                    _snippet(heading),
                )
            )
    return findings


def _link_name(link):
    text = " ".join(link.text_content().split())
    if not text:
        text = " ".join(image.get("alt", "") for image in link.iter("img")).strip()
    return text


def check_links(document):
    findings = []
    for link in document.iter("a"):
        if link.get("href") is None:
            continue
        name = _link_name(link)
        if not name:
            findings.append(
                Finding(
                    "link-name",
                    BLOCKING,
                    _("A link has no text, so screen readers can only read its address."),
                    link.get("href"),
                )
            )
        elif name.lower().strip(" .:!…→") in VAGUE_LINK_TEXTS:
            findings.append(
                Finding(
                    "link-text",
                    ADVICE,
                    _(
                        "The link text “%(text)s” means nothing out of context: say where "
                        "the link goes."
                    )
                    % {"text": name},
                    link.get("href"),
                )
            )
    return findings


def check_size(html):
    size = len(html.encode())
    if size > GMAIL_CLIP_BYTES:
        return [
            Finding(
                "size",
                BLOCKING,
                _(
                    "The email is %(size)d KB: Gmail clips messages over 102 KB and hides the "
                    "rest, the unsubscribe link included. Shorten it or move sections to the web."
                )
                % {"size": size // 1024},
            )
        ]
    return []


def check_css(document):
    findings, seen = [], set()
    for element in document.iter():
        style = element.get("style") if isinstance(element.tag, str) else None
        if not style:
            continue
        for pattern, name in DROPPED_CSS:
            if name not in seen and pattern.search(style):
                seen.add(name)
                findings.append(
                    Finding(
                        "dropped-css",
                        ADVICE,
                        _("Mail clients drop the CSS %(css)s: content must not depend on it.")
                        % {"css": name},
                        style[:80],
                    )
                )
    sheets = " ".join(style.text_content() for style in document.iter("style"))
    for pattern, name in DROPPED_AT_RULES:
        if pattern.search(sheets):
            findings.append(
                Finding(
                    "dropped-css",
                    ADVICE,
                    _("Mail clients drop the CSS %(css)s: content must not depend on it.")
                    % {"css": name},
                )
            )
    return findings


def markup_findings(html):
    """Every problem found in `html` (a whole email) without a browser."""
    document = lxml_html.document_fromstring(html.encode(), parser=UTF8_PARSER)
    return [
        *check_languages(document),
        *check_title(document),
        *check_tables(document),
        *check_images(document),
        *check_heading_order(document),
        *check_links(document),
        *check_size(html),
        *check_css(document),
    ]
