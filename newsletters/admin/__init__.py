"""Admin for the newsletter: issues and their content, subscribers."""

from . import issues, sends, subscribers  # noqa: F401  (registers the model admins)
