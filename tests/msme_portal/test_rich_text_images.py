"""Images in rich text need a text alternative, or the mark that they only
decorate, before staff can save them (msme_portal/richtext.py)."""

import pytest
from django.core.exceptions import ValidationError

from msme_portal.richtext import images_without_text, sanitize_html
from newsletters.mail.rich_text import email_html
from tests.factories import make_issue, make_section

pytestmark = pytest.mark.django_db

CHART = '<img src="/media/editor/chart.png"{}>'


def section_with(body):
    section = make_section(make_issue(), title="Trade in numbers")
    section.body = body
    return section


@pytest.mark.parametrize("attributes", ["", ' alt=""', ' alt="   "', ' class="wide"'])
def test_an_image_without_a_text_alternative_cannot_be_saved(attributes):
    section = section_with(f"<p>Exports grew.</p>{CHART.format(attributes)}")
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    (message,) = error.value.message_dict["body"]
    assert "chart.png" in message
    assert "Alternative Text" in message and "decorative" in message


def test_an_image_with_a_text_alternative_or_marked_decorative_is_saved():
    described = section_with(CHART.format(' alt="Exports by region, 2017 to 2022"'))
    described.full_clean()
    decorative = section_with(CHART.format(' class="decorative" alt=""'))
    decorative.full_clean()
    decorative.save()
    decorative.refresh_from_db()
    assert decorative.body == '<img src="/media/editor/chart.png" class="decorative" alt="">'
    # The email gives it the empty alternative screen readers skip.
    assert 'alt=""' in email_html(decorative.body, "https://example.org/")


def test_the_sanitizer_keeps_only_the_decorative_class():
    assert sanitize_html('<img src="/media/a.png" class="x decorative y" alt="">') == (
        '<img src="/media/a.png" class="decorative" alt="">'
    )
    assert sanitize_html('<img src="/media/a.png" class="evil" alt="A">') == (
        '<img src="/media/a.png" alt="A">'
    )
    assert sanitize_html('<p class="decorative">x</p>') == "<p>x</p>"


def test_every_image_without_text_is_named():
    html = CHART.format("") + '<img src="/media/editor/map.jpg" alt="">' + CHART.format(' alt="A"')
    assert images_without_text(html) == ["chart.png", "map.jpg"]
