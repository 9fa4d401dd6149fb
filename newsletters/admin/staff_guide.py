"""The staff guide in the admin: docs/editors-guide.md, at /admin/guide/.

msme_portal/urls.py includes these URLs ahead of the admin's own, by name, as
it includes the apps' URLs. The guide is the project's own Markdown file, so
its HTML is shown as written; the page's Content-Security-Policy still lets
it load nothing from another host.
"""

import markdown
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

GUIDE_PATH = ("docs", "editors-guide.md")

# The admin's own policy (msme_portal/middleware.py) without what its
# rich-text editor needs: everything from this site, nothing from elsewhere.
GUIDE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def render_guide(text):
    """The guide's HTML and its table of contents (the h2 and h3 headings)."""
    converter = markdown.Markdown(
        extensions=["toc", "tables"], extension_configs={"toc": {"toc_depth": "2-3"}}
    )
    return converter.convert(text), converter.toc


def staff_guide(request):
    context = {**admin.site.each_context(request), "title": _("Staff guide")}
    try:
        text = settings.BASE_DIR.joinpath(*GUIDE_PATH).read_text(encoding="utf-8")
    except FileNotFoundError:
        context["missing"] = "/".join(GUIDE_PATH)
        status = 404
    else:
        guide, toc = render_guide(text)
        # The project's own file, not anyone's input: shown as written.
        context.update(guide=mark_safe(guide), toc=mark_safe(toc))  # noqa: S308
        status = 200
    response = TemplateResponse(request, "admin/staff_guide.html", context, status=status)
    response["Content-Security-Policy"] = GUIDE_POLICY
    return response


urlpatterns = [
    path("", admin.site.admin_view(staff_guide), name="admin-staff-guide"),
]
