"""Rich text made fit for email: absolute addresses and no style or script
of its own for the HTML part (the email's stylesheet styles it), a
plain-text version, and lines folded to what mail servers accept. Both
parts link the WTO document symbols of the text, as the web page does, in
the language active while the email is rendered. Used by
newsletters/mail/issue_email.py."""

import html
import re
import textwrap
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

from msme_portal.document_symbols import link_document_symbols

# Mail servers reject lines longer than 998 characters (RFC 5322), and Django
# falls back to quoted-printable when it meets one, which costs time and
# bloats the message; folding keeps the body plain 8-bit.
HTML_LINE_WIDTH = 900
TEXT_LINE_WIDTH = 76

VOID_TAGS = {"br", "img", "hr"}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "template"}


def absolute(url, base=None):
    """`url` made absolute against `base` (default: the site's address)."""
    if not url:
        return url
    return urljoin(base or settings.SITE_URL + "/", url)


def image_url(image_field):
    return absolute(image_field.url) if image_field else ""


class _EmailHTMLRewriter(HTMLParser):
    """Re-serializes sanitized rich text with absolute URLs and without styles."""

    def __init__(self, base_url):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.out = []
        self.dropping = 0

    def _start(self, tag, attrs, closed):
        if tag in DROPPED_WITH_CONTENT:
            if not closed:
                self.dropping += 1
            return
        if self.dropping:
            return
        attributes = {}
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                continue
            value = value or ""
            if name in {"href", "src"}:
                value = absolute(value.strip(), self.base_url)
                if urlsplit(value).scheme not in {"http", "https", "mailto"}:
                    continue
            attributes[name] = value
        if tag == "img":
            attributes.setdefault("alt", "")
        rendered = "".join(
            f' {name}="{html.escape(value, quote=True)}"' for name, value in attributes.items()
        )
        self.out.append(f"<{tag}{rendered}>")

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=tag in VOID_TAGS)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if not self.dropping and tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))


def email_html(fragment, base_url, language=None):
    """Sanitized rich text made fit for a mail client: absolute links and
    image addresses, every image with a text alternative, document symbols
    linked in `language` (by default the active one)."""
    if not fragment:
        return ""
    rewriter = _EmailHTMLRewriter(base_url)
    rewriter.feed(link_document_symbols(fragment, language or translation.get_language()))
    rewriter.close()
    return mark_safe("".join(rewriter.out))  # noqa: S308  (built from escaped parts)


class _TextConverter(HTMLParser):
    """Rich text as readable plain text: paragraphs, bullets, links in brackets."""

    BLOCKS = {
        "p", "h2", "h3", "h4", "blockquote", "figure", "figcaption", "table", "tr",
        "ul", "ol", "caption", "hr", "div",
    }  # fmt: skip

    def __init__(self, base_url):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.out = []
        self.links = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in DROPPED_WITH_CONTENT:
            self.dropping += 1
        elif self.dropping:
            return
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in {"td", "th"}:
            self.out.append(" | ")
        elif tag == "a":
            self.links.append((absolute(attrs.get("href") or "", self.base_url), len(self.out)))
        elif tag == "img" and attrs.get("alt"):
            self.out.append(f"[{attrs['alt']}]")

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif self.dropping:
            return
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.out[start:]).strip()
            if href and href != label and not href.startswith("mailto:"):
                self.out.append(f" <{href}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(fragment, base_url, language=None):
    """Sanitized rich text as plain text, each link's address after its text;
    document symbols are links too, in `language` (by default the active one)."""
    if not fragment:
        return ""
    converter = _TextConverter(base_url)
    converter.feed(link_document_symbols(fragment, language or translation.get_language()))
    converter.close()
    text = "".join(converter.out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_BLOCK_END = re.compile(
    r"(</(?:p|li|tr|td|th|h[1-6]|table|ul|ol|blockquote|figure|figcaption|caption)>|<br>)(?!\n)"
)


def fold_html(markup, width=HTML_LINE_WIDTH):
    """`markup` with no line longer than `width` where it can be helped:
    new lines after block ends, then at spaces outside tags."""
    lines = []
    for line in _BLOCK_END.sub("\\1\n", markup).split("\n"):
        while len(line) > width:
            cut, in_tag = None, False
            for index, char in enumerate(line[:width]):
                if char == "<":
                    in_tag = True
                elif char == ">":
                    in_tag = False
                elif char == " " and not in_tag:
                    cut = index
            if not cut:
                break
            lines.append(line[:cut])
            line = line[cut + 1 :]
        lines.append(line)
    return "\n".join(lines)


def fold_text(text, width=TEXT_LINE_WIDTH):
    """Plain text wrapped for reading in a mail client; addresses are never split."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = "  " if line.startswith("- ") else ""
        lines.extend(
            textwrap.wrap(
                line,
                width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)
