"""Making the stored PDF editions, in the background: never in the request
that publishes or edits an issue.

The send worker calls `build_when_idle()` whenever it has nothing to
send (`manage.py build_pdf_editions` does the same at once). It does
something only when the public content changed since it last looked (the
content version every edit replaces, msme_portal/page_cache.py). Then, for
each published issue and each language that has an edition (English, and
French or Spanish once a section is translated), it renders the HTML the PDF
is typeset from and compares its digest with the stored edition's: only an
edition whose content changed is typeset again. So publishing an issue
makes its PDFs once, an edit to it remakes them once, and an unrelated edit
(a subscriber, a guide it does not list) remakes nothing. The editions of
an issue that is no longer published are deleted, files included.
"""

import hashlib
import logging

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from msme_portal import page_cache
from msme_portal.storage import save_generated_file
from newsletters import editions, idle_work
from newsletters.models import Issue, PdfEdition
from newsletters.pdf_edition import pdf_html, typeset

logger = logging.getLogger(__name__)

CHECKED_VERSION_KEY = "newsletters:pdf-editions:checked-version"
BUILDING_KEY = "newsletters:pdf-editions:building"
BUILDING_TIMEOUT = 600  # seconds; longer than making every edition takes


def edition_languages(issue):
    translated = [edition.language for edition in editions.editions(issue) if edition.translated]
    return [editions.SOURCE_LANGUAGE, *translated]


def build_when_idle():
    """For the send workers: the editions that changed, made by one worker
    at a time (the others would typeset the same files), and never an error
    that would stop a worker (it is logged; the next idle turn retries). A
    killed worker's turn is given up after BUILDING_TIMEOUT."""
    return idle_work.in_turn(
        BUILDING_KEY, build_changed_editions, timeout=BUILDING_TIMEOUT, what="make the PDF editions"
    )


def build_changed_editions(*, force=False, on_progress=None):
    """Make the PDF editions whose content changed; returns how many."""
    version = page_cache.content_version()
    if not force and cache.get(CHECKED_VERSION_KEY) == version:
        return 0
    made = 0
    issues = list(Issue.objects.published().order_by("published_at", "pk"))
    kept = []
    for issue in issues:
        for language in edition_languages(issue):
            try:
                made += build_edition(issue, language)
            except Exception:  # One edition failing must not stop the others, or the worker.
                logger.exception("Could not make the %s PDF edition of %s", language, issue)
            kept.append((issue.pk, language))
        if on_progress:
            on_progress(issue, len(issues))
    remove_editions_other_than(kept)
    cache.set(CHECKED_VERSION_KEY, version, None)
    return made


def remove_editions_other_than(kept):
    """Delete the editions, and their files, of issues no longer published
    (their media address must not keep showing them) or of languages that
    no longer have an edition."""
    kept = set(kept)
    for edition in PdfEdition.objects.only("issue_id", "language", "file"):
        if (edition.issue_id, edition.language) not in kept:
            default_storage.delete(edition.file)
            edition.delete()
            logger.info(
                "Removed the %s PDF edition of issue %s", edition.language, edition.issue_id
            )


def build_edition(issue, language):
    """Make the edition if its content changed; returns 1 if it did, else 0."""
    html = pdf_html(issue, language)
    digest = hashlib.sha256(html.encode()).hexdigest()
    stored = PdfEdition.objects.filter(issue=issue, language=language).first()
    if stored is not None and stored.source_digest == digest:
        return 0
    data = typeset(html)
    name = save_generated_file(f"editions/issue-{issue.pk}-{language}.pdf", data)
    with transaction.atomic():
        PdfEdition.objects.update_or_create(
            issue=issue,
            language=language,
            defaults={
                "file": name,
                "size": len(data),
                "source_digest": digest,
                "built_at": timezone.now(),
            },
        )
    logger.info("Made the %s PDF edition of %s (%d bytes)", language, issue, len(data))
    return 1
