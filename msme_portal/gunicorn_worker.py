"""The gunicorn worker the portal is served with (gunicorn.conf.py).

gunicorn's threaded worker (gthread) hands every new connection to a thread,
which waits up to 5 seconds for the request before parking the connection in
the worker's event loop. Connections that send nothing therefore hold the
threads in turn: ten idle connections on a worker of four threads delay the
next real request by 15 seconds. This worker parks a new connection in the
event loop at once, as gunicorn already does with connections between two
requests, so a thread is taken only once the request's first bytes arrive.
A connection that sends nothing is closed after `keepalive` seconds.

It follows gunicorn 27's gthread worker (gunicorn/workers/gthread.py);
tests/msme_portal/test_gunicorn.py checks it against the installed gunicorn.
"""

import errno
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker


class IdleSafeThreadWorker(ThreadWorker):
    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        # The path of a connection that a thread gave back for lack of data:
        # wait in the event loop, handed to a thread when readable, closed
        # by murder_pending() when its time is up.
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )
