"""The PDF edition of an issue at its stable address, /en/issues/<slug>.pdf
(and /fr/, /es/): the stored file that newsletters/pdf_builds.py made, in
the address's language. Before it is made, or in a language without an
edition, the address is a 404."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils import translation
from django.views.decorators.http import require_safe

from newsletters.models import Issue, PdfEdition


@require_safe
def issue_pdf(request, slug):
    language = translation.get_language()
    edition = (
        PdfEdition.objects.filter(
            issue__in=Issue.objects.published(), issue__slug=slug, language=language
        )
        .select_related("issue")
        .first()
    )
    if edition is None:
        raise Http404("No PDF edition of this issue in this language.")
    etag = f'"{edition.source_digest[:32]}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = FileResponse(
        default_storage.open(edition.file),
        content_type="application/pdf",
        filename=f"{slug}-{language}.pdf",
    )
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    return response
