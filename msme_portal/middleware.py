"""Content-Security-Policy for every response.

Public pages get a strict policy: no inline script or style, nothing from
another host. The admin keeps its rich-text editor working: CKEditor 4 needs
inline script and style, so the policy is loosened there and only there.
"""

from django.conf import settings

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


def editor_path_prefixes():
    return ("/admin/", "/editor/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            if request.path.startswith(editor_path_prefixes()):
                policy = EDITOR_POLICY
            else:
                policy = STRICT_POLICY
            response.headers["Content-Security-Policy"] = policy
        if not settings.DEBUG:
            response.headers.setdefault(
                "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
            )
        return response
