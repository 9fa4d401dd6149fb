"""Validation and naming of uploaded images.

An upload is accepted only if Pillow can decode it as JPEG, PNG, WebP or GIF,
it is at most MAX_IMAGE_UPLOAD_BYTES, and its pixel count is at most
MAX_IMAGE_PIXELS. The size is read from the header before anything is
decoded, so decompression bombs are refused without being expanded.
"""

import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

EXTENSION_BY_FORMAT = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# Markup inside an image file makes it an HTML/image polyglot: a browser that
# sniffs it could run it. Real images do not contain these.
MARKUP_PATTERN = re.compile(rb"<\s*(script|html|svg|body|iframe|object|embed|!doctype)", re.I)


def _read_all(file):
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def detect_image_format(file):
    """Validate `file` and return its Pillow format name ("JPEG", "PNG", ...)."""
    size = getattr(file, "size", None)
    if size is None:
        size = len(_read_all(file))
    if size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            _("This image is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={
                "size": round(size / 1024 / 1024, 1),
                "limit": settings.MAX_IMAGE_UPLOAD_BYTES // 1024 // 1024,
            },
        )
    data = _read_all(file)
    if MARKUP_PATTERN.search(data):
        raise ValidationError(
            _("This file contains markup and is not accepted as an image."), code="markup"
        )
    try:
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in EXTENSION_BY_FORMAT:
                raise ValidationError(
                    _("Upload a JPEG, PNG, WebP or GIF image."), code="bad_format"
                )
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s "
                      "million pixels."),
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.MAX_IMAGE_PIXELS // 1_000_000,
                    },
                )  # fmt: skip
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a valid image. Upload a JPEG, PNG, WebP or GIF image."),
            code="invalid_image",
        ) from None
    finally:
        file.seek(0)
    return image_format


def validate_image(file):
    detect_image_format(file)


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
