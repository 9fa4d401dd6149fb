"""Account emails queued by the public pages and sent by the worker.

Placeholder until the queue lands: nothing is queued yet, so nothing is sent.
"""


def send_queued(connection_factory):
    """Send the queued account emails; returns how many were sent."""
    return 0
