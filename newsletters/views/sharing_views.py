"""The sharing image of an issue without a cover, at
/<language>/issues/<slug>/sharing.png: the card newsletters/sharing_images.py
made in the background for the address's language. Before it is made the
address is a 404; it is never drawn in the request."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from newsletters import sharing_images
from newsletters.models import Issue


@require_safe
def issue_sharing_image(request, slug):
    issue = get_object_or_404(Issue.objects.published(), slug=slug)
    card = sharing_images.card_for(issue, sharing_images.card_language())
    etag = f'"{card.digest}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    try:
        stored = default_storage.open(card.name)
    except FileNotFoundError as missing:
        raise Http404("This issue's sharing image is not made yet.") from missing
    response = FileResponse(stored, content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    return response
