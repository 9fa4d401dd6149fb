"""The issue email's styles: one stylesheet, newsletters/mail/email.css,
inlined into each element's `style` attribute when the email is rendered.

Most mail clients drop or ignore <style> elements, so the styles that carry
the layout and the colours are written onto the elements themselves. The
@media rules (phones, dark mode) cannot be inlined; they stay in a <style>
element for the clients that read one. The templates name classes only.
"""

from functools import cache
from pathlib import Path

import css_inline

STYLESHEET_PATH = Path(__file__).with_name("email.css")


@cache
def _inliner():
    return css_inline.CSSInliner(
        keep_at_rules=True,
        minify_css=True,
        load_remote_stylesheets=False,
        extra_css=STYLESHEET_PATH.read_text(),
    )


def inline_styles(html):
    """`html`, a whole document, with the stylesheet's rules in its elements'
    `style` attributes and its @media rules in a <style> element."""
    return _inliner().inline(html)
