"""The rich-text editor's image upload, and its file browser, for staff.

django-ckeditor's own upload view is CSRF-exempt and trusts Pillow's
`verify()`; this one replaces it under the same URL names (`ckeditor_upload`,
`ckeditor_browse`), which the editor widget looks up. An upload is accepted
only from an active staff user who may change sections, only by POST, only
with CKEditor's double-submit token (form field `ckCsrfToken` equal to the
cookie of that name) and from a page of this site (Origin, or else Referer),
and only if `msme_portal.images.clean_image` accepts the file. What is stored,
through Django's storage, is the re-encoded image it returns (no metadata),
under a random name whose extension follows the detected format.
"""

import json
import logging
from functools import wraps
from urllib.parse import urlsplit

from ckeditor_uploader import views as ckeditor_views
from ckeditor_uploader.backends.pillow_backend import PillowBackend
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt

from msme_portal.images import clean_image, random_upload_name

logger = logging.getLogger(__name__)

UPLOAD_PERMISSION = "newsletters.change_section"
CSRF_FIELD = "ckCsrfToken"
# CKEditor 4 generates a 40-character token; anything much shorter is forged.
MIN_TOKEN_LENGTH = 16


def may_use_editor(user):
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(UPLOAD_PERMISSION)
    )


def _js_string(value):
    """`value` as a JavaScript string literal that cannot close a <script>."""
    return (
        json.dumps(str(value))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _reply(request, *, url="", file_name="", error="", status=200):
    """Answer in the form CKEditor asked for: a callFunction script for the
    upload dialog (CKEditorFuncNum given), JSON otherwise."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num and func_num.isascii() and func_num.isdigit() and len(func_num) <= 10:
        script = (
            "<!DOCTYPE html><script>window.parent.CKEDITOR.tools.callFunction("
            f"{int(func_num)}, {_js_string(url)}, {_js_string(error)});</script>"
        )
        return HttpResponse(script, status=status, content_type="text/html; charset=utf-8")
    if error:
        return JsonResponse({"uploaded": 0, "error": {"message": error}}, status=status)
    return JsonResponse({"uploaded": 1, "fileName": file_name, "url": url}, status=status)


def _same_origin(request):
    """True if the request came from a page of this site."""
    source = request.headers.get("Origin")
    if source is None or source == "null":
        source = request.headers.get("Referer")
    if not source:
        return False
    parts = urlsplit(source)
    return parts.scheme == request.scheme and parts.netloc == request.get_host()


def _token_matches(request):
    sent = request.POST.get(CSRF_FIELD, "")
    cookie = request.COOKIES.get(CSRF_FIELD, "")
    return len(sent) >= MIN_TOKEN_LENGTH and constant_time_compare(sent, cookie)


@csrf_exempt  # CKEditor cannot send Django's token; its own is checked below.
@xframe_options_sameorigin  # The upload dialog reads the answer in a hidden frame.
@never_cache
def upload(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may_use_editor(request.user):
        return _reply(request, error=_("You are not allowed to upload images."), status=403)
    if not (_same_origin(request) and _token_matches(request)):
        logger.warning("Refused an editor upload without a valid token or origin.")
        return _reply(
            request,
            error=_("The upload could not be verified. Reload the page and try again."),
            status=403,
        )
    uploaded = request.FILES.get("upload")
    if uploaded is None:
        return _reply(request, error=_("Choose an image to upload."))
    try:
        image = clean_image(uploaded)
    except ValidationError as error:
        # 200 with "uploaded": 0 is CKEditor's protocol for a refused file;
        # the editor shows the message only for a successful response.
        return _reply(request, error=" ".join(error.messages))
    name = random_upload_name(
        f"upload.{image.extension}", request, folder=settings.CKEDITOR_UPLOAD_PATH
    )
    saved = default_storage.save(name, image.as_file())
    _make_thumbnail(saved)
    return _reply(request, url=default_storage.url(saved), file_name=saved.rsplit("/", 1)[-1])


def _make_thumbnail(name):
    """The file browser shows each image by its "<name>_thumb" copy."""
    try:
        with default_storage.open(name) as original:
            PillowBackend(default_storage, original).create_thumbnail(original, name)
    except (OSError, ValueError):
        logger.warning("Could not make a thumbnail of %s", name, exc_info=True)


def editor_staff_required(view):
    """Let only users who may use the editor through; others get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_editor(request.user):
            return HttpResponse(_("You are not allowed to use the editor's files."), status=403)
        return view(request, *args, **kwargs)

    return wrapper


browse = never_cache(editor_staff_required(ckeditor_views.browse))

# Included at "editor/" without a namespace: the editor widget reverses these
# exact names.
urlpatterns = [
    path("upload/", upload, name="ckeditor_upload"),
    path("browse/", browse, name="ckeditor_browse"),
]
