"""The image a shared link to an issue shows: the cover, or a card per
language made in the background when the issue is published or changed,
served at /<language>/issues/<slug>/sharing.png and announced by the issue
page's Open Graph and Twitter tags."""

import re
from io import BytesIO

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from msme_portal.page_cache import invalidate
from newsletters import sharing_images
from newsletters.mail.worker import Worker
from newsletters.models import Issue, IssueStatus
from newsletters.sharing_images import (
    HEIGHT,
    PAPER,
    TITLE_BOX,
    WIDTH,
    SharingCard,
    build_changed_cards,
    card_for,
    render_png,
)
from tests.factories import make_draft_issue, make_guide, make_subscriber
from tests.images import image_bytes
from tests.newsletters.helpers import FAST

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "fr"]


@pytest.fixture
def drawing(monkeypatch):
    """The cards drawn, as (language, title): the real drawing, counted."""
    drawn = []
    real = sharing_images.render_png

    def counting(card):
        drawn.append((card.language, card.title))
        return real(card)

    monkeypatch.setattr(sharing_images, "render_png", counting)
    return drawn


def publish(issue):
    Issue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.PUBLISHED, published_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    invalidate()
    issue.refresh_from_db()


def stored_cards():
    _folders, files = default_storage.listdir(sharing_images.FOLDER)
    return sorted(files)


def opened(data):
    image = Image.open(BytesIO(data))
    image.load()
    return image


def has_ink(image, box):
    """True if some pixel inside `box` is not the background."""
    area = image.convert("RGB").crop(box)
    return ImageChops.difference(area, Image.new("RGB", area.size, PAPER)).getbbox() is not None


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return found.group(1) if found else None


def test_publishing_makes_a_card_per_language_and_an_edit_remakes_it_once(drawing):
    issue = make_draft_issue(title="Autumn 2022", title_fr="Automne 2022", slug="autumn-2022")

    # A draft has no card, and the idle worker makes none.
    Worker(**FAST).run()
    assert drawing == []

    publish(issue)
    Worker(**FAST).run()
    Worker(**FAST).run()

    assert sorted(drawing) == [("en", "Autumn 2022"), ("es", "Autumn 2022"), ("fr", "Automne 2022")]
    names = stored_cards()
    assert len(names) == 3
    assert all(name.startswith("autumn-2022-") and name.endswith(".png") for name in names)
    for language in LANGUAGES:
        assert default_storage.exists(card_for(issue, language).name)

    # The Spanish title changes: that card only, once, under a new name.
    issue.title_es = "Otoño 2022"
    issue.save()
    Worker(**FAST).run()
    Worker(**FAST).run()

    assert drawing[3:] == [("es", "Otoño 2022")]
    assert len(stored_cards()) == 3  # the old Spanish card is gone
    assert default_storage.exists(card_for(issue, "es").name)

    # A guide, a subscriber: nothing a card shows.
    make_guide(title="Exporting for beginners")
    make_subscriber(email="reader@example.org")
    Worker(**FAST).run()
    assert len(drawing) == 4


def test_a_new_design_remakes_every_card_without_a_content_edit(monkeypatch, drawing):
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    publish(issue)
    assert build_changed_cards() == 3
    assert build_changed_cards() == 0
    before = stored_cards()

    monkeypatch.setattr(sharing_images, "DESIGN_VERSION", "new design")

    assert build_changed_cards() == 3
    assert len(stored_cards()) == 3 and not set(stored_cards()) & set(before)


def test_a_card_is_a_1200_by_630_png_with_the_title_drawn():
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    publish(issue)
    build_changed_cards()

    for language in LANGUAGES:
        with default_storage.open(card_for(issue, language).name) as stored:
            image = opened(stored.read())
        assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT))
        assert has_ink(image, TITLE_BOX)


def test_a_card_shows_the_title_and_date_in_its_language():
    issue = make_draft_issue(title="Autumn 2022", title_fr="Automne 2022", slug="autumn-2022")
    publish(issue)
    local_date = timezone.localdate(issue.published_at)

    french = card_for(issue, "fr")
    english = card_for(issue, "en")

    assert french.title == "Automne 2022"
    with translation.override("fr"):
        month = translation.gettext(local_date.strftime("%B"))
    assert french.date == f"{local_date.day} {month} {local_date.year}"
    assert english.date == local_date.strftime("%-d %B %Y")
    assert french.name != english.name
    assert english.text == f"WTO MSME Group · Newsletter · Autumn 2022 · {english.date}"


