"""The project's one rich-text field type, and the sanitizer behind it.

Every model that stores formatted text uses `RichTextField` from here, so the
editor can be swapped in one place. Values are sanitized with nh3 (Ammonia)
on every save against an explicit allow-list, so stored HTML can never carry
script, event handlers, foreign frames or `javascript:`/`data:` URLs. A form
refuses an image without a text alternative unless it is marked decorative
(the class "decorative", which the sanitizer keeps and nothing else).
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from msme_portal.storage import is_stored_media_url

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "img", "figure", "figcaption", "hr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "class"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# An image that only decorates: screen readers skip it (alt="").
DECORATIVE_CLASS = "decorative"


def is_own_media_url(url):
    """True for images stored by this site (relative or under SITE_URL, or
    in the media storage's bucket)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        site = urlsplit(settings.SITE_URL)
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return is_stored_media_url(url)
    return parts.path.startswith(settings.MEDIA_URL) and ".." not in parts.path


def _filter_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src" and not is_own_media_url(value):
        return None
    if attribute in {"width", "height", "colspan", "rowspan", "start"} and not value.isdigit():
        return None
    if attribute == "class":
        return DECORATIVE_CLASS if DECORATIVE_CLASS in value.split() else None
    return value


def sanitize_html(html):
    """Return `html` reduced to the allow-list. Safe to mark safe afterwards."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener",
        strip_comments=True,
    ).strip()


class _ImagesWithoutText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        decorative = DECORATIVE_CLASS in (attributes.get("class") or "").split()
        if tag == "img" and not decorative and not (attributes.get("alt") or "").strip():
            self.sources.append((attributes.get("src") or "").rsplit("/", 1)[-1])


def images_without_text(html):
    """The file names of the images in `html` that have no text alternative
    and are not marked decorative."""
    parser = _ImagesWithoutText()
    parser.feed(html or "")
    parser.close()
    return parser.sources


class RichTextField(RichTextUploadingField):
    """Formatted text, edited with CKEditor in the admin, sanitized on save."""

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        missing = images_without_text(sanitize_html(value))
        if missing:
            raise ValidationError(
                _(
                    "Give each image a text alternative (%(images)s): in the image's "
                    "properties, describe it under “Alternative Text”. If it only decorates, "
                    "type decorative under Advanced → “Stylesheet classes” instead."
                ),
                code="image_without_text",
                params={"images": ", ".join(missing)},
            )

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
