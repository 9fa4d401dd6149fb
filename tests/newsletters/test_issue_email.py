"""The email edition of an issue: its parts, headers, links and content."""

import re
from email import policy
from email.parser import BytesParser
from urllib.parse import urlsplit

import pytest

from newsletters.mail import issue_email
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import SubscriberStatus
from newsletters.models.issues import Listing
from tests.factories import (
    make_confirmed_subscriber,
    make_guide,
    make_issue,
    make_link,
    make_question,
    make_section,
)

pytestmark = pytest.mark.django_db

SITE = "https://newsletter.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "WTO MSME Group newsletter <newsletter@msme.example.org>"
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@msme.example.org"


@pytest.fixture
def issue():
    issue = make_issue(title="Summer 2022", slug="summer-2022", summary="Trade and small firms.")
    article = make_section(
        issue,
        title="Digital trade",
        anchor="digital",
        body=(
            '<p>See <a href="/guides/">our guides</a>, <a href="#voices">the interview</a> '
            'and <a href="https://wto.org/msmes">the WTO page</a>.</p>'
            '<p><img src="/media/editor/chart.png" alt="A chart of exports"></p>'
        ),
        listing=Listing.NEW_GUIDES,
    )
    make_link(article, label="Recording", url="https://example.org/recording")
    interview = make_section(issue, kind="interview", title="MSME Voices", anchor="voices")
    make_question(interview, question="What changed for you?", answer="<p>Everything.</p>")
    issue.featured_guides.set([make_guide(title="Selling online abroad")])
    return issue


def parts(message):
    text = message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return text, html


def test_message_has_text_and_html_parts_with_the_issue_content(issue):
    subscriber = make_confirmed_subscriber(name="Ana")
    message = IssueEmail.for_issue(issue).message_for(subscriber)
    text, html = parts(message)
    raw = message.message()
    assert raw.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in raw.get_payload()] == ["text/plain", "text/html"]
    for content in (text, html):
        assert "Summer 2022" in content
        assert "Digital trade" in content
        assert "What changed for you?" in content
        assert "Selling online abroad" in content
        assert "Recording" in content
        assert "Dear Ana," in content
    assert message.subject.startswith("Summer 2022")
    assert message.to == [subscriber.email]


