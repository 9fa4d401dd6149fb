"""The Summer 2022 email as mail clients that render like Chromium show it:
600 and 390 pixels wide, light and dark mode, compared with stored
screenshots, so a change to the templates or the stylesheet that breaks the
layout fails here.

After a change meant to alter the look, look at the new screenshots and
store them as the references:
    UPDATE_EMAIL_REFERENCES=1 .venv/bin/pytest tests/browser/test_email_rendering.py
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image, ImageChops, ImageStat

from newsletters.mail.email_report import report_html
from newsletters.mail.issue_email import IssueEmail
from newsletters.models import Issue

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFERENCES = Path(__file__).with_name("email_references")
UPDATE = os.environ.get("UPDATE_EMAIL_REFERENCES") == "1"
# The part of the email compared: the masthead, the contents and the first
# sections, where layout breaks show first. Stored at half size.
CLIP_HEIGHT = 2400
SCALE = 2
# A pixel differs when a channel moves by more than this (anti-aliasing
# stays below); at most this share of pixels may differ.
CHANNEL_TOLERANCE = 48
MAX_DIFFERING_SHARE = 0.01


@pytest.fixture
def summer_2022_email():
    call_command("load_demo", verbosity=0)
    return report_html(IssueEmail.for_issue(Issue.objects.get(slug="summer-2022")), "en")


def screenshot(browser, html, width, scheme):
    context = browser.new_context(
        offline=True, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    try:
        page = context.new_page()
        page.set_content(html, wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        height = page.evaluate("document.documentElement.scrollHeight")
        shot = page.screenshot(
            full_page=True, clip={"x": 0, "y": 0, "width": width, "height": CLIP_HEIGHT}
        )
    finally:
        context.close()
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    return image.resize((width // SCALE, CLIP_HEIGHT // SCALE), Image.LANCZOS), overflow, height


def differing_share(image, reference):
    difference = ImageChops.difference(image, reference).convert("L")
    differing = difference.point(lambda value: 255 if value > CHANNEL_TOLERANCE else 0)
    return differing.histogram()[255] / (image.width * image.height)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [600, 390])
def test_the_email_looks_as_it_did(browser, summer_2022_email, width, scheme):
    image, overflow, height = screenshot(browser, summer_2022_email, width, scheme)
    reference_path = REFERENCES / f"summer-2022-{width}-{scheme}.png"

    assert overflow <= 0, f"the email is {overflow}px wider than a {width}px screen"
    assert height > CLIP_HEIGHT
    brightness = ImageStat.Stat(image.convert("L")).mean[0]
    if scheme == "dark":
        assert brightness < 90, "dark mode should give a dark email"
    else:
        assert brightness > 170
    if UPDATE:
        image.save(reference_path, optimize=True)
    reference = Image.open(reference_path).convert("RGB")
    assert image.size == reference.size
    share = differing_share(image, reference)
    assert share <= MAX_DIFFERING_SHARE, (
        f"{share:.1%} of the pixels differ from {reference_path.name}"
    )


def test_a_broken_layout_is_caught(browser, summer_2022_email):
    """The comparison is sharp enough to see a column that lost its width."""
    broken = summer_2022_email.replace('width="600"', 'width="300"', 1).replace(
        "max-width:600px", "max-width:300px"
    )
    image, _, _ = screenshot(browser, broken, 600, "light")
    reference = Image.open(REFERENCES / "summer-2022-600-light.png").convert("RGB")
    assert differing_share(image, reference) > MAX_DIFFERING_SHARE
