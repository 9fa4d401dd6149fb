"""gunicorn's configuration for the portal (docs/deployment.md).

gunicorn reads this file from its working directory by default; the
documented command names it with --config so that it holds wherever gunicorn
is started. Options on the command line (--workers, --bind) win over it.
https://docs.gunicorn.org/en/stable/settings.html
"""

import os
import sys
from pathlib import Path

# Threaded workers, that idle connections cannot stall. A sync worker serves
# one connection at a time and waits up to `timeout` for its request, so two
# connections that send nothing (a port scan, a stuck client) stall two
# workers for 30 seconds when gunicorn is reached without the proxy. This
# worker (msme_portal/gunicorn_worker.py) keeps connections that have sent
# nothing in its event loop, without a thread, and each worker runs
# `threads` requests at once. The number of workers comes from --workers
# (or WEB_CONCURRENCY).
worker_class = "msme_portal.gunicorn_worker.IdleSafeThreadWorker"
threads = 4

# A worker whose event loop is stuck this long is killed and replaced.
timeout = 30
# After SIGTERM (a deployment, a scale-down), time to finish the requests in
# hand before the worker is killed.
graceful_timeout = 30
# Seconds a connection may stay idle, before its first request or between
# two (in the event loop, without a thread). Behind a load balancer that
# reuses its connections, make it longer than the balancer's idle timeout,
# or the balancer may send on a connection gunicorn has just closed.
keepalive = 5

# Which requests came over HTTPS is the portal's to decide, from proxies it
# trusts (DJANGO_TRUSTED_PROXIES, msme_portal/proxies.py). gunicorn would
# otherwise believe X-Forwarded-Proto from any local process on its own.
secure_scheme_headers = {}

# No control socket: nothing here uses gunicornc, and its default path
# ($HOME/.gunicorn/gunicorn.ctl) is shared by every gunicorn the same user
# runs on the machine.
control_socket_disable = True


# How often a thread running Python hands the interpreter to one that waits
# (Python's default: 5 ms). A reader's request waits for it after each of its
# reads from the database or the cache, so one long request in a worker (an
# editor saving a long issue: about a second) held every other request of
# that worker to 5 ms a step. In the benchmark's edit storm (bench/run.py),
# 1 ms took the readers' p99 after the save from 36 and 20 ms to 23 and 14 ms
# (docs/performance/2026-12-03-worker-balance.md).
SWITCH_INTERVAL = 0.001


def post_worker_init(worker):
    sys.setswitchinterval(SWITCH_INTERVAL)


# A lower CPU priority for this gunicorn's processes, 0 (the default) to 19:
# the staff's gunicorn runs with PORTAL_NICENESS=10 (docs/deployment.md, "The
# staff's gunicorn"), so that an editor's save, a second of CPU or more,
# takes the CPU the readers' workers leave rather than a share of theirs.
def niceness():
    value = os.environ.get("PORTAL_NICENESS", "").strip() or "0"
    if not value.isdigit() or int(value) > 19:
        raise SystemExit(f"PORTAL_NICENESS must be a whole number from 0 to 19, not {value!r}")
    return int(value)


NICENESS = niceness()


def on_starting(server):
    if not NICENESS:
        return
    os.nice(NICENESS)
    # With the kernel's autogroups, niceness orders the processes of one
    # session only, and each session as a whole gets an equal share of the
    # CPU. A gunicorn that leads a session of its own (started by a service
    # manager or with setsid) lowers that session's share too; one started
    # in a shell's session leaves the shell's alone.
    autogroup = Path("/proc/self/autogroup")
    if os.getsid(0) == os.getpid() and autogroup.exists():
        try:
            autogroup.write_text(str(NICENESS))
        except OSError as error:
            server.log.warning("The session's CPU share was left as it was: %s", error)
