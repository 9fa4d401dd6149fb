"""Uploaded media in an S3-compatible bucket.

A real S3 server (moto's, on loopback) holds the bucket; the storage talks to
it over HTTP with boto3, as it would to any S3-compatible store.
"""

import json
import logging
import urllib.request
import uuid
from io import BytesIO

import boto3
import ckeditor_uploader.utils
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from PIL import Image

from msme_portal.storage import media_base_url, save_generated_file
from msme_portal.thumbnails import SECTION_IMAGE_WIDTH, thumbnail_name
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Section
from tests.factories import make_confirmed_subscriber, make_draft_issue, make_issue, make_section
from tests.images import image_bytes, post_upload
from tests.newsletters.helpers import form_data, section_form_data
from tests.processes import run_with_env

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint, name):
        self.endpoint = endpoint
        self.name = name
        self.url = f"{endpoint}/{name}/"
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")

    def keys(self):
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def public_read(bucket_name):
    """The bucket policy README.md "Uploaded media" asks for."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket_name}/*",
            }
        ],
    }


def _forget_ckeditor_storage():
    # django-ckeditor's browse view keeps a storage of its own, built once.
    ckeditor_uploader.utils.storage._wrapped = empty


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, and the default storage pointed at it as settings.py
    does with DJANGO_MEDIA_STORAGE=s3. Credentials come from the
    environment, as in production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    bucket = Bucket(s3_endpoint, f"media-{uuid.uuid4().hex[:12]}")
    bucket.client.create_bucket(Bucket=bucket.name)
    bucket.client.put_bucket_policy(Bucket=bucket.name, Policy=json.dumps(public_read(bucket.name)))
    # Setting STORAGES sends setting_changed, on which Django drops its
    # storage instances and resets default_storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket.name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
            },
        },
    }
    _forget_ckeditor_storage()
    yield bucket
    _forget_ckeditor_storage()


def media_root_files(settings):
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def png(name="chart.png", size=(1600, 800)):
    return SimpleUploadedFile(name, image_bytes("PNG", size=size), content_type="image/png")


def fetch(url):
    """GET `url` as a browser would: no credentials."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_the_default_storage_is_the_bucket(bucket):
    assert media_base_url() == bucket.url


def test_an_image_uploaded_in_the_admin_is_stored_in_the_bucket(editor_client, bucket, settings):
    issue = make_draft_issue()
    data = section_form_data(issue, image=png(), image_alt="A rising chart")
    response = editor_client.post(reverse("admin:newsletters_section_add"), data)
    assert response.status_code == 302
    section = Section.objects.get()
    assert section.image.name.startswith("sections/")
    assert bucket.keys() == {section.image.name}
    assert bucket.read(section.image.name) == data["image"].file.getvalue()
    assert section.image.url == bucket.url + section.image.name
    assert media_root_files(settings) == []


def test_the_public_page_shows_the_thumbnail_from_the_bucket(client, bucket, settings):
    issue = make_issue()
    section = make_section(issue, image=png(), image_alt="A rising chart")
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    thumb = thumbnail_name(section.image.name, SECTION_IMAGE_WIDTH)
    assert f'src="{bucket.url}{thumb}" width="720" height="360"' in response.content.decode()
    assert bucket.keys() == {section.image.name, thumb}
    # What the page links to is there for anyone, and is the WebP copy.
    with Image.open(BytesIO(fetch(bucket.url + thumb))) as image:
        assert (image.format, image.size) == ("WEBP", (720, 360))
    # The Content-Security-Policy lets the browser load it.
    policy = response["Content-Security-Policy"]
    assert f"img-src 'self' {bucket.endpoint} data:" in policy
    assert "script-src 'self';" in policy
    assert media_root_files(settings) == []


