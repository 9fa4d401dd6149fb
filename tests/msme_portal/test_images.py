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


# The editor's upload endpoint, /editor/upload/

TOKEN = "k" * 40
UPLOAD_URL = "/editor/upload/"


@pytest.fixture
def section_editor(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        username="writer", password="irrelevant-password-1", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="change_section"))
    client.force_login(user)
    return client


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


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", sorted(PILLOW_FORMATS))
def test_the_editor_upload_stores_a_real_image_under_a_random_name(
    section_editor, image_format, settings
):
    data = image_bytes(image_format)
    response = post_upload(section_editor, data, name="My Holiday.svg")
    assert response.status_code == 200
    body = response.json()
    assert body["uploaded"] == 1
    extension = PILLOW_FORMATS[image_format]
    assert body["fileName"].endswith(f".{extension}")
    assert "Holiday" not in body["fileName"]
    assert body["url"] == f"{settings.MEDIA_URL}{settings.CKEDITOR_UPLOAD_PATH}{body['fileName']}"
    stored = settings.MEDIA_ROOT / settings.CKEDITOR_UPLOAD_PATH / body["fileName"]
    assert stored.read_bytes() == data


@pytest.mark.django_db
def test_the_editor_upload_answers_the_upload_dialog_with_a_script(section_editor):
    response = post_upload(
        section_editor, image_bytes("PNG"), query="?CKEditor=id_body&CKEditorFuncNum=7&langCode=en"
    )
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "window.parent.CKEDITOR.tools.callFunction(7, " in content
    assert "/media/editor/" in content
    # The dialog reads the answer in a hidden frame of the admin page.
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "func_num", ["1);alert(document.cookie);//", "7<script>", "-1", "1.5", "１"]
)
def test_a_forged_function_number_is_never_echoed(section_editor, func_num):
    from urllib.parse import quote

    response = post_upload(
        section_editor, image_bytes("PNG"), query=f"?CKEditorFuncNum={quote(func_num)}"
    )
    assert "callFunction" not in response.content.decode()
    assert response.json()["uploaded"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(BAD_FILES))
def test_the_editor_upload_refuses_hostile_files_with_a_message(section_editor, label, settings):
    data, _code = BAD_FILES[label]
    response = post_upload(section_editor, data)
    assert response.status_code == 200  # CKEditor shows the message only then
    body = response.json()
    assert body["uploaded"] == 0
    assert body["error"]["message"]
    assert not (settings.MEDIA_ROOT / settings.CKEDITOR_UPLOAD_PATH).exists()


@pytest.mark.django_db
def test_the_editor_upload_refuses_pixel_bombs_and_oversized_files(section_editor, settings):
    for data in (png_header_only(100_000, 100_000), png_header_only(8000, 6000)):
        assert post_upload(section_editor, data).json()["uploaded"] == 0
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    big = image_bytes("PNG", size=(300, 300), compress_level=0)
    body = post_upload(section_editor, big).json()
    assert body["uploaded"] == 0
    assert "the limit is" in body["error"]["message"]


@pytest.mark.django_db
def test_an_error_in_the_upload_dialog_is_a_script_with_the_message(section_editor):
    response = post_upload(section_editor, SVG, query="?CKEditorFuncNum=3")
    content = response.content.decode()
    assert 'callFunction(3, "", "This file contains markup' in content
    assert "<svg" not in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "kwargs"),
    [
        ("no token", {"token": None}),
        ("no cookie", {"cookie": None}),
        ("token differs from cookie", {"token": "f" * 40}),
        ("short token", {"token": "abc", "cookie": "abc"}),
        ("foreign origin", {"HTTP_ORIGIN": "https://evil.example"}),
        ("foreign referer", {"HTTP_ORIGIN": "null", "HTTP_REFERER": "https://evil.example/x"}),
        ("no origin or referer", {"HTTP_ORIGIN": ""}),
    ],
)
def test_the_editor_upload_refuses_requests_without_its_csrf_defences(
    section_editor, label, kwargs, settings
):
    response = post_upload(section_editor, image_bytes("PNG"), **kwargs)
    assert response.status_code == 403, label
    assert response.json()["uploaded"] == 0
    assert not (settings.MEDIA_ROOT / settings.CKEDITOR_UPLOAD_PATH).exists()


@pytest.mark.django_db
def test_a_same_site_referer_is_enough_without_an_origin(section_editor):
    response = post_upload(
        section_editor,
        image_bytes("PNG"),
        HTTP_ORIGIN="null",
        HTTP_REFERER="http://testserver/admin/newsletters/section/1/change/",
    )
    assert response.json()["uploaded"] == 1


@pytest.mark.django_db
def test_the_editor_upload_is_refused_to_anyone_but_section_editors(client, django_user_model):
    assert post_upload(client, image_bytes("PNG")).status_code == 403
    user = django_user_model.objects.create_user(username="reader", password="x-password-1")
    client.force_login(user)
    assert post_upload(client, image_bytes("PNG")).status_code == 403
    user.is_staff = True
    user.save()
    assert post_upload(client, image_bytes("PNG")).status_code == 403


@pytest.mark.django_db
def test_the_editor_upload_accepts_only_post(section_editor):
    assert section_editor.get(UPLOAD_URL).status_code == 405


@pytest.mark.django_db
def test_the_file_browser_is_for_section_editors_only(client, section_editor, settings):
    uploaded = post_upload(section_editor, image_bytes("PNG", size=(200, 100))).json()
    response = section_editor.get("/editor/browse/")
    assert response.status_code == 200
    content = response.content.decode()
    assert uploaded["url"] in content
    assert uploaded["url"].replace(".png", "_thumb.png") in content
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get("/editor/browse/").status_code == 403


def test_the_editor_widget_points_at_our_views():
    from ckeditor_uploader.widgets import CKEditorUploadingWidget

    widget = CKEditorUploadingWidget()
    widget._set_config()
    assert widget.config["filebrowserUploadUrl"] == "/editor/upload/"
    assert widget.config["filebrowserBrowseUrl"] == "/editor/browse/"
