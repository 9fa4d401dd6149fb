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

It also accepts a new connection only while one of its threads is free.
gunicorn's worker accepts whatever reaches it first, so the workers of a
server shared clients that keep their connections (keep-alive) as unevenly as
the moments of connecting fell: 15 and 1 of 16, one worker's threads taking
turns on fifteen connections while the other worker had one. A worker whose
threads are all in hand leaves a new connection to a worker with a thread
free, or to the listen backlog until one is. On Linux the kernel holds a TCP
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


class IdleSafeThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Requests handed to the thread pool and not yet finished. Counted on
        # the worker's main thread only, as gunicorn counts connections.
        self.requests_in_hand = 0

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
        # run() asks again on each turn of its loop, and a finished request
        # wakes that loop. Stopping disables accepting whatever is in hand.
        super().set_accept_enabled(enabled and self.requests_in_hand < self.cfg.threads)

    def enqueue_req(self, conn):
        self.requests_in_hand += 1
        super().enqueue_req(conn)
        if self.requests_in_hand >= self.cfg.threads:
            # run() enables accepting again only when it sees it disabled.
            super().set_accept_enabled(False)

    def finish_request(self, conn, fs):
        self.requests_in_hand -= 1
        super().finish_request(conn, fs)

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        if has_data(client_sock):
            # Counted in hand before the next accept is considered.
            conn.data_ready = True
            client_sock.setblocking(True)
            self.enqueue_req(conn)
            return
        # The path of a connection that a thread gave back for lack of data:
        # wait in the event loop, handed to a thread when readable, closed
        # by murder_pending() when its time is up.
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )
