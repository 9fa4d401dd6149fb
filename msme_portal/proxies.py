"""The visitor's own address, and the forwarded headers only trusted proxies may set.

Behind nginx every connection comes from the proxy; the visitor's address is
in `X-Forwarded-For`, which nginx appends to. Any client can send that header
too, so it is believed only from the proxies named in settings.TRUSTED_PROXIES
(addresses or networks): reading it from the right, each address a trusted
proxy reports is believed, and the first one that is not itself a trusted
proxy is the client. From anyone else the forwarded headers are removed
before anything reads them, so a client talking to gunicorn directly cannot
pass itself off as someone else or as HTTPS.

`ForwardedHeadersMiddleware` runs first and puts the result in REMOTE_ADDR,
so the sign-up limits, django-axes (AXES_CLIENT_IP_CALLABLE) and the logs all
use the same address.
"""

import functools
import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@functools.cache
def _networks(entries):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_networks():
    return _networks(tuple(settings.TRUSTED_PROXIES))


# Asked of a trusted proxy's every request, of its address and of the one it
# reports: parsing costs more than the rest of the middleware, and both repeat.
@functools.lru_cache(maxsize=4096)
def parse_address(text):
    """An ip_address, or None for anything else (a name, garbage, a port)."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted(address):
    return address is not None and any(address in network for network in trusted_networks())


def peer_is_trusted(peer):
    """Whether the connection's address is a trusted proxy's."""
    return _peer_is_trusted(peer, tuple(settings.TRUSTED_PROXIES))


# Every request asks it of its peer, and parsing an address costs more than
# the rest of this middleware: behind nginx there is one peer.
@functools.lru_cache(maxsize=1024)
def _peer_is_trusted(peer, entries):
    address = parse_address(peer)
    return address is not None and any(address in network for network in _networks(entries))


def resolve_client(peer, forwarded_for):
    """The client's address, given the connection's `peer` address and the
    X-Forwarded-For header (or "")."""
    current = parse_address(peer)
    if current is None:
        return peer
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    while is_trusted(current) and hops:
        reported = parse_address(hops.pop())
        if reported is None:
            # A trusted proxy passed on something that is not an address:
            # stop at the last address a trusted proxy vouched for.
            break
        current = reported
    return str(current)


def client_address(request):
    """The client's address (for django-axes and the sign-up limits): after
    ForwardedHeadersMiddleware, REMOTE_ADDR already holds it."""
    return request.META.get("REMOTE_ADDR", "")


class ForwardedHeadersMiddleware:
    """Resolve the client's address and drop forwarded headers from anyone
    who is not a trusted proxy. Must come first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.warned = False

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        if not trust_forwarded_headers(request.META) and not self.warned:
            # Once per process: a proxy that is not listed looks like this.
            logger.warning(
                "Ignored X-Forwarded-For from %s, which is not in DJANGO_TRUSTED_PROXIES", peer
            )
            self.warned = True
        return self.get_response(request)


def trust_forwarded_headers(meta):
    """Put the client's address in `meta` (a request's META) and drop the
    forwarded headers of a peer that is not a trusted proxy. False when it
    dropped an X-Forwarded-For."""
    peer = meta.get("REMOTE_ADDR", "")
    if peer_is_trusted(peer):
        meta["REMOTE_ADDR"] = resolve_client(peer, meta.get("HTTP_X_FORWARDED_FOR", ""))
        return True
    forwarded_for = "HTTP_X_FORWARDED_FOR" in meta
    for header in FORWARDED_HEADERS:
        meta.pop(header, None)
    return not forwarded_for
