"""The email edition of an issue: plain text and HTML, one message per subscriber.

The content comes from newsletters/issue_page.py, the builder behind the
public issue page, so the email and the web page show the same sections,
questions and lists. Only the presentation differs: the HTML part is laid out with
tables and inline styles, as mail clients ignore style sheets, carries no
script, and every address in it is absolute (relative links and images in the
rich text are rewritten against the issue's web address).

An `IssueEmail` renders the issue once per language; each subscriber's message
is then that text with their greeting and unsubscribe link put in place, so
sending to ten thousand people renders the templates only once.
"""

import html
import re
import textwrap
from dataclasses import dataclass
from email.utils import formatdate, parseaddr
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from newsletters.issue_page import build_page
from newsletters.mail import links
from newsletters.models import Issue, Section, SectionLink

# Stand-ins rendered into the templates and headers, replaced for each
# recipient. They contain nothing that HTML escaping, header folding or a URL
# would change. The HTML part has its own, as its values are escaped.
GREETING = "@@newsletter-greeting@@"
UNSUBSCRIBE_URL = "@@newsletter-unsubscribe-url@@"
GREETING_HTML = "@@newsletter-greeting-html@@"
UNSUBSCRIBE_URL_HTML = "@@newsletter-unsubscribe-url-html@@"
RECIPIENT = "newsletter-recipient@placeholder.invalid"
MESSAGE_ID = "<newsletter-message-id@placeholder.invalid>"
DATE = "@@newsletter-date@@"
_PLACEHOLDERS = (
    GREETING,
    UNSUBSCRIBE_URL,
    GREETING_HTML,
    UNSUBSCRIBE_URL_HTML,
    RECIPIENT,
    MESSAGE_ID,
    DATE,
)
_SPLIT = re.compile("(" + "|".join(re.escape(p) for p in _PLACEHOLDERS) + ")")
_SPLIT_BYTES = re.compile(_SPLIT.pattern.encode())

# Mail servers reject lines longer than 998 characters (RFC 5322), and Django
# falls back to quoted-printable when it meets one, which costs time and
# bloats the message; folding keeps the body plain 8-bit.
HTML_LINE_WIDTH = 900
TEXT_LINE_WIDTH = 76

LINK_COLOR = "#00558c"
TEXT_COLOR = "#1f2933"
FONT = "Arial, Helvetica, sans-serif"
_TEXT = f"font-family:{FONT};color:{TEXT_COLOR};"
_CELL = f"border:1px solid #c5ced6;padding:6px;font-family:{FONT};font-size:14px;"

# Inline styles for the tags the rich-text sanitizer lets through.
RICH_TEXT_STYLES = {
    "p": f"margin:0 0 12px;font-size:16px;line-height:24px;{_TEXT}",
    "h2": f"margin:20px 0 8px;font-size:20px;line-height:26px;{_TEXT}",
    "h3": f"margin:18px 0 8px;font-size:18px;line-height:24px;{_TEXT}",
    "h4": f"margin:16px 0 8px;font-size:16px;line-height:22px;{_TEXT}",
    "a": f"color:{LINK_COLOR};text-decoration:underline;",
    "img": "display:block;max-width:100%;height:auto;border:0;",
    "ul": f"margin:0 0 12px;padding-left:24px;font-family:{FONT};font-size:16px;line-height:24px;",
    "ol": f"margin:0 0 12px;padding-left:24px;font-family:{FONT};font-size:16px;line-height:24px;",
    "li": "margin:0 0 4px;",
    "blockquote": "margin:12px 0;padding:0 0 0 12px;border-left:4px solid #c5ced6;",
    "figure": "margin:0 0 12px;",
    "figcaption": f"font-family:{FONT};font-size:14px;line-height:20px;color:#52606d;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 12px;",
    "caption": f"font-family:{FONT};font-size:14px;text-align:left;padding:0 0 4px;",
    "th": f"{_CELL}text-align:left;",
    "td": _CELL,
    "hr": "border:0;border-top:1px solid #c5ced6;margin:16px 0;",
}
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
    """Re-serializes sanitized rich text with inline styles and absolute URLs."""

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
        if tag in RICH_TEXT_STYLES:
            attributes["style"] = RICH_TEXT_STYLES[tag]
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


def email_html(fragment, base_url):
    """Sanitized rich text made fit for a mail client: inline styles,
    absolute links and image addresses, every image with a text alternative."""
    if not fragment:
        return ""
    rewriter = _EmailHTMLRewriter(base_url)
    rewriter.feed(fragment)
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


