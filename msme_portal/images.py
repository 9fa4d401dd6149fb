"""Validation, re-encoding and naming of uploaded images.

Every uploaded image, whether through an image field in the admin or the
rich-text editor, goes through `clean_image()`. It is accepted only if

- it is at most MAX_IMAGE_UPLOAD_BYTES;
- no HTML, SVG or XML markup appears anywhere in the file (`find_markup`);
- Pillow reads its header as a still JPEG, PNG, GIF or WebP image of at most
  MAX_IMAGE_PIXELS. The header is checked before anything is decoded, so a
  decompression bomb costs nothing; a larger JPEG of up to four times the
  limit is decoded at half its size with Pillow's draft mode, which makes
  libjpeg do the reduction while it decodes;
- it decodes completely.

What is stored is not the upload but the decoded picture, turned upright by
its EXIF orientation and encoded again in its own format by Pillow. Only the
pixels, the colour profile and the transparency survive: the EXIF data (GPS
position, camera, author), comments, text chunks, XMP and anything appended
to the file are gone. Animated images are refused rather than flattened to
their first frame without a word. See docs/security.md.
"""

import re
import uuid
import weakref
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

EXTENSION_BY_FORMAT = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# libjpeg can decode a JPEG at 1/2, 1/4 or 1/8 of its size (Pillow's draft
# mode); we use 1/2 only, so a camera's 24 or 48 megapixel photo is accepted
# at a quarter of its pixels while the entropy decoding, which still reads
# every block, stays cheap.
JPEG_DRAFT_SCALE = 2

# Element names of HTML (current and obsolete) and SVG, in lower case.
MARKUP_ELEMENTS = {
    "a", "abbr", "acronym", "address", "animate", "animatemotion", "animatetransform",
    "applet", "area", "article", "aside", "audio", "b", "base", "basefont", "bdi",
    "bdo", "bgsound", "big", "blink", "blockquote", "body", "br", "button", "canvas",
    "caption", "center", "circle", "cite", "clippath", "code", "col", "colgroup",
    "data", "datalist", "dd", "defs", "del", "desc", "details", "dfn", "dialog", "dir",
    "div", "dl", "dt", "ellipse", "em", "embed", "feblend", "fecolormatrix",
    "fecomponenttransfer", "fecomposite", "feconvolvematrix", "fediffuselighting",
    "fedisplacementmap", "fedistantlight", "fedropshadow", "feflood", "fefunca",
    "fefuncb", "fefuncg", "fefuncr", "fegaussianblur", "feimage", "femerge",
    "femergenode", "femorphology", "feoffset", "fepointlight", "fespecularlighting",
    "fespotlight", "fetile", "feturbulence", "fieldset", "figcaption", "figure",
    "filter", "font", "footer", "foreignobject", "form", "frame", "frameset", "g", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i",
    "iframe", "image", "img", "input", "ins", "isindex", "kbd", "keygen", "label",
    "legend", "li", "line", "lineargradient", "link", "listing", "main", "map", "mark",
    "marker", "marquee", "mask", "math", "menu", "menuitem", "meta", "metadata",
    "meter", "mpath", "nav", "nobr", "noembed", "noframes", "noscript", "object", "ol",
    "optgroup", "option", "output", "p", "param", "path", "pattern", "picture",
    "plaintext", "polygon", "polyline", "portal", "pre", "progress", "q",
    "radialgradient", "rb", "rect", "rp", "rt", "rtc", "ruby", "s", "samp", "script",
    "search", "section", "select", "set", "slot", "small", "source", "span", "stop",
    "strike", "strong", "style", "sub", "summary", "sup", "svg", "switch", "symbol",
    "table", "tbody", "td", "template", "text", "textarea", "textpath", "tfoot", "th",
    "thead", "time", "title", "tr", "track", "tspan", "tt", "u", "ul", "use", "var",
    "video", "view", "wbr", "xmp"
}  # fmt: skip


def _alternatives(names):
    return b"|".join(re.escape(name.encode()) for name in sorted(names, key=len, reverse=True))