def test_headers_list_unsubscribe_one_click_and_stable_message_id(issue):
    subscriber = make_confirmed_subscriber()
    email = IssueEmail.for_issue(issue)
    message = email.message_for(subscriber)
    headers = message.message()
    unsubscribe = headers["List-Unsubscribe"]
    assert re.fullmatch(
        rf"<{re.escape(SITE)}/unsubscribe/[^>]+/>, "
        r"<mailto:unsubscribe@msme\.example\.org\?subject=unsubscribe>",
        unsubscribe,
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    expected_id = f"<issue-{issue.pk}.sub-{subscriber.pk}@msme.example.org>"
    assert headers["Message-ID"] == expected_id
    # A retry, by another worker with a fresh render, reuses it.
    assert IssueEmail.for_issue(issue).message_for(subscriber).message()["Message-ID"] == (
        expected_id
    )


def test_html_is_mail_client_safe_with_absolute_urls(issue):
    text, html = parts(IssueEmail.for_issue(issue).message_for(make_confirmed_subscriber()))
    assert "<script" not in html.lower()
    # The one <style> element holds only the stylesheet's @media rules
    # (phones, dark mode): everything else is inlined.
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert len(styles) == 1
    assert re.fullmatch(r"(@media[^{]*\{(\s*[^{}]*\{[^{}]*\})*\s*\}\s*)+", styles[0]), styles[0]
    assert 'role="presentation"' in html
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert urls
    for url in urls:
        assert urlsplit(url).scheme in {"https", "mailto"}, url
    assert f'href="{SITE}/guides/"' in html
    assert f'href="{SITE}/issues/summer-2022/#voices"' in html or (
        f'href="{SITE}{issue.get_absolute_url()}#voices"' in html
    )
    assert f'src="{SITE}/media/editor/chart.png"' in html
    assert 'alt="A chart of exports"' in html
    # Every image has a text alternative.
    for tag in re.findall(r"<img[^>]*>", html):
        assert " alt=" in tag
    assert f"{SITE}{issue.get_absolute_url()}" in html
    assert f"{SITE}{issue.get_absolute_url()}" in text
    assert f"our guides <{SITE}/guides/>" in text


def test_unsubscribe_link_in_the_email_unsubscribes_its_recipient(issue, client):
    subscriber = make_confirmed_subscriber()
    other = make_confirmed_subscriber()
    text, html = parts(IssueEmail.for_issue(issue).message_for(subscriber))
    url = re.search(rf'href="({re.escape(SITE)}/en/unsubscribe/[^"]+)"', html).group(1)
    assert url in text
    response = client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    other.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert other.status == SubscriberStatus.CONFIRMED


def test_each_recipient_gets_their_own_link_and_greeting(issue):
    email = IssueEmail.for_issue(issue)
    first, second = make_confirmed_subscriber(name="Ana"), make_confirmed_subscriber(name="")
    text1, html1 = parts(email.message_for(first))
    text2, html2 = parts(email.message_for(second))
    link = re.compile(r"/unsubscribe/([^/\"]+)/")
    assert link.search(html1).group(1) != link.search(html2).group(1)
    assert "Dear Ana," in html1
    assert "Hello," in html2
    assert "@@" not in html1 + text1 + html2 + text2


def test_a_name_is_escaped_in_the_html_part(issue):
    text, html = parts(
        IssueEmail.for_issue(issue).message_for(make_confirmed_subscriber(name="<b>Bo</b>"))
    )
    assert "&lt;b&gt;Bo&lt;/b&gt;" in html
    assert "<b>Bo</b>" not in html
    assert "Dear <b>Bo</b>," in text


def test_templates_are_rendered_once_for_many_recipients(issue, monkeypatch):
    calls = []
    real = issue_email.render_to_string
    monkeypatch.setattr(
        issue_email,
        "render_to_string",
        lambda name, context: calls.append(name) or real(name, context),
    )
    email = IssueEmail.for_issue(issue)
    for _ in range(20):
        email.message_for(make_confirmed_subscriber())
    assert sorted(calls) == [
        "newsletters/email/issue/issue.html",
        "newsletters/email/issue/issue.txt",
    ]


def test_test_message_is_marked_and_removes_nobody(issue):
    message = IssueEmail.for_issue(issue).test_message("editor@example.org")
    assert message.subject.startswith("[Test] ")
    assert message.to == ["editor@example.org"]
    _text, html = parts(message)
    assert "/unsubscribe/test/" in html


def test_the_prebuilt_bytes_match_the_message_built_one_by_one(issue):
    """The worker sends bytes joined from a message serialized once; they
    must say exactly what message_for() says."""
    subscriber = make_confirmed_subscriber(name="Zoë <Ö>")
    email = IssueEmail.for_issue(issue)
    sender, recipient, raw = email.raw_for(subscriber)
    slow = email.message_for(subscriber)
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    expected = BytesParser(policy=policy.default).parsebytes(slow.message().as_bytes())
    assert recipient == subscriber.email == parsed["To"]
    assert sender == slow.from_email
    for header in ("Subject", "From", "List-Unsubscribe", "List-Unsubscribe-Post", "Message-ID"):
        assert str(parsed[header]).strip() == str(expected[header]).strip(), header
    assert parsed["Date"]
    text, html = parts(slow)
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert parsed.get_body(("html",)).get_content().replace("\r\n", "\n") == html
    assert "Dear Zoë &lt;Ö&gt;," in html
    assert all(part["Content-Transfer-Encoding"] == "8bit" for part in parsed.iter_parts())
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert b"@@" not in raw and b"placeholder.invalid" not in raw


def test_long_paragraphs_are_folded_without_changing_the_text(issue):
    words = " ".join(f"word{n}" for n in range(400))
    make_section(issue, title="Long", body=f"<p>{words}</p>")
    text, html = parts(IssueEmail.for_issue(issue).message_for(make_confirmed_subscriber()))
    assert max(len(line) for line in html.splitlines()) <= 998
    assert max(len(line) for line in text.splitlines()) <= 998
    assert " ".join(html.split()).count(words) == 1
    assert " ".join(text.split()).count(words) == 1
