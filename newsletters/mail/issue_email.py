"""The email edition of an issue: plain text and HTML, one message per subscriber.

The content comes from newsletters/issue_page.py, the builder behind the
public issue page, so the email and the web page show the same sections,
questions and lists. Only the presentation differs: the HTML part is laid out
with tables, styled by one stylesheet inlined into its elements
(newsletters/mail/email_styles.py), as most mail clients ignore style sheets, carries
no script, and every address in it is absolute (rich text is rewritten by
newsletters/mail/rich_text.py).

An `IssueEmail` renders the issue once per language, inside
`translation.override()`: the content's fields (django-modeltranslation), the
interface's strings, the addresses and `<html lang>` are that language's. Each
subscriber's message is then that text with their greeting and personal links
put in place, so sending to ten thousand people renders the templates once per
language.
"""

import html
import re
from dataclasses import dataclass
from email.utils import formatdate, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from newsletters.issue_page import build_page
from newsletters.mail import links
from newsletters.mail.email_styles import inline_styles
from newsletters.mail.rich_text import (
    absolute,
    email_html,
    fold_html,
    fold_text,
    html_to_text,
    image_url,
)
from newsletters.models import Issue, PdfEdition, Section, SectionLink

# Stand-ins rendered into the templates and headers, replaced for each
# recipient. They contain nothing that HTML escaping, header folding or a URL
# would change. The HTML part has its own, as its values are escaped.
GREETING = "@@newsletter-greeting@@"
UNSUBSCRIBE_URL = "@@newsletter-unsubscribe-url@@"
GREETING_HTML = "@@newsletter-greeting-html@@"
UNSUBSCRIBE_URL_HTML = "@@newsletter-unsubscribe-url-html@@"
PREFERENCES_URL = "@@newsletter-preferences-url@@"
PREFERENCES_URL_HTML = "@@newsletter-preferences-url-html@@"
# The List-Unsubscribe header's address, which may differ from the body's.
ONE_CLICK_URL = "@@newsletter-one-click-url@@"
RECIPIENT = "newsletter-recipient@placeholder.invalid"
MESSAGE_ID = "<newsletter-message-id@placeholder.invalid>"
DATE = "@@newsletter-date@@"
_PLACEHOLDERS = (
    GREETING,
    UNSUBSCRIBE_URL,
    GREETING_HTML,
    UNSUBSCRIBE_URL_HTML,
    PREFERENCES_URL,
    PREFERENCES_URL_HTML,
    ONE_CLICK_URL,
    RECIPIENT,
    MESSAGE_ID,
    DATE,
)
_SPLIT = re.compile("(" + "|".join(re.escape(p) for p in _PLACEHOLDERS) + ")")
_SPLIT_BYTES = re.compile(_SPLIT.pattern.encode())


