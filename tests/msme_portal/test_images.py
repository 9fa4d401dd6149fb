"""Uploaded images: only real JPEG, PNG, WebP and GIF files of sane size."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from msme_portal.images import (
    RandomImageName,
    detect_image_format,
    random_upload_name,
    validate_image,
)

PILLOW_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def image_bytes(image_format="PNG", size=(40, 30), **save_options):
    buffer = BytesIO()
    mode = "RGB" if image_format == "JPEG" else "RGBA" if image_format != "GIF" else "P"
    Image.new(mode, size, color=0).save(buffer, image_format, **save_options)
    return buffer.getvalue()


def upload(data, name="picture.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


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


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script></svg>"
)

BAD_FILES = {
    "not an image": (b"%PDF-1.4 definitely not a picture", "error_code_any"),
    "svg": (SVG, "markup"),
    "html/gif polyglot": (gif_with_html(), "markup"),
    "html pretending to be a png": (b"<!DOCTYPE html><p>hi</p>", "markup"),
    "truncated png": (image_bytes("PNG")[:60], "invalid_image"),
}


@pytest.mark.parametrize("image_format", sorted(PILLOW_FORMATS))
def test_real_images_are_accepted_with_their_format(image_format):
    file = upload(image_bytes(image_format), name=f"x.{PILLOW_FORMATS[image_format]}")
    assert detect_image_format(file) == image_format
    # The file is rewound so it can be saved afterwards.
    assert file.tell() == 0


@pytest.mark.parametrize("label", sorted(BAD_FILES))
def test_files_that_are_not_plain_images_are_refused(label):
    data, code = BAD_FILES[label]
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload(data))
    if code != "error_code_any":
        assert excinfo.value.code == code
    assert excinfo.value.messages  # a message staff can read


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024
    data = image_bytes("PNG") + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        detect_image_format(upload(data))
    assert excinfo.value.code == "too_large"
    assert "10 MB" in excinfo.value.messages[0]


def test_an_image_with_too_many_pixels_is_refused_from_its_header(settings):
    settings.MAX_IMAGE_PIXELS = 40_000_000
    data = png_header_only(8000, 6000)  # 48 million pixels in a 57-byte file
    assert len(data) < 100
    with pytest.raises(ValidationError) as excinfo:
        detect_image_format(upload(data))
    assert excinfo.value.code == "too_many_pixels"
    assert "8000 × 6000" in excinfo.value.messages[0]


def test_a_decompression_bomb_header_is_refused_without_decoding():
    # Far beyond Pillow's own bomb limit: refused at open, nothing decoded.
    with pytest.raises(ValidationError):
        detect_image_format(upload(png_header_only(100_000, 100_000)))


def test_random_names_keep_only_a_known_extension():
    names = {random_upload_name("holiday photo.JPEG") for _ in range(5)}
    assert len(names) == 5
    assert all(name.endswith(".jpg") and " " not in name for name in names)
    assert random_upload_name("evil.svg").endswith(".bin")
    assert random_upload_name("../../x.png", folder="covers/").startswith("covers/")
    assert ".." not in random_upload_name("../../x.png", folder="covers/")


def test_random_image_name_is_an_upload_to_callable():
    upload_to = RandomImageName("sections")
    assert upload_to(None, "a.png").startswith("sections/")
    assert upload_to == RandomImageName("sections")
    assert upload_to != RandomImageName("covers")
