"""The issue email's styles: one stylesheet, newsletters/mail/email.css,
inlined into each element's `style` attribute when the email is rendered.

Most mail clients drop or ignore <style> elements, so the styles that carry
the layout and the colours are written onto the elements themselves. The
@media rules (phones, dark mode) cannot be inlined; they stay in a <style>
element for the clients that read one. The templates name classes only;
once inlined, the classes those rules do not name are taken out, as every
byte counts towards Gmail's clipping limit.
"""

import re
from functools import cache
from pathlib import Path

import css_inline

STYLESHEET_PATH = Path(__file__).with_name("email.css")
CLASS_ATTRIBUTE = re.compile(r' class="([^"]*)"')


@cache
def _classes_in_media_rules():
    stylesheet = STYLESHEET_PATH.read_text()
    media_rules = stylesheet[re.search(r"^@media", stylesheet, flags=re.MULTILINE).start() :]
    return frozenset(re.findall(r"\.([a-z][a-z0-9-]*)", media_rules))


def _keep_media_classes(match):
    kept = [name for name in match.group(1).split() if name in _classes_in_media_rules()]
    return f' class="{" ".join(kept)}"' if kept else ""


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
    return CLASS_ATTRIBUTE.sub(_keep_media_classes, _inliner().inline(html))