_LONG_NAMES = _alternatives(name for name in MARKUP_ELEMENTS if len(name) >= 4)
_SHORT_NAMES = _alternatives(name for name in MARKUP_ELEMENTS if len(name) <= 3)
# Attributes that make even a plain element act: event handlers, links,
# sources, styles, form targets and a meta refresh.
_ACTIVE_ATTRIBUTES = (
    rb"on[a-z]{3,}|href|xlink:href|src|srcdoc|style|action|formaction|data|http-equiv"
    rb"|background|poster"
)

# Tags as a browser's HTML parser reads them, written so that the random-
# looking bytes of compressed pixels practically never match (a test scans
# noise photos and random bytes): an element name of four letters or more
# followed by what ends a tag name (`<script>`, `<meta `, `<style>`,
# `<form `), or a shorter one (`<a`, `<b`, `<img`, `<svg`) carrying an
# attribute that acts (`<img src=x onerror=…>`, `<svg/onload=…>`), since
# without one a short tag does nothing and `<b`, `<p`, `<a` followed by one
# of seven bytes occur every few hundred kilobytes of random data; and
# doctypes, CDATA sections and XML declarations. A lone comment opening
# (`<!--`) does nothing either, and four bytes turn up by chance every 4 GB
# or so of a photo's data: it is not looked for.
MARKUP_PATTERN = re.compile(
    rb"<(?:!doctype|!\[cdata\[|\?xml"
    rb"|/?(?:" + _LONG_NAMES + rb")[\t\n\f\r />]"
    rb"|/?(?:" + _SHORT_NAMES + rb")[\t\n\f\r /][^<>]{0,200}?"
    rb"(?<=[\t\n\f\r /\"'])(?:" + _ACTIVE_ATTRIBUTES + rb")[\t\n\f\r ]*="
    rb")",
    re.IGNORECASE,
)


def find_markup(data):
    """The first piece of markup in `data` (bytes), or None."""
    match = MARKUP_PATTERN.search(data)
    return match.group() if match else None


@dataclass(frozen=True)
class CleanImage:
    """An upload, re-encoded: what gets stored."""

    data: bytes
    format: str  # Pillow's name: "JPEG", "PNG", "WEBP" or "GIF"
    width: int
    height: int

    @property
    def extension(self):
        return EXTENSION_BY_FORMAT[self.format]

    def as_file(self):
        """A file to give Django's storage (its name only carries the extension)."""
        return ContentFile(self.data, name=f"image.{self.extension}")


def _read_within_limit(file):
    size = getattr(file, "size", None)
    if size is not None and size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise _too_large(size)
    file.seek(0)
    # One byte over the limit is enough to know, whatever `size` claimed.
    data = file.read(settings.MAX_IMAGE_UPLOAD_BYTES + 1)
    file.seek(0)
    if len(data) > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise _too_large(size or len(data))
    return data


def _too_large(size):
    return ValidationError(
        _("This image is %(size)s MB; the limit is %(limit)s MB."),
        code="too_large",
        params={
            "size": round(size / 1024 / 1024, 1),
            "limit": settings.MAX_IMAGE_UPLOAD_BYTES // 1024 // 1024,
        },
    )


def _markup_error():
    return ValidationError(
        _(
            "This file contains markup (HTML, SVG or XML) and is not accepted as an "
            "image. Export the picture again from an image editor and upload that."
        ),
        code="markup",
    )


def _invalid_image():
    return ValidationError(
        _("This file is not a valid image. Upload a JPEG, PNG, WebP or GIF image."),
        code="invalid_image",
    )


def _too_many_pixels(width=None, height=None):
    limit = round(settings.MAX_IMAGE_PIXELS / 1_000_000, 1)
    if width is None:
        return ValidationError(
            _("This image has far too many pixels; the limit is %(limit)s million pixels."),
            code="too_many_pixels",
            params={"limit": limit},
        )
    return ValidationError(
        _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s million pixels."),
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": limit},
    )


