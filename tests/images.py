"""Test images built with Pillow (or by hand, for files Pillow would refuse
to write), shared by the upload, admin, page and browser tests, and a way to
post one to the rich-text editor's upload endpoint."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script></svg>"
)


def image_bytes(image_format="PNG", size=(40, 30), mode=None, color=0, **save_options):
    """A plain picture in `image_format`; the mode defaults to one the format
    can hold (RGB for JPEG, a palette for GIF, RGBA otherwise)."""
    if mode is None:
        mode = "RGB" if image_format == "JPEG" else "RGBA" if image_format != "GIF" else "P"
    buffer = BytesIO()
    Image.new(mode, size, color=color).save(buffer, image_format, **save_options)
    return buffer.getvalue()


def _png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_header_only(width, height):
    """A PNG that claims `width` × `height` pixels but holds no pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")


def gif_with_html():
    """A GIF Pillow accepts, carrying an HTML page in a comment block."""
    return image_bytes("GIF", comment=b"<html><script>alert(document.cookie)</script></html>")


# The rich-text editor's upload endpoint, with the CSRF token CKEditor sends

TOKEN = "k" * 40
UPLOAD_URL = "/editor/upload/"


def post_upload(client, data, name="photo.png", *, token=TOKEN, cookie=TOKEN, query="", **headers):
    if cookie is not None:
        client.cookies["ckCsrfToken"] = cookie
    else:
        client.cookies.pop("ckCsrfToken", None)
    form = {"upload": SimpleUploadedFile(name, data, content_type="image/png")}
    if token is not None:
        form["ckCsrfToken"] = token
    headers.setdefault("HTTP_ORIGIN", "http://testserver")
    return client.post(UPLOAD_URL + query, form, **headers)
