"""The image a link to an issue shows when it is shared (Open Graph and
Twitter cards): the issue's cover when it has one, otherwise a typographic
card of 1200×630 pixels per language, made here with Pillow.

A card shows the masthead, the issue's title and its date in one language,
in the site's colours and fonts. It is stored in the default storage as
`sharing/<slug>-<language>-<digest>.png`, the digest being of what the
card shows, so the name is derived from the issue alone: the issue page
knows the address without a query or a model of its own. A change to what
a card shows gives it a new name, so shared links never keep a stale copy.

Cards are made in the background, never in a request: the idle send worker
calls `build_when_idle()` (`manage.py build_sharing_images` does it at
once). Like the PDF editions (newsletters/pdf_builds.py) it looks only when
the content version changed; it then makes each card that is missing and
deletes the cards no issue shows any more. The page points at
/<language>/issues/<slug>/sharing.png (newsletters/views/sharing_views.py),
which serves the stored card, or a 404 until it is made.
"""

import functools
import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, gettext_lazy
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from msme_portal import page_cache
from msme_portal.storage import save_generated_file
from newsletters import idle_work
from newsletters.models import Issue, IssueStatus

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MASTHEAD = gettext_lazy("WTO MSME Group · Newsletter")
# Part of every card's digest: change it when the design changes, and every
# card is made again under a new name.
DESIGN_VERSION = "1"
FOLDER = "sharing"

CHECKED_VERSION_KEY = "newsletters:sharing-images:checked-version"
BUILDING_KEY = "newsletters:sharing-images:building"
BUILDING_TIMEOUT = 300  # seconds; longer than making every card takes

# The site's colours (static/css/site.css).
PAPER = "#ffffff"
INK_SOFT = "#4a5566"
BRAND = "#0b4f8a"
BRAND_DARK = "#073763"
ACCENT = "#b3471d"

# The shipped fonts (static/fonts/), which Pillow's FreeType reads as WOFF2.
# Each comes in two subsets: "latin" covers English, French and Spanish,
# "latin-ext" the other Latin letters a name may have ("Łódź", "Việt Nam").
MASTHEAD_FONT = "fonts/source-sans-3-{subset}-600-normal.woff2"
TITLE_FONT = "fonts/source-serif-4-{subset}-700-normal.woff2"
DATE_FONT = "fonts/source-sans-3-{subset}-400-normal.woff2"

MARGIN = 80
BAND_HEIGHT = 120  # the masthead's band across the top
# Where the title goes: (left, top, right, bottom). The date sits below.
TITLE_BOX = (MARGIN, BAND_HEIGHT + 60, WIDTH - MARGIN, HEIGHT - 150)
TITLE_SIZES = range(88, 27, -4)  # the largest at which the title fits
LINE_SPACING = 1.15


@dataclass(frozen=True)
class SharingCard:
    """What the card of an issue shows in one language, and where it is stored."""

    slug: str
    language: str
    masthead: str
    title: str
    date: str

    @property
    def digest(self):
        shown = "\n".join([DESIGN_VERSION, self.language, self.masthead, self.title, self.date])
        return hashlib.sha256(shown.encode()).hexdigest()[:12]

    @property
    def name(self):
        return f"{FOLDER}/{self.slug}-{self.language}-{self.digest}.png"

    @property
    def text(self):
        """The card's text as a sentence, for its text alternative."""
        return " · ".join(part for part in (self.masthead, self.title, self.date) if part)


@dataclass(frozen=True)
class SharingImage:
    """The image the issue page announces to Open Graph and Twitter."""

    url: str  # absolute
    width: int
    height: int
    alt: str


def card_for(issue, language):
    """The card of `issue` in `language`: its title there (or the English
    one while it is not translated) and its date as that language writes it."""
    with translation.override(language):
        published_on = timezone.localdate(issue.published_at) if issue.published_at else None
        return SharingCard(
            slug=issue.slug,
            language=language,
            masthead=str(MASTHEAD),
            title=issue.title,
            date=dateformat.format(published_on, "j F Y") if published_on else "",
        )


def card_language():
    """The active language if the site has it, else the default one."""
    language = (translation.get_language() or "").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def page_image(issue, cover):
    """The sharing image of the issue page in the active language: the cover
    (its thumbnail, as the page shows it) if there is one, else the card."""
    if cover is not None:
        alt = issue.cover_image_alt or gettext("Cover of %(title)s") % {"title": issue.title}
        return SharingImage(cover.absolute_url, cover.width, cover.height, alt)
    card = card_for(issue, card_language())
    path = reverse("newsletters:issue_sharing_image", kwargs={"slug": issue.slug})
    # The digest in the query makes a changed card a new address for the
    # sites that keep a copy of the image; the view ignores it.
    return SharingImage(f"{settings.SITE_URL}{path}?v={card.digest}", WIDTH, HEIGHT, card.text)


# Drawing


