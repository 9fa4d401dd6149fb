"""ReadOnlyAdmin lives in msme_portal/admin_helpers.py; this name remains
until newsletters/admin/sends.py imports it from there."""

from msme_portal.admin_helpers import ReadOnlyAdmin  # noqa: F401
