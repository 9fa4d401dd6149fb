"""Admin for the newsletter: issues and their content, changes waiting for
approval, meetings, subscribers, sends, and the suppression list."""

from . import (  # noqa: F401  (registers the model admins)
    consent_admin,
    delivery_admin,
    issue_admin,
    pending_change_admin,
    section_admin,
    send_admin,
    subscriber_admin,
    suppression_admin,
)
