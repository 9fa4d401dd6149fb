"""The gunicorn worker the portal is served with (gunicorn.conf.py).

gunicorn's threaded worker (gthread) hands every new connection to a thread,
which waits up to 5 seconds for the request before parking the connection in
the worker's event loop. Connections that send nothing therefore hold the
threads in turn: ten idle connections on a worker of four threads delay the
next real request by 15 seconds. This worker parks a new connection that has
sent nothing in the event loop at once, as gunicorn already does with
connections between two requests, so a thread is taken only once the
request's first bytes arrive. A connection that sends nothing is closed after
`keepalive` seconds.

It also leaves new connections to a worker with a thread free. gunicorn's
worker accepts whatever reaches it first, so the workers of a server shared
clients that keep their connections (keep-alive) as unevenly as the moments
of connecting fell: 15 and 1 of 16, one worker's threads taking turns on
fifteen connections while the other worker had one. A worker whose threads
are all in hand accepts a new connection only after BUSY_WORKER_WAIT, and
one with a thread free takes a connection waiting in the backlog before the
next request of one it keeps. On Linux the kernel holds a TCP
connection back from accept() until its request arrives (TCP_DEFER_ACCEPT,
nginx's `deferred`), so a connection accepted has its request to hand to the
thread at once, and connections that send nothing are not accepted at all for
`keepalive` seconds.

It follows gunicorn 27's gthread worker (gunicorn/workers/gthread.py);
tests/msme_portal/test_gunicorn.py checks it against the installed gunicorn.
"""

import errno
import select
import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker


def has_data(sock):
    """Whether `sock` can be read now (its request, or the client's close)."""
    poller = select.poll()  # not select(): it fails above file descriptor 1023
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


# How long a worker with every thread in hand leaves new connections to a
# worker with a thread free before it accepts one itself. Clients that keep
# more connections than the threads of all workers would otherwise wait
# until a worker had a thread free between two of their requests: seconds.
BUSY_WORKER_WAIT = 0.01


class IdleSafeThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Requests handed to the thread pool and not yet finished. Counted on
        # the worker's main thread only, as gunicorn counts connections.
        self.requests_in_hand = 0
        self.all_threads_taken_at = 0.0

    def init_process(self):
        for listener in self.sockets:
            if listener.sock.family in (socket.AF_INET, socket.AF_INET6) and hasattr(
                socket, "TCP_DEFER_ACCEPT"
            ):
                listener.sock.setsockopt(
                    socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, max(int(self.cfg.keepalive), 1)
                )
        super().init_process()

    def set_accept_enabled(self, enabled):
        # run() asks again on each turn of its loop, which any event (a
        # finished request) turns. Stopping disables accepting in any case.
        if enabled and self.requests_in_hand >= self.cfg.threads:
            enabled = time.monotonic() - self.all_threads_taken_at >= BUSY_WORKER_WAIT
        super().set_accept_enabled(enabled)

    def enqueue_req(self, conn):
        self.requests_in_hand += 1
        super().enqueue_req(conn)
        if self.requests_in_hand >= self.cfg.threads and self._accepting:
            # run() enables accepting again only when it sees it disabled.
            self.all_threads_taken_at = time.monotonic()
            super().set_accept_enabled(False)

    def finish_request(self, conn, fs):
        self.requests_in_hand -= 1
        # A connection in the backlog goes before the next request of a
        # connection this worker keeps: it has waited longer. Left to the
        # event loop, a kept connection's next request, already sent, took
        # the thread first each time, and a new client waited seconds.
        while (
            self.alive
            and self.requests_in_hand < self.cfg.threads
            and self.nr_conns < self.worker_connections
            and any(self.accept(listener) for listener in self.sockets)
        ):
            pass
        super().finish_request(conn, fs)

    def accept(self, listener):
        """Accept a connection waiting on `listener`; whether there was one."""
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return False
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        if has_data(client_sock):
            # Counted in hand before the next accept is considered.
            conn.data_ready = True
            client_sock.setblocking(True)
            self.enqueue_req(conn)
            return True
        # The path of a connection that a thread gave back for lack of data:
        # wait in the event loop, handed to a thread when readable, closed
        # by murder_pending() when its time is up.
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )
        return True