def test_a_long_title_wraps_and_shrinks_inside_the_title_area():
    long_title = " ".join(["Small businesses and sustainable digital trade"] * 3)[:150]
    short = opened(render_png(SharingCard("s", "en", "Masthead", "Short", "1 July 2022")))
    long = opened(render_png(SharingCard("l", "en", "Masthead", long_title, "1 July 2022")))

    left, top, right, bottom = TITLE_BOX
    # Drawn inside the title area and not beyond it: nothing is cut off.
    assert has_ink(long, (left, bottom - 120, right, bottom))
    assert not has_ink(long, (right, top, WIDTH, bottom))
    assert not has_ink(long, (0, bottom, WIDTH, HEIGHT - 140))
    font, lines, _height = sharing_images.fit_title(long_title)
    assert len(lines) > 1 and font.size < sharing_images.fit_title("Short")[0].size
    assert " ".join(lines) == long_title
    assert not has_ink(short, (left, top + 150, right, bottom))


def test_letters_beyond_the_latin_subset_come_from_latin_ext():
    typeface = sharing_images.font(sharing_images.TITLE_FONT, 60)

    runs = [(use is typeface.extended, piece) for use, piece in typeface.runs("Łódź, Türkiye")]

    assert runs == [(True, "Ł"), (False, "ód"), (True, "ź"), (False, ", Türkiye")]
    # And latin-ext has the glyphs latin lacks.
    name = finders.find(sharing_images.TITLE_FONT.format(subset="latin-ext"))
    with TTFont(name) as extended:
        assert {ord("Ł"), ord("ź")} <= set(extended.getBestCmap())


def test_the_issue_page_announces_its_card_with_absolute_addresses(client, settings):
    settings.SITE_URL = "https://newsletter.example.org"
    issue = make_draft_issue(title="Autumn 2022", title_fr="Automne 2022", slug="autumn-2022")
    publish(issue)

    html = client.get("/fr/issues/autumn-2022/").content.decode()

    card = card_for(issue, "fr")
    image = f"https://newsletter.example.org/fr/issues/autumn-2022/sharing.png?v={card.digest}"
    assert meta(html, "property", "og:image") == image
    assert meta(html, "property", "og:image:width") == "1200"
    assert meta(html, "property", "og:image:height") == "630"
    assert meta(html, "property", "og:image:alt") == card.text
    assert "Automne 2022" in card.text
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "twitter:image") == image


def test_the_announced_card_answers_with_the_png_once_made(client, settings):
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    publish(issue)
    html = client.get("/en/issues/autumn-2022/").content.decode()
    address = meta(html, "property", "og:image").removeprefix(settings.SITE_URL)

    # Never drawn in the request: until the worker made it, a 404.
    assert client.get(address).status_code == 404
    assert not default_storage.exists(card_for(issue, "en").name)

    call_command("build_sharing_images", "--no-progress")

    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert opened(b"".join(response.streaming_content)).size == (WIDTH, HEIGHT)
    assert client.get(address, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def cover_upload():
    data = image_bytes("PNG", size=(1200, 900), mode="RGB")
    return SimpleUploadedFile("cover.png", data, content_type="image/png")


def test_an_issue_with_a_cover_shares_its_cover(client, drawing):
    issue = make_draft_issue(
        title="Autumn 2022",
        slug="autumn-2022",
        cover_image=cover_upload(),
        cover_image_alt="A harbour",
    )
    publish(issue)
    build_changed_cards()

    html = client.get("/en/issues/autumn-2022/").content.decode()

    assert drawing == []
    image = meta(html, "property", "og:image")
    assert image.startswith("http://") and image.endswith(".480w.webp")
    assert meta(html, "property", "og:image:width") == "480"
    assert meta(html, "property", "og:image:height") == "360"
    assert meta(html, "property", "og:image:alt") == "A harbour"
    assert meta(html, "name", "twitter:image") == image
    assert client.get("/en/issues/autumn-2022/sharing.png").status_code == 404


def test_unpublishing_or_adding_a_cover_deletes_the_cards(client):
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    publish(issue)
    build_changed_cards()
    assert len(stored_cards()) == 3

    issue.unpublish()
    build_changed_cards()

    assert stored_cards() == []
    assert client.get("/en/issues/autumn-2022/sharing.png").status_code == 404

    publish(issue)
    build_changed_cards()
    assert len(stored_cards()) == 3
    issue.cover_image = cover_upload()
    issue.cover_image_alt = "A harbour"
    issue.save()
    build_changed_cards()

    assert stored_cards() == []


def test_a_draft_or_unknown_issue_has_no_sharing_image(client):
    make_draft_issue(slug="secret-draft")

    assert client.get("/en/issues/secret-draft/sharing.png").status_code == 404
    assert client.get("/en/issues/no-such-issue/sharing.png").status_code == 404
    assert client.post("/en/issues/no-such-issue/sharing.png").status_code == 405


def test_a_second_idle_worker_leaves_the_cards_to_the_one_making_them(drawing):
    publish(make_draft_issue(title="Autumn 2022", slug="autumn-2022"))
    cache.add(sharing_images.BUILDING_KEY, 1)  # another worker is at it

    assert sharing_images.build_when_idle() == 0
    assert drawing == []

    cache.delete(sharing_images.BUILDING_KEY)
    assert sharing_images.build_when_idle() == 3
    assert cache.get(sharing_images.BUILDING_KEY) is None
