"""Rich text made fit for email: HTML with absolute addresses, and plain text."""

from newsletters.mail.rich_text import email_html, html_to_text

SITE = "https://newsletter.example.org"


def test_rich_text_rewriting_drops_script_and_handlers():
    html = email_html(
        '<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a>'
        '<img src="pic.png" style="width:9000px"></p>',
        f"{SITE}/issues/one/",
    )
    assert "script" not in html
    assert "onclick" not in html
    assert "javascript" not in html
    assert f'src="{SITE}/issues/one/pic.png"' in html
    assert 'alt=""' in html
    # No style of its own: the email's stylesheet styles rich text.
    assert "style=" not in html


def test_html_to_text_keeps_lists_and_links():
    text = html_to_text(
        '<p>One &amp; two</p><ul><li>First</li><li><a href="/x/">Second</a></li></ul>',
        f"{SITE}/",
    )
    assert text == f"One & two\n\n- First\n- Second <{SITE}/x/>"
