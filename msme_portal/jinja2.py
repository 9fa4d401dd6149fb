"""The Jinja2 environment of everything the public sees: the pages and the emails.

Templates live in `jinja2/` folders: the site's shell and error pages in
`msme_portal/jinja2/`, each app's pages and emails in `<app>/jinja2/<app>/`.
Django's template language is left to the admin (`templates/` folders) and
to the form widgets, which render themselves.

Jinja2 compiles templates to Python functions: an issue page has about 700
variables, and the Django template engine was the largest cost of an
uncached one. Autoescaping is always on, and texts are translated by
Django's own gettext, so translations work as in the admin.
"""

from django.templatetags.static import static
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
    env.globals.update(url=url, static=static, get_language=translation.get_language)
    env.filters["date"] = date
    return env