def _decode(image):
    """Check the header of an opened image, then decode it within the limits."""
    if image.format not in EXTENSION_BY_FORMAT:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="bad_format")
    if getattr(image, "is_animated", False):
        raise ValidationError(
            _("Animated images are not accepted. Upload a still image."), code="animated"
        )
    width, height = image.size
    limit = settings.MAX_IMAGE_PIXELS
    if width * height > limit:
        if image.format != "JPEG" or width * height > limit * JPEG_DRAFT_SCALE**2:
            raise _too_many_pixels(width, height)
        requested = (width // JPEG_DRAFT_SCALE, height // JPEG_DRAFT_SCALE)
        image.draft(image.mode, requested)
        if image.size[0] * image.size[1] > limit:
            raise _too_many_pixels(width, height)
    image.load()


def _encodings(image_format):
    """Save options to try in turn: if the compressed pixels of one happen to
    look like a tag, another compresses them differently."""
    if image_format == "JPEG":
        return [{"quality": quality} for quality in (90, 89, 88)]
    if image_format == "WEBP":
        return [{"quality": quality} for quality in (90, 89, 88)]
    if image_format == "PNG":
        return [{"compress_level": level} for level in (6, 9, 1)]
    return [{"interlace": False}, {"interlace": True}]


def _encode(picture, image_format, kept):
    for options in _encodings(image_format):
        buffer = BytesIO()
        picture.save(buffer, image_format, **kept, **options)
        data = buffer.getvalue()
        if find_markup(data) is None:
            return data
    raise _markup_error()


def clean_image(file):
    """Validate an uploaded image file and return it re-encoded, as a CleanImage.

    Raises ValidationError with a message staff can act on.
    """
    data = _read_within_limit(file)
    if find_markup(data) is not None:
        raise _markup_error()
    try:
        with Image.open(BytesIO(data)) as image:
            image_format = image.format
            _decode(image)
            # What survives re-encoding: the colour profile and transparency.
            kept = {
                key: image.info[key]
                for key in ("icc_profile", "transparency")
                if image.info.get(key) is not None
            }
            ImageOps.exif_transpose(image, in_place=True)
            # Pillow falls back on `info` for some metadata when saving (a
            # JPEG's comment, a GIF's extensions): leave none there.
            image.info = {}
            encoded = _encode(image, image_format, kept)
            width, height = image.size
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _invalid_image() from None
    return CleanImage(encoded, image_format, width, height)


# Form validation and the model's save see the same upload: validate_image()
# keeps its cleaned version here so that saving does not decode it again.
_cleaned_uploads = weakref.WeakKeyDictionary()


def validate_image(file):
    """Validator of image fields; `replace_uploads_with_clean_images` stores
    what it produced."""
    cleaned = clean_image(file)
    if isinstance(file, FieldFile) and not file._committed:
        _cleaned_uploads[file.file] = cleaned


def replace_uploads_with_clean_images(sender, instance, **kwargs):
    """pre_save receiver: each new file in the instance's image fields is
    replaced by its re-encoded version, named with the extension of its
    format, before the field hands it to its storage."""
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.ImageField):
            continue
        field_file = getattr(instance, field.attname)
        if not field_file or field_file._committed:
            continue
        upload = field_file.file
        cleaned = _cleaned_uploads.pop(upload, None) or clean_image(upload)
        replacement = cleaned.as_file()
        field_file.file = replacement
        field_file.name = replacement.name


def detect_image_format(file):
    """Validate `file` and return its Pillow format name ("JPEG", "PNG", ...)."""
    return clean_image(file).format


@deconstructible
class RandomImageName:
    """upload_to callable: store under `folder/` with a random name."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        return random_upload_name(filename, folder=self.folder)

    def __eq__(self, other):
        return isinstance(other, RandomImageName) and other.folder == self.folder


def random_upload_name(filename, request=None, folder=""):
    """A random file name keeping only a known image extension.

    Also used as CKEDITOR_FILENAME_GENERATOR (called with the request).
    """
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if extension == "jpeg":
        extension = "jpg"
    if extension not in EXTENSION_BY_FORMAT.values():
        extension = "bin"
    name = f"{uuid.uuid4().hex}.{extension}"
    return f"{folder.rstrip('/')}/{name}" if folder else name