def message_id_domain():
    """The domain of the sender address, else the site's host name."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return domain or urlsplit(settings.SITE_URL).hostname or "localhost"


def pdf_link(issue):
    """(address, size) of the issue's PDF edition in the active language,
    or None before it is made."""
    edition = PdfEdition.objects.filter(issue=issue, language=translation.get_language()).first()
    if edition is None:
        return None
    url = absolute(reverse("newsletters:issue_pdf", kwargs={"slug": issue.slug}))
    return {"url": url, "size": filesizeformat(edition.size)}


def message_id(issue_id, subscriber_id):
    """The same for every attempt at one delivery, so mail clients and
    servers can recognise a repeated message as a duplicate."""
    return f"<issue-{issue_id}.sub-{subscriber_id}@{message_id_domain()}>"


def render_to_string(template_name, context):
    """A template of newsletters/jinja2/newsletters/email/, by the Jinja2 engine."""
    return loader.render_to_string(template_name, context, using="jinja2")


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
    # "en" when the section is shown in English, its translation being
    # incomplete (newsletters/issue_page.py decides).
    fallback_language: str | None = None


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
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self._rendered = {}

    @classmethod
    def for_issue(cls, issue):
        """The email of `issue` (an Issue or its pk), freshly loaded."""
        pk = issue.pk if isinstance(issue, Issue) else issue
        return cls(Issue.objects.get(pk=pk))

    def context(self):
        """The templates' context in the active language: call it inside
        `translation.override()`, as the texts are read now."""
        page = build_page(self.issue)
        web_url = absolute(self.issue.get_absolute_url())
        return {
            "issue": self.issue,
            "sections": [self._email_section(block, web_url) for block in page.sections],
            "listings": page.listings,
            "web_url": web_url,
            "site_url": settings.SITE_URL,
            "cover_url": image_url(self.issue.cover_image),
            "title_language": page.title_language,
            "pdf": pdf_link(self.issue),
        }

    def _email_section(self, block, web_url):
        base, section = web_url, block.section
        return EmailSection(
            section=section,
            web_url=f"{web_url}#{section.anchor}",
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
            subsections=[self._email_section(child, web_url) for child in block.subsections],
            boxes=[self._email_section(box, web_url) for box in block.boxes],
            fallback_language=block.fallback_language,
        )

    def rendered(self, language=None):
        language = language or settings.LANGUAGE_CODE
        if language not in self._rendered:
            self._rendered[language] = self._render(language)
        return self._rendered[language]

    def _render(self, language):
        with translation.override(language):
            context = {
                **self.context(),
                "language": language,
                "direction": "rtl" if translation.get_language_bidi() else "ltr",
            }
            subject = gettext("%(title)s · WTO MSME Group Newsletter") % {"title": self.issue.title}
            text = render_to_string(
                "newsletters/email/issue/issue.txt",
                {
                    **context,
                    "greeting": GREETING,
                    "unsubscribe_url": UNSUBSCRIBE_URL,
                    "preferences_url": PREFERENCES_URL,
                },
            )
            body = render_to_string(
                "newsletters/email/issue/issue.html",
                {
                    **context,
                    "greeting": GREETING_HTML,
                    "unsubscribe_url": UNSUBSCRIBE_URL_HTML,
                    "preferences_url": PREFERENCES_URL_HTML,
                },
            )
            greetings = {"named": gettext("Dear %(name)s,"), "anonymous": gettext("Hello,")}
        text, body = fold_text(text), fold_html(inline_styles(body))
        return RenderedIssue(
            subject=subject,
            text_parts=tuple(_SPLIT.split(text)),
            html_parts=tuple(_SPLIT.split(body)),
            raw_parts=self._raw_template(subject, text, body, language),
            greetings=greetings,
        )

    def _raw_template(self, subject, text, body, language):
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=self.from_email,
            to=[RECIPIENT],
            headers={
                **links.list_unsubscribe_headers(None, ONE_CLICK_URL),
                "Message-ID": MESSAGE_ID,
                "Date": DATE,
                "Content-Language": language,
            },
        )
        message.attach_alternative(body, "text/html")
        raw = message.message().as_bytes(linesep="\r\n")
        in_headers = {ONE_CLICK_URL: 1, RECIPIENT: 1, MESSAGE_ID: 1, DATE: 1}
        intact = b"quoted-printable" not in raw.lower() and all(
            raw.count(stand_in.encode())
            == text.count(stand_in) + body.count(stand_in) + in_headers.get(stand_in, 0)
            for stand_in in _PLACEHOLDERS
        )
        return tuple(_SPLIT_BYTES.split(raw)) if intact else None

    def _values(self, rendered, *, to, name, urls, message_id_value):
        greeting = rendered.greeting(name)
        return {
            GREETING: greeting,
            GREETING_HTML: html.escape(greeting, quote=False),
            UNSUBSCRIBE_URL: urls.unsubscribe,
            UNSUBSCRIBE_URL_HTML: html.escape(urls.unsubscribe, quote=True),
            PREFERENCES_URL: urls.preferences,
            PREFERENCES_URL_HTML: html.escape(urls.preferences, quote=True),
            ONE_CLICK_URL: urls.one_click,
            RECIPIENT: sanitize_address(to, "utf-8"),
            MESSAGE_ID: message_id_value,
            DATE: formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
        }

    def build(self, *, to, language, name, urls, headers, connection=None, subject=None):
        rendered = self.rendered(language)
        values = self._values(rendered, to=to, name=name, urls=urls, message_id_value="")
        message = EmailMultiAlternatives(
            subject=subject or rendered.subject,
            body=_fill(rendered.text_parts, values),
            from_email=self.from_email,
            to=[to],
            headers={**headers, "Content-Language": language},
            connection=connection,
        )
        message.attach_alternative(_fill(rendered.html_parts, values), "text/html")
        return message

    def message_for(self, subscriber, connection=None, language=None):
        """The issue for `subscriber` in `language` (by default theirs), with
        their personal links and a Message-ID that every attempt at this
        delivery shares."""
        language = language or subscriber.language
        urls = PersonalLinks.of(subscriber, language)
        headers = links.list_unsubscribe_headers(subscriber, urls.one_click)
        headers["Message-ID"] = message_id(self.issue.pk, subscriber.pk)
        return self.build(
            to=subscriber.email,
            language=language,
            name=subscriber.name,
            urls=urls,
            headers=headers,
            connection=connection,
        )

    def raw_for(self, subscriber, language=None):
        """The same message as `message_for`, as the bytes to hand to an SMTP
        server: (envelope sender, envelope recipient, message). None when the
        message has to be built the slow way."""
        language = language or subscriber.language
        rendered = self.rendered(language)
        if rendered.raw_parts is None:
            return None
        values = self._values(
            rendered,
            to=subscriber.email,
            name=subscriber.name,
            urls=PersonalLinks.of(subscriber, language),
            message_id_value=message_id(self.issue.pk, subscriber.pk),
        )
        encoded = {key.encode(): value.encode() for key, value in values.items()}
        return (
            self.from_email,
            values[RECIPIENT],
            _fill(rendered.raw_parts, encoded),
        )

    def test_message(self, address, connection=None, language=None):
        """The issue in `language` as a subscriber would get it, marked as a
        test. Its links show the "link not valid" pages: nobody is changed."""
        language = language or settings.LANGUAGE_CODE
        urls = PersonalLinks(
            unsubscribe=links.page_url("subscribers:unsubscribe", "test", language),
            preferences=links.page_url("subscribers:preferences", "test", language),
            one_click=links.page_url("subscribers:unsubscribe", "test", settings.LANGUAGE_CODE),
        )
        rendered = self.rendered(language)
        with translation.override(language):
            subject = gettext("[Test] %(subject)s") % {"subject": rendered.subject}
        return self.build(
            to=address,
            language=language,
            name="",
            urls=urls,
            headers={
                "List-Unsubscribe": f"<{urls.one_click}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            connection=connection,
            subject=subject,
        )


@dataclass(frozen=True)
class PersonalLinks:
    """One recipient's links: those of the body in the message's language,
    and the List-Unsubscribe header's."""

    unsubscribe: str
    preferences: str
    one_click: str

    @classmethod
    def of(cls, subscriber, language):
        return cls(
            unsubscribe=links.unsubscribe_url(subscriber, language),
            preferences=links.preferences_url(subscriber, language),
            one_click=links.one_click_unsubscribe_url(subscriber),
        )
