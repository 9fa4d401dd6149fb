"""What the send workers do when they have nothing to send: make the PDF
editions, the sharing images and the stored issue pages, and check the
latest emails (newsletters/mail/worker.py calls each `..._when_idle()`).

Each piece of idle work is done by one worker at a time, through a lock in
the shared cache that a killed worker's turn gives up after `timeout`
seconds, and never stops a worker: an error is logged and the next idle
turn tries again.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def in_turn(lock_key, work, *, timeout, what):
    """`work()`'s result, or 0 when another worker holds `lock_key` or the
    work failed (logged as "Could not <what>")."""
    if not cache.add(lock_key, 1, timeout=timeout):
        return 0
    try:
        return work()
    except Exception:
        logger.exception("Could not %s", what)
        return 0
    finally:
        cache.delete(lock_key)
