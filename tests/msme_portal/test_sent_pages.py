"""A public page sent once is sent again as every middleware finished it,
and only to a visitor the whole chain would have given the same answer."""

import pytest

from msme_portal import sent_pages
from tests.factories import make_issue, make_section

pytestmark = pytest.mark.django_db


def replayed(response):
    """Whether the answer came from SentPageMiddleware: the sign-in
    middleware, after it, gives every request it sees a user."""
    return not hasattr(response.wsgi_request, "user")


def through_every_middleware(client, url, **extra):
    """The page as the whole chain answers it now (from the page cache)."""
    sent_pages.sent_pages.clear()
    response = client.get(url, **extra)
    assert not replayed(response)
    return response


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
def test_a_page_is_sent_again_with_every_header_the_middleware_gave_it(
    client, secure, django_assert_num_queries
):
    issue = make_issue()
    make_section(issue, title="Trade and MSMEs")
    url = issue.get_absolute_url()
    client.get(url, secure=secure)
    whole_chain = through_every_middleware(client, url, secure=secure)

    with django_assert_num_queries(0):
        again = client.get(url, secure=secure)

    assert replayed(again)
    assert again.status_code == 200
    assert again.content == whole_chain.content
    assert dict(again.headers) == dict(whole_chain.headers)
    assert ("Strict-Transport-Security" in again.headers) is secure
    assert "Content-Security-Policy" in again.headers
    assert again["Content-Language"] == "en"


def test_a_header_changed_on_one_replayed_answer_is_not_sent_with_the_next(client):
    url = make_issue().get_absolute_url()
    client.get(url)
    sent = through_every_middleware(client, url)
    first = client.get(url)
    assert replayed(first)

    # What a WSGI server or a wrapping middleware may do to an answer.
    first["Cache-Control"] = "no-store"
    del first["Content-Security-Policy"]
    second = client.get(url)

    assert replayed(second)
    assert second["Cache-Control"] == sent["Cache-Control"] != "no-store"
    assert second["Content-Security-Policy"] == sent["Content-Security-Policy"]
    assert second["content-type"] == "text/html; charset=utf-8"


def test_a_page_sent_over_https_is_not_sent_again_over_http(client):
    url = make_issue().get_absolute_url()
    client.get(url, secure=True)
    client.get(url, secure=True)

    response = client.get(url)

    assert not replayed(response)
    assert "Strict-Transport-Security" not in response.headers


def test_a_visitor_over_http_is_still_sent_to_https(client, settings):
    url = make_issue().get_absolute_url()
    settings.SECURE_SSL_REDIRECT = True
    client.get(url, secure=True)
    assert replayed(client.get(url, secure=True))

    response = client.get(url)

    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{url}"


def test_a_host_that_is_not_allowed_is_refused(client):
    url = make_issue().get_absolute_url()
    client.get(url)
    assert replayed(client.get(url))

    response = client.get(url, headers={"Host": "attacker.example"})

    assert response.status_code == 400


def test_a_copy_the_visitor_has_is_answered_not_modified(client):
    url = make_issue().get_absolute_url()
    etag = client.get(url)["ETag"]
    assert replayed(client.get(url))

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert not replayed(response)


def test_a_signed_in_editor_gets_the_page_through_every_middleware(editor_client):
    url = make_issue().get_absolute_url()
    anonymous = editor_client.__class__()
    anonymous.get(url)
    assert replayed(anonymous.get(url))

    response = editor_client.get(url)

    assert not replayed(response)
    assert response.wsgi_request.user.is_authenticated
    assert "private" in response["Cache-Control"]


def test_each_language_is_sent_its_own_page(client):
    issue = make_issue(title="Summer", title_fr="Été")
    for language in ["en", "fr"]:
        client.get(f"/{language}/issues/{issue.slug}/")

    english = client.get(f"/en/issues/{issue.slug}/")
    french = client.get(f"/fr/issues/{issue.slug}/")

    assert replayed(english) and replayed(french)
    assert french["Content-Language"] == "fr"
    assert "Été" in french.content.decode()
    assert "Été" not in english.content.decode()


def test_an_unpublished_issue_is_not_sent_again(client):
    issue = make_issue()
    url = issue.get_absolute_url()
    client.get(url)
    assert replayed(client.get(url))

    issue.unpublish()

    assert client.get(url).status_code == 404


def test_an_edit_is_sent_at_once(client):
    issue = make_issue()
    section = make_section(issue, title="Before the edit")
    url = issue.get_absolute_url()
    client.get(url)
    assert replayed(client.get(url))

    section.title = "After the edit"
    section.save()
    response = client.get(url)

    assert not replayed(response)
    assert "After the edit" in response.content.decode()
    assert "After the edit" in client.get(url).content.decode()
