import pytest

pytestmark = pytest.mark.django_db(transaction=True)


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
