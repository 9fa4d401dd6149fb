"""Search snippets and titles: words stay apart across blocks, and text is
cut at word boundaries with "…" where it was cut."""

import re

import pytest
from django.urls import reverse

from msme_portal.richtext import sanitize_html
from newsletters.models import SectionKind
from newsletters.search import MAX_TITLE_CHARS
from newsletters.search_snippets import highlight, plain_text, shorten
from tests.factories import make_issue, make_question, make_section

pytestmark = pytest.mark.django_db

# As the demo's "Digital Champions check-in" is stored: blocks side by side,
# with no white space between them.
CHAMPIONS_BODY = (
    "<p>It was such an honour having Ambassador Cancela give us an endorsement and support "
    "all the way from Uruguay.</p><p>The Tech-Driven Entrepreneur program equips MSMEs with "
    "the digital marketing skills required to</p><ul><li>a) be resilient in times of economic "
    "transition or crisis.</li><li>b) plan and implement a successful digital marketing "
    "strategy.</li></ul>"
)


def snippets(client, query):
    html = client.get(reverse("newsletters:search"), {"q": query}).content.decode()
    return [
        snippet.strip()
        for snippet in re.findall(r'<p class="result__snippet">(.*?)</p>', html, re.DOTALL)
    ]


def test_paragraphs_and_list_items_keep_their_words_apart():
    text = plain_text(CHAMPIONS_BODY)
    assert "from Uruguay. The Tech-Driven" in text
    assert "required to a) be resilient in times" in text
    assert "crisis. b) plan" in text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<h2>Heading</h2><p>Text</p>", "Heading Text"),
        ("one<br>two<br/>three", "one two three"),
        (
            "<table><tr><th>Economy</th><td>Chile</td><td>Peru</td></tr></table>",
            "Economy Chile Peru",
        ),
        ("<blockquote>Quoted</blockquote>After", "Quoted After"),
        (
            "<p>A <strong>bold</strong>word and <a href='#'>a link</a>.</p>",
            "A boldword and a link.",
        ),
        ("<p>Caf&eacute; &amp; bar</p>", "Café & bar"),
    ],
)
def test_plain_text_breaks_words_only_where_the_markup_does(markup, expected):
    assert plain_text(markup) == expected


def test_plain_text_reads_markup_as_the_sanitizer_writes_it():
    """A ">" in an attribute or in the text is an entity once sanitized, so
    the tags end where they seem to."""
    stored = sanitize_html(
        '<p>1 &lt; 2 &gt; 0 <a href="https://example.org/?a>b" title="x > y">link</a>'
        '<img src="https://example.org/a.png" alt="chart > table"> end</p>'
    )
    assert "&gt;" in stored
    assert plain_text(stored) == "1 < 2 > 0 link end"


def test_the_search_page_shows_the_blocks_apart(client):
    make_section(make_issue(), title="Digital Champions check-in", body=CHAMPIONS_BODY)

    (uruguay,) = snippets(client, "Uruguay")
    (resilient,) = snippets(client, "resilient")

    assert "all the way from <mark>Uruguay</mark>. The Tech-Driven Entrepreneur" in uruguay
    assert "skills required to a) be <mark>resilient</mark> in times" in resilient
    assert "Uruguay.The" not in uruguay and "toa)" not in resilient


def test_a_snippet_is_cut_at_word_boundaries_with_ellipses():
    text = (
        " ".join(f"word{n}" for n in range(100))
        + " needle "
        + " ".join(f"tail{n}" for n in range(100))
    )
    snippet = str(highlight(text, ["needle"], length=60))
    # A third of the length before the match, whole words only.
    assert snippet == ("… word97 word98 word99 <mark>needle</mark> tail0 tail1 tail2 tail3 tail4 …")


def test_a_snippet_that_ends_on_a_word_end_keeps_that_word():
    assert str(highlight("alpha beta gamma delta", ["alpha"], length=10)) == (
        "<mark>alpha</mark> beta …"
    )


def test_a_short_text_is_not_cut():
    assert str(highlight("Trade and small business.", ["trade"])) == (
        "<mark>Trade</mark> and small business."
    )


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("How do small firms reach customers abroad?", 25) == "How do small firms reach…"
    assert shorten("How do small firms reach customers abroad?", 24) == "How do small firms…"
    assert shorten("Short enough", 25) == "Short enough"
    assert shorten("Unbreakablelongword", 10) == "Unbreakab…"


def test_a_long_interview_question_is_shortened_with_an_ellipsis(client):
    interview = make_section(make_issue(), kind=SectionKind.INTERVIEW, title="MSME Voices")
    question = "What did exporting teach you " + "about markets and customers " * 10 + "abroad?"
    make_question(interview, question=question, answer="<p>Patience.</p>")

    html = client.get(reverse("newsletters:search"), {"q": "patience"}).content.decode()

    title = re.search(r'<h2 class="result__title"><a [^>]*>(.*?)</a>', html).group(1)
    assert title == shorten(f"MSME Voices: {question}", MAX_TITLE_CHARS)
    assert title.endswith(" and…") and len(title) <= MAX_TITLE_CHARS