def test_a_thumbnail_once_found_costs_the_bucket_no_more_requests(client, bucket, caplog):
    issue = make_issue()
    section = make_section(issue, image=png(), image_alt="A rising chart")
    thumb = thumbnail_name(section.image.name, SECTION_IMAGE_WIDTH)
    client.get(issue.get_absolute_url())
    cache.clear()  # the page itself is rendered again
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        html = client.get(issue.get_absolute_url()).content.decode()
    assert f'src="{bucket.url}{thumb}"' in html
    served = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert not [line for line in served if bucket.name in line]


def test_the_open_graph_image_is_the_buckets_absolute_url(client, bucket):
    issue = make_issue(cover_image=png("cover.png"), cover_image_alt="The cover")
    html = client.get(issue.get_absolute_url()).content.decode()
    cover = thumbnail_name(issue.cover_image.name, 480)
    assert f'<meta property="og:image" content="{bucket.url}{cover}">' in html


def test_the_email_links_to_the_images_in_the_bucket(editor_client, bucket):
    uploaded = post_upload(editor_client, image_bytes("PNG")).json()["url"]
    issue = make_issue(cover_image=png("cover.png"), cover_image_alt="The cover")
    make_section(issue, body=f'<p><img src="{uploaded}" alt="Chart"></p>')
    html = IssueEmail.for_issue(issue).message_for(make_confirmed_subscriber()).alternatives[0][0]
    assert f'src="{bucket.url}{issue.cover_image.name}"' in html
    assert f'src="{uploaded}"' in html


def test_the_editor_upload_stores_the_image_and_its_thumbnail_in_the_bucket(
    editor_client, bucket, settings
):
    data = image_bytes("PNG", size=(200, 100))
    response = post_upload(editor_client, data)
    body = response.json()
    assert body["uploaded"] == 1, body
    name = f"{settings.CKEDITOR_UPLOAD_PATH}{body['fileName']}"
    assert body["url"] == bucket.url + name
    thumb = name.replace(".png", "_thumb.png")
    assert bucket.keys() == {name, thumb}
    assert bucket.read(name) == data
    assert fetch(body["url"]) == data
    assert media_root_files(settings) == []
    # The editor's file browser lists it, from the bucket.
    browser = editor_client.get("/editor/browse/").content.decode()
    assert body["url"] in browser
    assert bucket.url + thumb in browser


def test_rich_text_keeps_images_from_the_bucket_only(editor_client, bucket):
    uploaded = post_upload(editor_client, image_bytes("PNG")).json()["url"]
    issue = make_issue()
    section = make_section(
        issue,
        body=f'<p>Chart:</p><img src="{uploaded}" alt="Chart">'
        f'<img src="http://evil.example/{uploaded.split("/", 3)[3]}" alt="Foreign">',
    )
    section.refresh_from_db()
    assert f'<img src="{uploaded}" alt="Chart">' in section.body
    assert "evil.example" not in section.body
    assert '<img alt="Foreign">' in section.body


@pytest.mark.parametrize("storage", ["local", "bucket"])
def test_replacing_an_image_deletes_its_old_thumbnails_but_keeps_the_original(
    client, publisher_client, request, storage
):
    if storage == "bucket":
        request.getfixturevalue("bucket")
    issue = make_issue()
    section = make_section(issue, image=png("old.png"), image_alt="Old chart")
    client.get(issue.get_absolute_url())
    old_name = section.image.name
    old_thumb = thumbnail_name(old_name, SECTION_IMAGE_WIDTH)
    assert default_storage.exists(old_thumb)

    # A live issue's image is replaced on its page, by a Publisher.
    url = reverse("admin:newsletters_issue_change", args=[issue.pk])
    data = form_data(publisher_client, url, "issue_form", _save="Save")
    data.update(
        {
            "sections-0-image": png("new.png", size=(800, 800)),
            "sections-0-image_alt_en": "New chart",
        }
    )
    assert publisher_client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.image.name != old_name
    assert not default_storage.exists(old_thumb)
    # Emails already sent link to the original.
    assert default_storage.exists(old_name)

    html = client.get(issue.get_absolute_url()).content.decode()
    assert thumbnail_name(section.image.name, SECTION_IMAGE_WIDTH) in html
    assert 'width="720" height="720"' in html


