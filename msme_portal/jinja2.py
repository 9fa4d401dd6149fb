"""The Jinja2 environment of the issue page's article and of the emails.

Django's template language renders every page; the article of an issue (its
masthead, table of contents, sections and lists) is rendered by Jinja2,
which compiles templates to Python functions. The article holds most of the
page's variables, about 700, and an uncached issue page spent more time in
the Django template engine than anywhere else. The emails, the issue's and
the account ones, are Jinja2 templates too (newsletters/mail/).

The templates live in `<app>/jinja2/`. Autoescaping is always on, and texts
are translated by Django's own gettext, so translations work as in the other
templates.
"""

from django.urls import reverse
from django.utils import dateformat, timezone, translation
from jinja2 import Environment


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


def date(value, format_string):
    """Django's `date` filter for a date or, in local time, a datetime."""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, format_string)


def environment(**options):
    options.pop("autoescape", None)  # Always on, whatever TEMPLATES says.
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # babel.cfg extracts the strings with the same options; keep them in step.
    env.install_gettext_translations(translation, newstyle=True)
    env.globals["url"] = url
    env.filters["date"] = date
    return env
