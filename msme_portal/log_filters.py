"""Logging filters, configured in LOGGING (msme_portal/settings.py).
https://docs.python.org/3/library/logging.html#filter-objects
"""

import logging


class DisallowedHostAsWarning(logging.Filter):
    """Record a request for a host not in ALLOWED_HOSTS as a warning of one
    line. Django logs it as an error with its traceback, but it is the
    client's doing (scanners, a stale DNS name), answered 400, and the
    message already names the host; a traceback for each would bury real
    errors."""

    def filter(self, record):
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True
