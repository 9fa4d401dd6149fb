"""Where uploaded and generated media live: helpers over Django's storage API.

Media goes through `default_storage` only (never a file system path), so the
same code runs on the local file system and on an S3-compatible bucket
(settings STORAGES, docs/deployment.md "Uploaded media").
https://docs.djangoproject.com/en/5.2/ref/files/storage/
"""

import functools
from urllib.parse import urlsplit, urlunsplit

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver

# The storage API has no "base URL": ask for the URL of this name instead.
_PROBE_NAME = "probe"


def save_generated_file(name, content):
    """Store `content` (bytes) under exactly `name`, replacing what was there.

    For files the site makes itself and regenerates (sharing images, PDF
    editions): their name is stable, so links to them stay valid. Returns the
    stored name; `default_storage.url(name)` is its address.
    """
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content, name=name))


@functools.cache
def media_base_url():
    """The address the default storage serves files under: "/media/" on the
    local file system, "https://bucket.example.org/" (or the custom domain)
    on a bucket. Without the query string a signed URL carries."""
    parts = urlsplit(default_storage.url(_PROBE_NAME))
    path = parts.path.removesuffix(_PROBE_NAME)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def media_origin():
    """Scheme and host of the media storage ("https://bucket.example.org"), or
    "" when media is served by this site under a relative address."""
    parts = urlsplit(media_base_url())
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def is_stored_media_url(url):
    """True if `url` is the absolute address of a file in the media storage."""
    base = urlsplit(media_base_url())
    parts = urlsplit(url)
    return (
        bool(base.netloc)
        and (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
        and parts.path.startswith(base.path)
        and ".." not in parts.path
    )


@receiver(setting_changed)
def _forget_media_base_url(*, setting, **kwargs):
    # Tests switch STORAGES; a deployment sets it once.
    if setting in {"STORAGES", "MEDIA_URL"}:
        media_base_url.cache_clear()
