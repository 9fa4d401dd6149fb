"""Admin for the newsletter: issues and their content, subscribers."""

from . import issue_admin, send_admin, subscriber_admin  # noqa: F401  (registers the model admins)
