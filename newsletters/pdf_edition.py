"""The PDF edition of an issue: the same content as the web page (the
issue-page module builds it), typeset for A4 by WeasyPrint as a tagged,
accessible PDF (PDF/UA-1), with the document's language and title, one
bookmark per section, working links and the site's own fonts embedded.

`pdf_bytes(issue, language)` makes it. WeasyPrint reads nothing from the
network: images and stylesheets are read from the storage and the static
files (`LocalFiles`), and an address anywhere else is refused.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template import loader
from django.utils import translation
from PIL import ImageFile

# Importing WeasyPrint makes Pillow accept truncated images in the whole
# process (weasyprint/images.py); uploads must still refuse them
# (msme_portal/images.py), and the images the PDF shows were re-encoded on
# upload, so the setting is put back.
_LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

ImageFile.LOAD_TRUNCATED_IMAGES = _LOAD_TRUNCATED_IMAGES

from newsletters.issue_page import build_page  # noqa: E402

STYLESHEETS = ["css/fonts.css", "css/pdf.css"]


def pdf_html(issue, language):
    """The HTML the PDF edition of `issue` in `language` is typeset from."""
    with translation.override(language):
        page = build_page(issue)
        return loader.render_to_string(
            "newsletters/pdf/issue.html",
            {**page.template_context(), "site_url": settings.SITE_URL},
            using="jinja2",
        )


def typeset(html):
    """The PDF/UA-1 document of `html` (from `pdf_html`), as bytes."""
    fetcher = LocalFiles()
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher)
    stylesheets = [
        CSS(filename=finders.find(name), url_fetcher=fetcher, font_config=fonts)
        for name in STYLESHEETS
    ]
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts, pdf_variant="pdf/ua-1")


def pdf_bytes(issue, language):
    """The PDF edition of `issue` in `language`, as bytes."""
    return typeset(pdf_html(issue, language))


class LocalFiles(URLFetcher):
    """Media from the storage, the site's static files (stylesheets, fonts)
    from the finders or their folders: nothing from the network."""

    def fetch(self, url, headers=None):
        site_path = url.removeprefix(settings.SITE_URL) if url.startswith(settings.SITE_URL) else ""
        if site_path.startswith(settings.MEDIA_URL):
            name = unquote(urlsplit(site_path.removeprefix(settings.MEDIA_URL)).path)
            with default_storage.open(name) as stored:
                body = stored.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if site_path.startswith(settings.STATIC_URL):
            name = unquote(urlsplit(site_path.removeprefix(settings.STATIC_URL)).path)
            found = finders.find(name)
            if found:
                return super().fetch(Path(found).as_uri())
        if url.startswith("file:") and is_static_file(unquote(urlsplit(url).path)):
            return super().fetch(url)
        raise ValueError(f"The PDF edition reads no file from {url}")


def is_static_file(path):
    """A file of the project's static folders (the stylesheets and fonts)."""
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(Path(root).resolve()) for root in settings.STATICFILES_DIRS)
