"""Reading a long issue in a browser: the contents within reach, the section
being read marked in them, side boxes without blanks in the text, the
closing boxes across the page, and the site's own fonts."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from newsletters.models import Issue, SectionKind
from tests.factories import make_box, make_issue, make_section

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = [1280, 768, 390]
HEIGHT = 900
# From this width the contents stay beside the sections (static/css/site.css).
CONTENTS_BESIDE_FROM = 1100
# The tallest blank allowed between two blocks of the text column.
GAP_LIMIT = 300

PARAGRAPH = (
    "<p>The Group has worked hard to develop tangible outcomes that could support "
    "micro-, small- and medium-sized enterprise participation in international trade, "
    "with recommendations, declarations and a web platform for small businesses.</p>"
)

# Every block of the article's text column, top to bottom: the article's
# children, looking inside the wrappers that only lay out the columns. A
# block counts when it overlaps the column of the sections' text, so boxes
# in the right-hand column and the contents beside the text do not.
TEXT_COLUMN_GAPS = """() => {
  const wrappers = ".issue__layout, .issue__body, .section-row";
  const blocks = [];
  (function collect(parent) {
    for (const child of parent.children) {
      if (child.matches(wrappers)) { collect(child); continue; }
      const style = getComputedStyle(child);
      const box = child.getBoundingClientRect();
      if (style.position === "fixed" || box.height === 0) continue;
      blocks.push({
        name: child.id || child.className,
        left: box.left, right: box.right,
        top: box.top + scrollY, bottom: box.bottom + scrollY,
      });
    }
  })(document.querySelector("article.issue"));
  const text = document.querySelector(".issue__body .issue-section").getBoundingClientRect();
  const column = blocks
    .filter(block => block.left < text.right - 1 && block.right > text.left + 1)
    .sort((a, b) => a.top - b.top);
  const gaps = [];
  let bottom = column[0].bottom;
  for (const block of column.slice(1)) {
    gaps.push([block.name, Math.round(block.top - bottom)]);
    bottom = Math.max(bottom, block.bottom);
  }
  return gaps;
}"""


@pytest.fixture
def demo_issue():
    call_command("load_demo", verbosity=0)
    return Issue.objects.get(slug="summer-2022")


def build_issue_with_long_boxes():
    """Side boxes far longer than their sections' text: the first runs on
    beside the next two sections and past the whole of the third, which
    has a box of its own."""
    issue = make_issue(title="Autumn 2022", summary="A short issue with long side boxes.")
    first = make_section(issue, number=1, title="A short message", body=PARAGRAPH)
    make_box(first, title="A long side box", anchor="long-box", body=PARAGRAPH * 24)
    make_section(issue, number=2, title="An article", body=PARAGRAPH * 3)
    third = make_section(issue, number=3, title="A short note", anchor="note", body=PARAGRAPH)
    make_box(third, title="The note's box", anchor="note-box", body=PARAGRAPH * 2)
    fourth = make_section(issue, number=4, title="A longer article", body=PARAGRAPH * 8)
    make_box(fourth, title="Another long box", body=PARAGRAPH * 12)
    make_section(issue, number=5, title="The last article", anchor="last", body=PARAGRAPH * 2)
    make_section(issue, kind=SectionKind.BOX, title="About the Group", body=PARAGRAPH * 2)
    make_section(issue, kind=SectionKind.BOX, title="Join the Group", body=PARAGRAPH)
    return issue


def open_issue(page, server_url, issue, width):
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.goto(server_url + issue.get_absolute_url())
    page.wait_for_load_state("load")


def scroll_to(page, top):
    page.evaluate("top => window.scrollTo({top, behavior: 'instant'})", top)


def scroll_to_middle(page):
    scroll_to(page, page.evaluate("document.documentElement.scrollHeight / 2"))


def assert_no_horizontal_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"page is {scroll_width}px wide in {inner_width}px"


# The contents within reach


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contents_are_within_reach_from_the_middle_of_the_issue(
    page, server_url, demo_issue, width
):
    open_issue(page, server_url, demo_issue, width)
    contents = page.locator("#issue-toc")
    back = page.get_by_role("link", name="Contents", exact=True)
    expect(back).to_be_hidden()  # the contents are in view
    scroll_to_middle(page)
    if width >= CONTENTS_BESIDE_FROM:
        expect(contents).to_be_in_viewport()
        expect(back).to_be_hidden()
        return
    expect(contents).not_to_be_in_viewport()
    expect(back).to_be_visible()
    back.focus()
    assert back.evaluate("el => el.matches(':focus-visible')")
    page.keyboard.press("Enter")
    expect(contents).to_be_in_viewport()
    expect(back).to_be_hidden()
    assert page.url.endswith("#issue-toc")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contents_mark_the_section_being_read(page, server_url, demo_issue, width):
    open_issue(page, server_url, demo_issue, width)
    for anchor in [
        "msme-day-2022",
        "gleif",  # a sub-section of the sixth section
        "msme-voices",
        "what-is-the-group",  # a closing box
        "trade4msmes-website-updates",  # and back up
    ]:
        page.locator(f"#{anchor}").evaluate("el => el.scrollIntoView({behavior: 'instant'})")
        link = page.locator(f'.toc a[href="#{anchor}"]')
        expect(link).to_have_attribute("aria-current", "true")
        expect(page.locator(".toc [aria-current]")).to_have_count(1)
        if width >= CONTENTS_BESIDE_FROM and anchor != "what-is-the-group":
            # The contents beside the text scroll on their own to show it.
            expect(link).to_be_in_viewport()


def test_the_current_section_stays_marked_while_a_side_box_beside_it_is_read(
    page, server_url, demo_issue
):
    open_issue(page, server_url, demo_issue, 390)
    page.locator("#past-events").evaluate("el => el.scrollIntoView({behavior: 'instant'})")
    expect(page.locator('.toc a[href="#message-from-the-coordinator"]')).to_have_attribute(
        "aria-current", "true"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_without_javascript_the_contents_are_still_within_reach(
    browser, server_url, demo_issue, width
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": HEIGHT}
    )
    page = context.new_page()
    page.goto(server_url + demo_issue.get_absolute_url())
    contents = page.locator("#issue-toc")
    scroll_to_middle(page)
    if width >= CONTENTS_BESIDE_FROM:
        expect(contents).to_be_in_viewport()
    else:
        page.get_by_role("link", name="Contents", exact=True).click()
        expect(contents).to_be_in_viewport()
    page.locator('.toc a[href="#msme-voices"]').click()
    expect(page.locator("#msme-voices")).to_be_in_viewport()
    context.close()


def test_each_section_heading_offers_a_link_to_its_section(page, server_url, demo_issue):
    open_issue(page, server_url, demo_issue, 1280)
    link = page.get_by_role("link", name="Link to this section: MSME Day 2022")
    assert link.get_attribute("href") == "#msme-day-2022"
    expect(link).to_have_css("opacity", "0")  # shown on hover and focus only
    link.focus()
    expect(link).to_have_css("opacity", "1")
    # The heading's name stays the title.
    heading = page.locator("#msme-day-2022-title")
    expect(heading).to_have_accessible_name("3 MSME Day 2022")
    link.press("Enter")
    expect(page.locator("#msme-day-2022")).to_be_in_viewport()
    assert page.url.endswith("#msme-day-2022")


@pytest.mark.parametrize("reduced_motion", ["reduce", "no-preference"])
def test_smooth_scrolling_respects_reduced_motion(page, server_url, demo_issue, reduced_motion):
    page.emulate_media(reduced_motion=reduced_motion)
    open_issue(page, server_url, demo_issue, 390)
    behaviour = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
    assert behaviour == ("auto" if reduced_motion == "reduce" else "smooth")


# Side boxes and closing boxes


@pytest.mark.parametrize("width", WIDTHS)
def test_long_side_boxes_leave_no_blank_in_the_text(page, server_url, width):
    issue = build_issue_with_long_boxes()
    open_issue(page, server_url, issue, width)
    gaps = page.evaluate(TEXT_COLUMN_GAPS)
    assert len(gaps) >= 8  # every section and box was measured
    assert max(gap for _, gap in gaps) <= GAP_LIMIT, gaps
    assert_no_horizontal_scroll(page)
    if width == 1280:
        # The long box is beside the text, and runs on past its section.
        section = page.locator(f"#{issue.sections.get(number=1).anchor}").bounding_box()
        box = page.locator("#long-box").bounding_box()
        assert box["x"] >= section["x"] + section["width"]
        assert box["y"] < section["y"] + section["height"] < box["y"] + box["height"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summer_2022_issue_has_no_blank_in_the_text(page, server_url, demo_issue, width):
    open_issue(page, server_url, demo_issue, width)
    gaps = page.evaluate(TEXT_COLUMN_GAPS)
    assert len(gaps) >= 9  # the masthead, eight sections, the closing boxes
    assert max(gap for _, gap in gaps) <= GAP_LIMIT, gaps
    assert_no_horizontal_scroll(page)


def test_the_closing_boxes_use_the_width_of_the_page(page, server_url, demo_issue):
    open_issue(page, server_url, demo_issue, 1280)
    content_width = page.locator("#main").evaluate(
        "el => { const style = getComputedStyle(el);"
        " return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight); }"
    )
    closing = page.locator(".closing-boxes").bounding_box()
    assert closing["width"] >= 0.95 * content_width
    cards = [
        page.locator(f"#{anchor}").bounding_box()
        for anchor in ["why-an-informal-working-group", "road-to-buenos-aires"]
    ]
    # Cards side by side, not one below the other.
    assert cards[0]["y"] == cards[1]["y"]
    assert cards[0]["x"] + cards[0]["width"] <= cards[1]["x"]


# Fonts


def test_public_pages_use_the_sites_fonts(page, server_url, demo_issue):
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    for path in ["/en/", demo_issue.get_absolute_url(), "/fr/issues/", "/es/guides/"]:
        page.goto(server_url + path)
        page.wait_for_load_state("load")
        preloads = page.locator('link[rel="preload"][as="font"][type="font/woff2"][crossorigin]')
        expect(preloads).to_have_count(3)
        loaded = page.evaluate(
            """async () => {
              await document.fonts.ready;
              return {
                check: document.fonts.check('16px "Source Sans 3"'),
                faces: [...document.fonts].filter(f => f.status === "loaded")
                  .map(f => `${f.family.replaceAll('"', "")} ${f.weight}`),
                body: getComputedStyle(document.body).fontFamily,
                heading: getComputedStyle(document.querySelector("h1")).fontFamily,
                requests: performance.getEntriesByType("resource").map(entry => entry.name),
              };
            }"""
        )
        assert loaded["check"], path
        assert {"Source Sans 3 400", "Source Serif 4 700"} <= set(loaded["faces"]), path
        assert loaded["body"].startswith('"Source Sans 3"'), path
        assert loaded["heading"].startswith('"Source Serif 4"'), path
        # Each preloaded file is fetched once: the preload is the one fonts.css uses.
        for href in preloads.evaluate_all("links => links.map(link => link.href)"):
            assert loaded["requests"].count(href) == 1, (path, href)