class Typeface:
    """A font at one size in both its subsets: each character is drawn from
    the latin subset if it has it, else from latin-ext."""

    def __init__(self, name, size):
        self.size = size
        self.latin = ImageFont.truetype(finders.find(name.format(subset="latin")), size)
        self.extended = ImageFont.truetype(finders.find(name.format(subset="latin-ext")), size)
        self.latin_characters = latin_characters(name)

    def runs(self, text):
        """`text` in pieces of (font, characters) to draw one after another."""
        pieces = []
        for character in text:
            use = self.latin if ord(character) in self.latin_characters else self.extended
            if pieces and pieces[-1][0] is use:
                pieces[-1][1] += character
            else:
                pieces.append([use, character])
        return pieces

    def getlength(self, text):
        return sum(use.getlength(piece) for use, piece in self.runs(text))

    def draw(self, draw, position, text, fill, anchor="la"):
        x, y = position
        for use, piece in self.runs(text):
            draw.text((x, y), piece, font=use, fill=fill, anchor=anchor)
            x += use.getlength(piece)


@functools.cache
def latin_characters(name):
    """The code points the latin subset of font `name` has glyphs for."""
    with TTFont(finders.find(name.format(subset="latin"))) as subset:
        return frozenset(subset.getBestCmap())


@functools.cache
def font(name, size):
    return Typeface(name, size)


def wrap(text, typeface, width):
    """`text` in lines no wider than `width` pixels, broken between words,
    or inside a word too long for a line of its own."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if typeface.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while typeface.getlength(word) > width:  # a very long word: cut it
            cut = len(word) - 1
            while cut > 1 and typeface.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit_title(title):
    """(font, lines, line height) of the largest title size that fits TITLE_BOX."""
    left, top, right, bottom = TITLE_BOX
    for size in TITLE_SIZES:
        typeface = font(TITLE_FONT, size)
        lines = wrap(title, typeface, right - left)
        line_height = round(size * LINE_SPACING)
        if len(lines) * line_height <= bottom - top:
            return typeface, lines, line_height
    # The smallest size always fits the longest title an issue may have
    # (150 characters); keep the lines that fit if it ever does not.
    fitting = (bottom - top) // line_height
    return typeface, lines[:fitting], line_height


def render_png(card):
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=BRAND)
    draw.rectangle((0, BAND_HEIGHT, WIDTH, BAND_HEIGHT + 10), fill=ACCENT)
    masthead = font(MASTHEAD_FONT, 34)
    masthead.draw(draw, (MARGIN, BAND_HEIGHT // 2), card.masthead.upper(), PAPER, anchor="lm")
    typeface, lines, line_height = fit_title(card.title)
    left, top, _right, _bottom = TITLE_BOX
    for number, line in enumerate(lines):
        typeface.draw(draw, (left, top + number * line_height), line, BRAND_DARK)
    if card.date:
        font(DATE_FONT, 40).draw(draw, (MARGIN, HEIGHT - 80), card.date, INK_SOFT, anchor="ls")
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=BRAND_DARK)
    output = BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


# Building in the background


def card_issues():
    """The issues that need cards: published ones without a cover. Scheduled
    ones too, so their card is ready the moment they come out (that moment
    is no edit, so no idle turn would notice it)."""
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED, published_at__isnull=False)
        .filter(cover_image="")
        .order_by("published_at", "pk")
    )


def build_when_idle():
    """For the send workers: the cards that changed, made by one worker at a
    time, and never an error that would stop a worker (it is logged; the
    next idle turn retries). A killed worker's turn is given up after
    BUILDING_TIMEOUT."""
    return idle_work.in_turn(
        BUILDING_KEY, build_changed_cards, timeout=BUILDING_TIMEOUT, what="make the sharing images"
    )


def build_changed_cards(*, force=False, on_progress=None):
    """Make the missing cards and delete the unused ones; returns how many
    were made."""
    version = f"{page_cache.content_version()}:{wording_digest()}"
    if not force and cache.get(CHECKED_VERSION_KEY) == version:
        return 0
    stored = stored_cards()
    issues = list(card_issues())
    kept, made = set(), 0
    for issue in issues:
        for language, _name in settings.LANGUAGES:
            card = card_for(issue, language)
            kept.add(card.name)
            if card.name in stored:
                continue
            try:
                save_generated_file(card.name, render_png(card))
            except Exception:  # One card failing must not stop the others, or the worker.
                logger.exception("Could not make the %s sharing image of %s", language, issue)
                continue
            made += 1
            logger.info("Made the %s sharing image of %s", language, issue)
        if on_progress:
            on_progress(issue, len(issues))
    for name in stored - kept:
        default_storage.delete(name)
    cache.set(CHECKED_VERSION_KEY, version, None)
    return made


def wording_digest():
    """A digest of the design and of the words every card takes from the
    translations (the masthead, the months): a deployment that changes them
    changes every card without any content edit."""
    words = [DESIGN_VERSION]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words.append(str(MASTHEAD))
            words += [dateformat.format(date(2000, month, 1), "F") for month in range(1, 13)]
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:12]


def stored_cards():
    """The names of the cards in the storage."""
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # nothing made yet
        return set()
    return {f"{FOLDER}/{file}" for file in files if file.endswith(".png")}
