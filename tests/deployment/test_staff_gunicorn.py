"""nginx passes the admin and the rich-text editor's views to the staff's
gunicorn and every other page to the readers' (deploy/nginx/msme_portal.conf,
docs/deployment.md), so that a long save never runs in a worker that serves
readers, and what staff change there is what readers get from the other."""

import secrets

from tests.deployment import services
from tests.deployment.services import ISSUE_SLUG, PASSWORD, PUBLISHER
from tests.newsletters.helpers import FormFields
from tests.processes import niceness_of

TITLE = "sections-0-title_en"


def requests_logged(gunicorn, since):
    """The requests ("GET /path") gunicorn logged after its first `since`."""
    lines = gunicorn.access_log.read_text().splitlines()[since:]
    return [" ".join(line.split(" ")[2:4]) for line in lines]


def issue_form(staff, path):
    page = staff.get(path)
    assert page.status == 200, page.text[:500]
    fields = FormFields("issue_form")
    fields.feed(page.text)
    return dict(fields.data)


def test_staff_pages_are_served_by_the_staffs_gunicorn_and_public_pages_by_the_readers(site):
    readers_before = services.logged_requests(site.gunicorn)
    staff_before = services.logged_requests(site.staff_gunicorn)
    publisher = site.visitor(source="127.0.0.61")
    assert publisher.sign_in(PUBLISHER, PASSWORD).status == 302
    assert publisher.get("/admin/newsletters/issue/").status == 200
    assert publisher.get("/editor/browse/").status == 200
    # A public address no copy kept by nginx answers.
    public = f"/en/search/?q={secrets.token_hex(4)}"
    assert site.visitor().get(public).status == 200

    to_staff = requests_logged(site.staff_gunicorn, staff_before)
    to_readers = requests_logged(site.gunicorn, readers_before)
    assert "POST /admin/login/" in to_staff
    assert "GET /admin/newsletters/issue/" in to_staff
    assert "GET /editor/browse/" in to_staff
    assert f"GET {public}" in to_readers
    assert not [line for line in to_readers if line.split()[1].startswith(("/admin/", "/editor/"))]
    assert not [line for line in to_staff if line.split()[1].startswith("/en/")]


def test_a_title_changed_through_the_staffs_gunicorn_is_what_readers_get(site):
    """The staff's workers and the readers' share only the database and the
    cache: the save in one makes the page the other serves."""
    (issue_id,) = site.query("SELECT id FROM newsletters_issue WHERE slug = %s", [ISSUE_SLUG])[0]
    page = f"/en/issues/{ISSUE_SLUG}/"
    change = f"/admin/newsletters/issue/{issue_id}/change/"
    assert site.uncached().get(page).status == 200
    publisher = site.visitor(source="127.0.0.62")
    assert publisher.sign_in(PUBLISHER, PASSWORD).status == 302
    data = issue_form(publisher, change)
    (title,) = data[TITLE]
    marker = f"read from the other gunicorn, {secrets.token_hex(4)}"
    staff_before = services.logged_requests(site.staff_gunicorn)
    try:
        saved = publisher.post(change, {**data, TITLE: [f"{title} {marker}"], "_save": ["Save"]})
        assert saved.status == 302, saved.text[:2000]
        assert f"POST {change}" in requests_logged(site.staff_gunicorn, staff_before)
        assert marker in site.uncached().get(page).text
    finally:
        publisher.post(change, {**data, TITLE: [title], "_save": ["Save"]})


def test_the_staffs_gunicorn_runs_at_a_lower_cpu_priority_than_the_readers(site):
    readers, staff = site.gunicorn.process.pid, site.staff_gunicorn.process.pid
    assert niceness_of(staff) == niceness_of(readers) + 10
