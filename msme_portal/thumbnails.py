"""Reduced WebP copies of uploaded images, for the public pages.

A thumbnail is made on first use and stored next to its original, through
the image field's storage (the local file system or a bucket: see
msme_portal/storage.py), as "name.<width>w.webp". When an image is replaced
or removed, its thumbnails are deleted; the original file stays, because
emails already sent link to it.
"""

import functools
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import urljoin

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.signals import pre_save
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

PORTRAIT_WIDTH = 240
SECTION_IMAGE_WIDTH = 720
COVER_WIDTH = 480
WIDTHS = (PORTRAIT_WIDTH, SECTION_IMAGE_WIDTH, COVER_WIDTH)


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int

    @property
    def absolute_url(self):
        """For Open Graph tags: the storage's URL may already be absolute."""
        return urljoin(settings.SITE_URL + "/", self.url)


def thumbnail_name(name, width):
    """ "sections/ab12.png" at 240 pixels is "sections/ab12.240w.webp"."""
    path = PurePosixPath(name)  # a storage name, not a file system path
    return str(path.with_name(f"{path.stem}.{width}w.webp"))


def thumbnail(image_field, width):
    """A WebP copy of `image_field` at most `width` pixels wide.

    Returns None when the original is missing or unreadable, so a lost file
    never breaks a page.
    """
    if not image_field:
        return None
    try:
        name, thumb_width, thumb_height = stored_thumbnail(
            image_field.storage, image_field.name, width
        )
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("Could not make a thumbnail of %s", image_field.name, exc_info=True)
        return None
    return Thumbnail(image_field.storage.url(name), thumb_width, thumb_height)


# Each process remembers the thumbnails it has found or made: on a bucket,
# looking one up again would cost requests on every page view. An entry never
# goes stale in use: a replaced image has a new name, so its new thumbnails
# do too.
@functools.lru_cache(maxsize=4096)
def stored_thumbnail(storage, original_name, width):
    """(name, width, height) of the thumbnail of `original_name` in `storage`,
    made now if it is not there."""
    thumb_name = thumbnail_name(original_name, width)
    if storage.exists(thumb_name):
        with storage.open(thumb_name, "rb") as thumb, Image.open(thumb) as image:
            return (thumb_name, *image.size)
    with storage.open(original_name, "rb") as original, Image.open(original) as image:
        # JPEG decodes straight to a reduced size: big photos stay cheap.
        image.draft("RGB", (width, width * 3))
        small = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    small.thumbnail((width, width * 3))
    buffer = BytesIO()
    small.save(buffer, "WEBP", quality=82)
    return (storage.save(thumb_name, ContentFile(buffer.getvalue())), *small.size)


def delete_thumbnails(storage, name):
    for width in WIDTHS:
        storage.delete(thumbnail_name(name, width))


def delete_replaced_thumbnails(sender, instance, update_fields=None, **kwargs):
    """pre_save: delete the thumbnails of every image this save replaces or
    removes. Were the save to fail, the next page view makes them again."""
    if instance.pk is None:
        return
    fields = [
        field
        for field in sender._meta.get_fields()
        if isinstance(field, models.FileField)
        and (update_fields is None or field.name in update_fields)
    ]
    if not fields:
        return
    stored = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list(*(field.attname for field in fields))
        .first()
    )
    if stored is None:
        return
    for field, old_name in zip(fields, stored, strict=True):
        if old_name and old_name != getattr(instance, field.attname).name:
            try:
                delete_thumbnails(field.storage, old_name)
            except Exception:
                # An unreachable store must not stop the edit: the old copies
                # are only left over, never shown.
                logger.warning("Could not delete the thumbnails of %s", old_name, exc_info=True)


def delete_replaced_thumbnails_of(*models):
    """Connect the thumbnail clean-up to each model's saves: apps call it
    from their AppConfig.ready() with the models whose images are shown."""
    for model in models:
        pre_save.connect(
            delete_replaced_thumbnails,
            sender=model,
            dispatch_uid=f"thumbnails-{model._meta.label_lower}",
        )
