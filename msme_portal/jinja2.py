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

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils import dateformat, timezone, translation
from jinja2 import Environment, pass_environment
from markupsafe import Markup, escape

from msme_portal.document_symbols import link_document_symbols

# Open Graph wants language_TERRITORY; the site's languages have no territory.
OG_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}


# Every page's shell links the same dozen addresses and static files, and
# reversing an address costs more than the rest of a line of template: they
# are worked out once per process for each language, script prefix and URL
# configuration they depend on. The URL patterns and the static files'
# manifest do not change while a process runs; tests that change the
# settings they come from clear these (forget_addresses below).
ADDRESSES_KEPT = 4096


def url(name, **kwargs):
    try:
        return _address(
            name,
            tuple(sorted(kwargs.items())),
            translation.get_language(),
            get_script_prefix(),
            get_urlconf(settings.ROOT_URLCONF),
        )
    except TypeError:  # An argument that cannot be a key: nothing to keep.
        return reverse(name, kwargs=kwargs)


@functools.lru_cache(maxsize=ADDRESSES_KEPT)
def _address(name, kwargs, language, script_prefix, urlconf):
    return reverse(name, kwargs=dict(kwargs))


@functools.lru_cache(maxsize=ADDRESSES_KEPT)
def static_address(path):
    return static(path)


# A page's texts are translated again on every render: about a hundred
# gettext calls for the guides page, each a look-up in Django's catalogues
# that costs more than the line around it. The catalogues do not change
# while a process runs (tests that change the settings they come from clear
# this, below). Bounded, as a template may translate a value it was given.
TRANSLATIONS_KEPT = 8192


def gettext(message):
    return _translated(translation.get_language(), message)


@functools.lru_cache(maxsize=TRANSLATIONS_KEPT)
def _translated(language, message):
    return translation.gettext(message)


# The shell's head links, masthead and footer are the same on every page of
# a language (the masthead also marks the section shown): about two thirds
# of the time a page's shell took, rendered once per process for each
# language and section. They show only addresses, static files and texts,
# which do not change while a process runs (above), so nothing expires.
# While templates are being edited (Jinja2's auto_reload) they are rendered
# every time.
FRAGMENTS_KEPT = 256


@pass_environment
def shared_fragment(env, name, **context):
    """Template `name` rendered with `context` (values used as a key) alone,
    in the active language."""
    if env.auto_reload:
        return Markup(env.get_template(name).render(context))  # noqa: S704  (rendered escaped)
    return _fragment(
        env,
        name,
        tuple(sorted(context.items())),
        translation.get_language(),
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
    )


@functools.lru_cache(maxsize=FRAGMENTS_KEPT)
def _fragment(env, name, context, language, script_prefix, urlconf):
    return Markup(env.get_template(name).render(dict(context)))  # noqa: S704  (rendered escaped)


@receiver(setting_changed)
def forget_addresses(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "LANGUAGES", "STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        _address.cache_clear()
        static_address.cache_clear()
        _language_versions.cache_clear()
        _fragment.cache_clear()
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _translated.cache_clear()
        _fragment.cache_clear()


def date(value, format_string):
    """Django's `date` filter for a date or, in local time, a datetime."""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, format_string)


def document_links(value):
    """Rich text with its WTO document symbols linked to their pages in the
    active language (msme_portal/document_symbols.py). Only what is marked
    safe keeps its markup, `{{ section.body|safe|document_links }}`: any
    other value is escaped first, as it would have been without the filter."""
    if not value:
        return ""
    linked = link_document_symbols(escape(value), translation.get_language())
    return Markup(linked)  # noqa: S704  (escaped or safe already; links built escaped)


def language_versions(request):
    """The page in each of the site's languages, for the language switcher
    and the hreflang alternates: dicts of code, name (in that language),
    path, og_locale and current, worked out once per address and language.
    A page that has no version per language (an error page) links each
    language's home page instead."""
    return _language_versions(
        request.get_full_path(),
        translation.get_language(),
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
    )


# Keyed by the address asked for, which anyone can vary: a bounded number.
@functools.lru_cache(maxsize=ADDRESSES_KEPT)
def _language_versions(path, current, script_prefix, urlconf):
    versions = []
    for code, _name in settings.LANGUAGES:
        other = translate_url(path, code)
        if other == path and code != current:
            other = f"{get_script_prefix()}{code}/"
        versions.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"].capitalize(),
                "path": other,
                "og_locale": OG_LOCALES.get(code, code),
                "current": code == current,
            }
        )
    return tuple(versions)  # Shared by the requests for this address: not to be changed.


def environment(**options):
    options.pop("autoescape", None)  # Always on, whatever TEMPLATES says.
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # babel.cfg extracts the strings with the same options; keep them in step.
    env.install_gettext_callables(
        gettext=gettext,
        ngettext=translation.ngettext,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
        newstyle=True,
    )
    env.globals.update(
        url=url,
        static=static_address,
        get_language=translation.get_language,
        language_versions=language_versions,
        shared_fragment=shared_fragment,
        DEFAULT_LANGUAGE=settings.LANGUAGE_CODE,
    )
    env.filters["date"] = date
    env.filters["document_links"] = document_links
    # Django's, in the page's language ("118.6 KB", "118,6 Ko").
    env.filters["filesizeformat"] = filesizeformat
    return env
