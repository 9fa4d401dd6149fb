"""A Publisher's save of the live issue reaches every reader at once as the
new page, one that may be kept: the stored pages the save changed are made
again before it commits (newsletters/issue_documents.py, make_again()), so
no reader arriving with others just after it is handed the old page marked
not to be kept while one of them renders the new one."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.deployment import services
from tests.deployment.services import ISSUE_SLUG, PASSWORD, PUBLISHER
from tests.newsletters.helpers import FormFields

PATH = f"/en/issues/{ISSUE_SLUG}/"
READERS = 16


def issue_form(site, staff):
    issue_id = site.query("SELECT id FROM newsletters_issue WHERE slug = %s", [ISSUE_SLUG])[0][0]
    path = f"/admin/newsletters/issue/{issue_id}/change/"
    page = staff.get(path)
    assert page.status == 200
    fields = FormFields("issue_form")
    fields.feed(page.text)
    return path, dict(fields.data)


def save_title(staff, path, data, title):
    response = staff.post(path, {**data, "sections-0-title_en": [title], "_save": ["Save"]})
    assert response.status == 302, response.text[:500]


def readers_at_once(site, gunicorn):
    """READERS anonymous requests at the same moment, each on its own
    connection, as the proxy passes them on."""
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        return list(pool.map(lambda _: site.uncached(gunicorn=gunicorn).get(PATH), range(READERS)))


@pytest.mark.parametrize("round_", range(3))
def test_readers_just_after_a_save_all_get_the_new_page_that_may_be_kept(site, app_server, round_):
    publisher = site.uncached(client="198.51.100.40", gunicorn=app_server)
    assert publisher.sign_in(PUBLISHER, PASSWORD).status == 302
    path, data = issue_form(site, publisher)
    title = data["sections-0-title_en"][0]
    marker = f"revised in round {round_}"
    served_before = services.logged_requests(app_server)
    readers_at_once(site, app_server)  # every worker has the page in hand
    try:
        save_title(publisher, path, data, f"{title} {marker}")
        pages = readers_at_once(site, app_server)
        assert [page.status for page in pages] == [200] * READERS
        assert [marker in page.text for page in pages] == [True] * READERS
        kept = ["no-store" not in page.header("cache-control") for page in pages]
        assert kept == [True] * READERS
        assert len(services.workers_that_answered(app_server, PATH, served_before)) >= 2
    finally:
        save_title(publisher, path, data, title)
