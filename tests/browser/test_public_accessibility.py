"""Automated accessibility scan (axe-core, WCAG 2.1 A and AA) of the main pages.

axe-core comes from npm (package.json); bin/install-system-deps installs it.
The page's Content-Security-Policy would block the injected script, so these
tests' browser context bypasses CSP; the pages themselves are unchanged.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from newsletters.models import Meeting, SectionKind
from newsletters.models.issues import BoxStyle, Listing
from tests.factories import (
    make_box,
    make_economy,
    make_event,
    make_guide,
    make_issue,
    make_link,
    make_meeting,
    make_officer,
    make_organization,
    make_question,
    make_section,
    make_topic,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


def build_site():
    guides = [make_guide(), make_guide(audience="policymakers")]
    issue = make_issue(
        title="Summer 2022",
        featured_guides=guides,
        featured_organizations=[make_organization(), make_organization()],
    )
    message = make_section(
        issue,
        number=1,
        kind=SectionKind.COORDINATOR_MESSAGE,
        title="Message from the coordinator",
        listing=Listing.UPCOMING_MEETINGS,
        signatory_title="Ambassador",
    )
    make_box(message, title="Past events", listing=Listing.PAST_EVENTS)
    make_box(message, title="Call for proposals", box_style=BoxStyle.HIGHLIGHT)
    website = make_section(issue, number=2, title="Website updates", listing=Listing.NEW_GUIDES)
    make_link(website, label="Trade4MSMEs")
    network = make_section(issue, number=3, title="The Network", listing=Listing.NETWORK)
    make_box(network, title="Quote", box_style=BoxStyle.QUOTE)
    voices = make_section(issue, number=4, title="MSME Voices", listing=Listing.MEMBERS)
    interview = make_section(
        issue,
        parent=voices,
        kind=SectionKind.INTERVIEW,
        interviewee_organization="TofaraOnline",
        interviewee_bio="<p>Founder.</p>",
    )
    make_question(interview)
    for n in range(6):
        make_economy(name=f"Economy {n}", joined_on=None if n < 4 else f"2022-0{n}-01")
    make_officer()
    make_officer(role="chair", term_start="2018-01-01", term_end="2019-12-31")
    make_meeting(
        title="Group meeting",
        start_time="10:00",
        end_time="12:00",
        format="hybrid",
        place="WTO, Geneva",
        documents="INF/MSME/W/30",
    )
    make_meeting(title="Called off", status="cancelled")
    make_event(
        title="Launch of the Network",
        link="https://example.org/launch",
        recording_url="https://example.org/recording",
        documents="INF/MSME/W/29",
    )
    return issue


def blocking_violations(page):
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing: run bin/install-system-deps (npm ci).")
    page.add_script_tag(path=str(AXE_PATH))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_main_pages_have_no_serious_accessibility_violations(page, server_url, width):
    issue = build_site()
    page.set_viewport_size({"width": width, "height": 900})
    slug = issue.slug
    paths = ["/en/members/", "/en/guides/", "/en/meetings/", "/fr/meetings/"]
    paths.append(Meeting.objects.order_by("date").first().get_absolute_url().split("#")[0])
    for language in ["en", "fr", "es"]:
        paths += [f"/{language}/", f"/{language}/issues/{slug}/", f"/{language}/subscribe/"]
    for path in paths:
        response = page.goto(server_url + path)
        assert response.status == 200, path
        violations = blocking_violations(page)
        assert not violations, f"{path} at {width}px:\n" + "\n".join(violations)


@pytest.mark.parametrize("forced_colors", ["none", "active"], ids=["light", "forced-colors"])
@pytest.mark.parametrize("width", [1280, 768, 390])
def test_issue_pages_have_no_serious_violations_in_either_colour_mode(
    page, server_url, width, forced_colors
):
    """The issue page's reading aids too: scanned in the middle of the page,
    with the contents marking the section being read and, on narrow
    screens, the link back to them in the corner."""
    call_command("load_demo", verbosity=0)
    issue = build_site()
    page.emulate_media(forced_colors=forced_colors)
    page.set_viewport_size({"width": width, "height": 900})
    for path in ["/en/issues/summer-2022/", "/fr/issues/summer-2022/", issue.get_absolute_url()]:
        response = page.goto(server_url + path)
        assert response.status == 200, path
        page.evaluate(
            "window.scrollTo({top: document.documentElement.scrollHeight / 2, behavior: 'instant'})"
        )
        expect(page.locator(".toc [aria-current]")).to_have_count(1)
        if width < 1100:
            expect(page.locator(".contents-return")).to_be_visible()
        violations = blocking_violations(page)
        assert not violations, f"{path} at {width}px, {forced_colors}:\n" + "\n".join(violations)


def test_the_scan_reports_a_known_violation(page):
    # Guards against a scan that silently checks nothing.
    page.set_content('<html lang="en"><body><main><img src="data:,"></main></body></html>')
    assert any(violation.startswith("image-alt") for violation in blocking_violations(page))


def test_the_guides_pages_and_their_page_links_have_no_serious_violations(page, server_url):
    topic = make_topic(name="Finance", slug="finance")
    for n in range(30):
        make_guide(title=f"Guide {n:02}", topic=topic)
    response = page.goto(server_url + "/en/guides/?topic=finance")
    assert response.status == 200
    assert not blocking_violations(page)
    page.get_by_role("navigation", name="Pages of guides").get_by_role(
        "link", name="Next page"
    ).click()
    page.wait_for_url("**/en/guides/?topic=finance&page=2")
    assert page.locator(".guide-card").count() == 6
    assert not blocking_violations(page)