def html_to_text(fragment, base_url):
    if not fragment:
        return ""
    converter = _TextConverter(base_url)
    converter.feed(fragment)
    converter.close()
    text = "".join(converter.out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def message_id_domain():
    """The domain of the sender address, else the site's host name."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return domain or urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(issue_id, subscriber_id):
    """The same for every attempt at one delivery, so mail clients and
    servers can recognise a repeated message as a duplicate."""
    return f"<issue-{issue_id}.sub-{subscriber_id}@{message_id_domain()}>"


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


def _fill(parts, values):
    return type(parts[0])().join(values.get(part, part) for part in parts) if parts else ""


@dataclass(frozen=True)
class EmailQuestion:
    question: str
    answer: str  # email_html() of the answer
    text_answer: str


@dataclass(frozen=True)
class EmailSection:
    """A section of the issue page (issue_page.SectionBlock) as the email
    shows it: rich text restyled for mail clients and as plain text, every
    address absolute."""

    section: Section
    web_url: str  # the section on the issue's web page
    body: str
    text_body: str
    bio: str
    text_bio: str
    image_url: str  # the original image: mail clients scale it
    portrait_url: str
    questions: list[EmailQuestion]
    links: list[SectionLink]
    subsections: list["EmailSection"]
    boxes: list["EmailSection"]


@dataclass(frozen=True)
class RenderedIssue:
    """An issue rendered in one language, split around the per-recipient parts.

    `raw_parts` is the whole message, headers and both parts, serialized once
    and split the same way, so the worker only joins bytes for each
    recipient. It is None in the rare case serialization could not keep the
    stand-ins intact (a line too long to fold), and messages are then built
    one by one.
    """

    subject: str
    text_parts: tuple
    html_parts: tuple
    raw_parts: tuple | None
    greetings: dict  # {"named": "Dear %(name)s,", "anonymous": "Hello,"}

    def greeting(self, name):
        name = " ".join(name.split())  # No line breaks into headers or bodies.
        return self.greetings["named"] % {"name": name} if name else self.greetings["anonymous"]


class IssueEmail:
    """The email edition of one issue, rendered once and personalized per recipient."""

    def __init__(self, issue):
        self.issue = issue
        self.web_url = absolute(issue.get_absolute_url())
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self._context = None
        self._rendered = {}

    @classmethod
    def for_issue(cls, issue):
        """The email of `issue` (an Issue or its pk), freshly loaded."""
        pk = issue.pk if isinstance(issue, Issue) else issue
        return cls(Issue.objects.get(pk=pk))

    def context(self):
        if self._context is None:
            page = build_page(self.issue)
            self._context = {
                "issue": self.issue,
                "sections": [self._email_section(block) for block in page.sections],
                "listings": page.listings,
                "web_url": self.web_url,
                "site_url": settings.SITE_URL,
                "cover_url": image_url(self.issue.cover_image),
            }
        return self._context

    def _email_section(self, block):
        base, section = self.web_url, block.section
        return EmailSection(
            section=section,
            web_url=f"{self.web_url}#{section.anchor}",
            body=email_html(section.body, base),
            text_body=html_to_text(section.body, base),
            bio=email_html(section.interviewee_bio, base),
            text_bio=html_to_text(section.interviewee_bio, base),
            image_url=image_url(section.image),
            portrait_url=image_url(section.portrait),
            questions=[
                EmailQuestion(
                    question=item.question,
                    answer=email_html(item.answer, base),
                    text_answer=html_to_text(item.answer, base),
                )
                for item in block.questions
            ],
            links=block.links,
            subsections=[self._email_section(child) for child in block.subsections],
            boxes=[self._email_section(box) for box in block.boxes],
        )

    def rendered(self, language=None):
        language = language or settings.LANGUAGE_CODE
        if language not in self._rendered:
            self._rendered[language] = self._render(language)
        return self._rendered[language]

    def _render(self, language):
        context = {**self.context(), "language": language}
        with translation.override(language):
            subject = gettext("%(title)s · WTO MSME Group Newsletter") % {"title": self.issue.title}
            text = render_to_string(
                "emails/issue/issue.txt",
                {**context, "greeting": GREETING, "unsubscribe_url": UNSUBSCRIBE_URL},
            )
            body = render_to_string(
                "emails/issue/issue.html",
                {**context, "greeting": GREETING_HTML, "unsubscribe_url": UNSUBSCRIBE_URL_HTML},
            )
            greetings = {"named": gettext("Dear %(name)s,"), "anonymous": gettext("Hello,")}
        text, body = fold_text(text), fold_html(body)
        return RenderedIssue(
            subject=subject,
            text_parts=tuple(_SPLIT.split(text)),
            html_parts=tuple(_SPLIT.split(body)),
            raw_parts=self._raw_template(subject, text, body),
            greetings=greetings,
        )

    def _raw_template(self, subject, text, body):
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=self.from_email,
            to=[RECIPIENT],
            headers={
                **links.list_unsubscribe_headers(None, UNSUBSCRIBE_URL),
                "Message-ID": MESSAGE_ID,
                "Date": DATE,
            },
        )
        message.attach_alternative(body, "text/html")
        raw = message.message().as_bytes(linesep="\r\n")
        in_headers = {UNSUBSCRIBE_URL: 1, RECIPIENT: 1, MESSAGE_ID: 1, DATE: 1}
        intact = b"quoted-printable" not in raw.lower() and all(
            raw.count(stand_in.encode())
            == text.count(stand_in) + body.count(stand_in) + in_headers.get(stand_in, 0)
            for stand_in in _PLACEHOLDERS
        )
        return tuple(_SPLIT_BYTES.split(raw)) if intact else None

    def _values(self, rendered, *, to, name, unsubscribe_url, message_id_value):
        greeting = rendered.greeting(name)
        return {
            GREETING: greeting,
            GREETING_HTML: html.escape(greeting, quote=False),
            UNSUBSCRIBE_URL: unsubscribe_url,
            UNSUBSCRIBE_URL_HTML: html.escape(unsubscribe_url, quote=True),
            RECIPIENT: sanitize_address(to, "utf-8"),
            MESSAGE_ID: message_id_value,
            DATE: formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
        }

    def build(self, *, to, language, name, unsubscribe_url, headers, connection=None, subject=None):
        rendered = self.rendered(language)
        values = self._values(
            rendered, to=to, name=name, unsubscribe_url=unsubscribe_url, message_id_value=""
        )
        message = EmailMultiAlternatives(
            subject=subject or rendered.subject,
            body=_fill(rendered.text_parts, values),
            from_email=self.from_email,
            to=[to],
            headers=headers,
            connection=connection,
        )
        message.attach_alternative(_fill(rendered.html_parts, values), "text/html")
        return message

    def message_for(self, subscriber, connection=None):
        """The issue for `subscriber`, with their unsubscribe link and a
        Message-ID that every attempt at this delivery shares."""
        url = links.unsubscribe_url(subscriber)
        headers = links.list_unsubscribe_headers(subscriber, url)
        headers["Message-ID"] = message_id(self.issue.pk, subscriber.pk)
        return self.build(
            to=subscriber.email,
            language=subscriber.language,
            name=subscriber.name,
            unsubscribe_url=url,
            headers=headers,
            connection=connection,
        )

    def raw_for(self, subscriber):
        """The same message as `message_for`, as the bytes to hand to an SMTP
        server: (envelope sender, envelope recipient, message). None when the
        message has to be built the slow way."""
        rendered = self.rendered(subscriber.language)
        if rendered.raw_parts is None:
            return None
        values = self._values(
            rendered,
            to=subscriber.email,
            name=subscriber.name,
            unsubscribe_url=links.unsubscribe_url(subscriber),
            message_id_value=message_id(self.issue.pk, subscriber.pk),
        )
        encoded = {key.encode(): value.encode() for key, value in values.items()}
        return (
            self.from_email,
            values[RECIPIENT],
            _fill(rendered.raw_parts, encoded),
        )

    def test_message(self, address, connection=None):
        """The issue as a subscriber would get it, marked as a test. Its
        unsubscribe link shows the "link not valid" page: nobody is removed."""
        url = links.absolute_url(reverse("subscriptions:unsubscribe", kwargs={"token": "test"}))
        rendered = self.rendered()
        return self.build(
            to=address,
            language=settings.LANGUAGE_CODE,
            name="",
            unsubscribe_url=url,
            headers={
                "List-Unsubscribe": f"<{url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            connection=connection,
            subject=gettext("[Test] %(subject)s") % {"subject": rendered.subject},
        )
