"""Content-Security-Policy for every response.

Public pages get a strict policy: no inline script or style, nothing from
another host. The admin keeps its rich-text editor working: CKEditor 4 needs
inline script and style, so the policy is loosened there and only there.
Images may also come from the media storage's host when uploads live in a
bucket (msme_portal/storage.py).
"""

import functools

from django.conf import settings

from msme_portal.paths import EDITOR_PATH_PREFIXES
from msme_portal.storage import media_origin

STRICT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

EDITOR_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        # The editor's file browser and upload dialog are same-origin frames.
        "frame-ancestors 'self'",
    ]
)


@functools.cache
def with_media_origin(policy, origin):
    """`policy`, with images also allowed from `origin` when there is one."""
    if not origin:
        return policy
    return policy.replace("img-src 'self'", f"img-src 'self' {origin}")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            if request.path.startswith(EDITOR_PATH_PREFIXES):
                policy = EDITOR_POLICY
            else:
                policy = STRICT_POLICY
            response.headers["Content-Security-Policy"] = with_media_origin(policy, media_origin())
        if not settings.DEBUG:
            response.headers.setdefault(
                "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
            )
        return response