@pytest.mark.parametrize("storage", ["local", "bucket"])
def test_removing_an_image_deletes_its_thumbnails(client, request, storage):
    if storage == "bucket":
        request.getfixturevalue("bucket")
    issue = make_issue()
    section = make_section(issue, image=png(), image_alt="A chart")
    client.get(issue.get_absolute_url())
    thumb = thumbnail_name(section.image.name, SECTION_IMAGE_WIDTH)
    assert default_storage.exists(thumb)
    section.image = ""
    section.save()
    assert not default_storage.exists(thumb)


def test_saving_other_fields_keeps_the_thumbnails(client, bucket):
    issue = make_issue()
    section = make_section(issue, image=png(), image_alt="A chart")
    client.get(issue.get_absolute_url())
    keys = bucket.keys()
    section.title = "Renamed"
    section.save()
    assert bucket.keys() == keys


def test_a_lost_original_in_the_bucket_does_not_break_the_page(client, bucket):
    issue = make_issue()
    section = make_section(issue, image=png(), image_alt="Lost chart")
    bucket.client.delete_object(Bucket=bucket.name, Key=section.image.name)
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    assert 'alt="Lost chart"' not in response.content.decode()


def test_a_generated_file_replaces_the_one_under_its_name(bucket):
    name = save_generated_file("editions/summer-2022.pdf", b"%PDF-1.7 first")
    assert name == "editions/summer-2022.pdf"
    assert save_generated_file(name, b"%PDF-1.7 second") == name
    assert bucket.keys() == {name}
    assert fetch(default_storage.url(name)) == b"%PDF-1.7 second"


def test_a_generated_file_on_the_local_file_system_keeps_its_name(settings):
    name = save_generated_file("sharing/issue-1.png", b"first")
    assert save_generated_file(name, b"second") == name
    assert (settings.MEDIA_ROOT / name).read_bytes() == b"second"
    assert default_storage.url(name) == "/media/sharing/issue-1.png"


# The settings read the storage from the environment.

PRINT_STORAGE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.STORAGES['default']))"
)
SECRET = {"DJANGO_SECRET_KEY": "k" * 50}


def default_storage_setting(**env):
    result = run_with_env(PRINT_STORAGE, **SECRET, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_stays_on_the_local_file_system_by_default():
    assert default_storage_setting() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_storage_is_configured_from_django_storages_setting_names():
    config = default_storage_setting(
        DJANGO_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsletter-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_REGION_NAME="eu-central-2",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
        AWS_DEFAULT_ACL="public-read",
        AWS_ACCESS_KEY_ID="never-in-settings",
        AWS_SECRET_ACCESS_KEY="never-in-settings",
    )
    assert config == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "newsletter-media",
            "endpoint_url": "https://objects.example.org",
            "region_name": "eu-central-2",
            "location": "",
            "custom_domain": "media.example.org",
            "querystring_auth": False,
            "querystring_expire": 3600,
            "default_acl": "public-read",
        },
    }


def test_signed_urls_can_be_switched_on():
    options = default_storage_setting(
        DJANGO_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="private-media",
        AWS_QUERYSTRING_AUTH="1",
        AWS_QUERYSTRING_EXPIRE="600",
    )["OPTIONS"]
    assert (options["querystring_auth"], options["querystring_expire"]) == (True, 600)
    assert options["endpoint_url"] is None  # Amazon S3 itself


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_MEDIA_STORAGE": "s3"}, "DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME"),
        ({"DJANGO_MEDIA_STORAGE": "nfs"}, "use 'local' (the default) or 's3'"),
    ],
)
def test_an_incomplete_storage_configuration_refuses_to_start(env, message):
    result = run_with_env(PRINT_STORAGE, **SECRET, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
