import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_page_renders_with_its_stylesheet(page, server_url):
    response = page.goto(server_url + "/")
    assert response.status == 200
    # The stylesheet loaded and applied: the header takes the brand colour
    # defined only in static/css/site.css.
    header_background = page.eval_on_selector(
        ".site-header", "el => getComputedStyle(el).backgroundColor"
    )
    assert header_background == "rgb(7, 55, 99)"
    assert page.locator("h1").count() == 1


def test_skip_link_moves_focus_to_main_content(page, server_url):
    page.goto(server_url + "/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    assert skip_link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_home_page_leads_to_the_latest_issue_on_a_phone(page, server_url):
    from tests.factories import make_issue, make_meeting, make_section

    issue = make_issue(title="Summer 2022")
    make_section(issue, number=1, title="Message from the coordinator", anchor="message")
    make_meeting(title="Group meeting")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(server_url + "/")
    assert page.locator("h1").inner_text() == "Summer 2022"
    assert page.get_by_role("link", name="Subscribe", exact=True).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="Message from the coordinator").click()
    page.wait_for_url("**" + issue.get_absolute_url() + "#message")
    assert page.locator("#message h2").is_visible()
