"""Text without control characters, in every text field of the project's apps.

A control character (vertical tab, form feed, escape...) pasted into a title
is invisible in the admin, but XML 1.0 cannot carry it, so the RSS and Atom
feeds would fail for everyone. Such characters are dropped, never refused:
nobody types them on purpose, and an error about an invisible character
would only puzzle staff. Tab, line feed and carriage return are kept in
multi-line fields (TextField and its kinds, rich text included) and become a
space in single-line ones (CharField and its kinds: slugs, emails, URLs).
Vertical tab, form feed and NEL are line breaks (a word processor's manual
line break is a vertical tab), so they become a line feed, or a space.

`clean_text_fields()` makes each such field of a model clean its values in
`to_python()`, which Django calls both when a form or `full_clean()` cleans
the field (so uniqueness and length are checked on the clean value) and when
any value is prepared for the database (`save()`, `QuerySet.update()`,
`bulk_create()`, lookups). `MsmePortalConfig.ready()` applies it to the
models of the project's own apps. Rows written past the ORM (raw SQL) can
still hold such characters: whatever renders XML cleans its text too (the
feeds use `clean_text`).
"""

import re

from django.db import models

# XML 1.0 allows tab, LF, CR, U+0020 to U+D7FF, U+E000 to U+FFFD and U+10000
# upwards (https://www.w3.org/TR/xml/#charsets). DEL and the C1 controls
# (U+007F to U+009F) are allowed but just as invisible: they go too.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x85]")
# With the spaces around them, so "one \n two" becomes "one two", and
# "Chile\n" becomes "Chile", not "Chile ".
LINE_BREAKS_AND_TABS = re.compile(r" *[\t\n\r][\t\n\r ]*")
EDGE_LINE_BREAKS_AND_TABS = re.compile(r"^ *[\t\n\r][\t\n\r ]*|[\t\n\r ]*[\t\n\r] *$")


def clean_text(text, *, multi_line=True):
    """`text` without control characters; unless `multi_line`, tabs and line
    breaks (with the spaces around them) become one space, or nothing at
    either end."""
    text = NOT_TEXT.sub("", OTHER_LINE_BREAKS.sub("\n", text))
    if not multi_line:
        text = LINE_BREAKS_AND_TABS.sub(" ", EDGE_LINE_BREAKS_AND_TABS.sub("", text))
    return text


def _cleaning(to_python, *, multi_line):
    def to_python_without_control_characters(value):
        value = to_python(value)
        return clean_text(value, multi_line=multi_line) if isinstance(value, str) else value

    to_python_without_control_characters.cleans_text = True
    return to_python_without_control_characters


def clean_text_fields(model):
    """Make every CharField and TextField declared on `model` drop control
    characters from its values. The fields' definitions (and so migrations)
    do not change."""
    for field in model._meta.local_concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if getattr(field.to_python, "cleans_text", False):
            continue
        multi_line = isinstance(field, models.TextField)
        field.to_python = _cleaning(field.to_python, multi_line=multi_line)
