"""Work an edit does last in its own transaction, just before it commits.

Django runs work after a commit (`transaction.on_commit`). Some belongs
before it, in the same transaction: the stored issue pages an edit changed
are made again there, so that readers see the new content and its page in
one commit, and nobody is served a page gone stale meanwhile
(newsletters/issue_documents.py). The admin's saves and deletions open a
scope (msme_portal/admin_helpers.py); outside one, nothing is gathered and
the work is left to whoever does it otherwise.
"""

import contextlib
import threading

from django.db import transaction

_open = threading.local()


@contextlib.contextmanager
def scope(using=None):
    """A transaction that, at its end, runs the work gathered in it. A scope
    opened inside another joins it: the outer one runs the work."""
    if getattr(_open, "gathered", None) is not None:
        yield
        return
    with transaction.atomic(using=using):
        _open.gathered = gathered = {}
        try:
            yield
        finally:
            _open.gathered = None
        # Not reached when the block raised: the edit is rolled back.
        for work, items in gathered.values():
            work(items)


def gather(name, items, work):
    """In a scope, have `work(items)` run once at its end, with every item
    gathered under `name` meanwhile. Returns whether a scope is open."""
    gathered = getattr(_open, "gathered", None)
    if gathered is None:
        return False
    gathered.setdefault(name, (work, set()))[1].update(items)
    return True
