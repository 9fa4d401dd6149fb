"""Stored PDF editions, made in the background: once when an issue is
published, once again when it is edited, not for an unrelated edit; served
at the issue's address with .pdf, and linked with their size from the issue
page and the email."""

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from msme_portal.page_cache import invalidate
from newsletters import pdf_builds
from newsletters.mail.issue_email import IssueEmail
from newsletters.mail.worker import Worker
from newsletters.models import Issue, IssueStatus, PdfEdition
from newsletters.pdf_builds import build_changed_editions
from tests.factories import make_draft_issue, make_guide, make_section, make_subscriber
from tests.newsletters.helpers import FAST

pytestmark = pytest.mark.django_db


@pytest.fixture
def typesetting(monkeypatch):
    """Counts the PDFs typeset: each takes a second or two."""
    from newsletters import pdf_builds

    made = []
    real = pdf_builds.typeset

    def counting(html):
        made.append(html)
        return real(html)

    monkeypatch.setattr(pdf_builds, "typeset", counting)
    return made


def publish(issue):
    Issue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.PUBLISHED, published_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    invalidate()


def test_publishing_makes_the_pdf_once_an_edit_again_and_an_unrelated_edit_never(
    settings, typesetting
):
    settings.NEWSLETTER_PDF_EDITIONS = True
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    section = make_section(issue, title="Digital trade", body="<p>Trade.</p>")

    # A draft has no edition, and the idle worker makes none.
    Worker(**FAST).run()
    assert typesetting == []

    publish(issue)
    Worker(**FAST).run()
    Worker(**FAST).run()

    [edition] = PdfEdition.objects.all()
    assert len(typesetting) == 1
    assert (edition.language, edition.issue) == ("en", issue)
    assert default_storage.exists(edition.file)
    assert edition.size == default_storage.size(edition.file) > 1000
    first_digest = edition.source_digest

    section.title = "Digital trade and MSMEs"
    section.save()
    Worker(**FAST).run()

    edition.refresh_from_db()
    assert len(typesetting) == 2
    assert "Digital trade and MSMEs" in typesetting[-1]
    assert edition.source_digest != first_digest

    # A guide the issue does not list, a new subscriber: nothing it shows.
    make_guide(title="Exporting for beginners")
    make_subscriber(email="reader@example.org")
    Worker(**FAST).run()
    assert len(typesetting) == 2


def test_a_translated_issue_gets_an_edition_per_language(typesetting):
    issue = make_draft_issue(title="Autumn 2022", title_fr="Automne 2022", slug="autumn-2022")
    make_section(issue, title="Digital trade", title_fr="Commerce numérique", body_fr="<p>Oui.</p>")
    publish(issue)

    assert build_changed_editions() == 2

    assert sorted(PdfEdition.objects.values_list("language", flat=True)) == ["en", "fr"]
    assert any("Automne 2022" in html for html in typesetting)


def test_the_pdf_is_served_at_the_issues_address_and_linked_with_its_size(client, typesetting):
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    make_section(issue, title="Digital trade")
    publish(issue)
    assert client.get("/en/issues/autumn-2022.pdf").status_code == 404
    assert "Download the PDF edition" not in client.get("/en/issues/autumn-2022/").content.decode()

    call_command("build_pdf_editions", "--no-progress")

    response = client.get("/en/issues/autumn-2022.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="autumn-2022-en.pdf"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert (
        client.get("/en/issues/autumn-2022.pdf", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )
    # No French edition: nothing is translated.
    assert client.get("/fr/issues/autumn-2022.pdf").status_code == 404
    page = client.get("/en/issues/autumn-2022/").content.decode()
    size = PdfEdition.objects.get().size
    assert 'href="/en/issues/autumn-2022.pdf"' in page
    assert f"PDF, {size / 1024:.1f}\xa0KB" in page
    email = IssueEmail.for_issue(issue).rendered("en")
    text = "".join(email.text_parts)
    assert "/en/issues/autumn-2022.pdf" in text
    assert "/en/issues/autumn-2022.pdf" in "".join(email.html_parts)


def test_unpublishing_an_issue_deletes_its_pdf_files(client, typesetting):
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    make_section(issue, title="Digital trade")
    publish(issue)
    build_changed_editions()
    name = PdfEdition.objects.get().file

    issue.refresh_from_db()
    issue.unpublish()
    build_changed_editions()

    assert not PdfEdition.objects.exists()
    assert not default_storage.exists(name)
    assert client.get("/en/issues/autumn-2022.pdf").status_code == 404


def test_a_draft_or_unknown_issue_has_no_pdf(client):
    make_draft_issue(slug="secret-draft")

    assert client.get("/en/issues/secret-draft.pdf").status_code == 404
    assert client.get("/en/issues/no-such-issue.pdf").status_code == 404
    assert client.post("/en/issues/no-such-issue.pdf").status_code == 405


def test_a_second_idle_worker_leaves_the_editions_to_the_one_making_them(typesetting):
    issue = make_draft_issue(title="Autumn 2022", slug="autumn-2022")
    make_section(issue, title="Digital trade")
    publish(issue)
    cache.add(pdf_builds.BUILDING_KEY, 1)  # another worker is at it

    assert pdf_builds.build_when_idle() == 0
    assert typesetting == []

    cache.delete(pdf_builds.BUILDING_KEY)
    assert pdf_builds.build_when_idle() == 1
    assert cache.get(pdf_builds.BUILDING_KEY) is None
