"""Per-delivery return paths (VERP): each issue email's envelope sender is
`<local>+<token>@<domain>` built from NEWSLETTER_BOUNCE_ADDRESS, the token
naming the delivery, so a bounce sent back to it says which delivery failed
without anyone reading the bounce's text.

The token is the delivery's number and a keyed hash of it, in lowercase
letters and digits only: some servers change the case of local parts, and
nobody can make up a token that suppresses someone else's address.
"""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "newsletters.return-path"
SIGNATURE_LENGTH = 20
TOKEN = re.compile(rf"\+d(?P<pk>\d+)-(?P<signature>[0-9a-f]{{{SIGNATURE_LENGTH}}})@", re.I)


def signature(delivery_pk):
    return salted_hmac(SALT, str(delivery_pk), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]


def return_path(delivery_pk):
    """The envelope sender for the delivery, or None when no bounce address
    is configured (then mail goes out from DEFAULT_FROM_EMAIL as before)."""
    bounce_address = settings.NEWSLETTER_BOUNCE_ADDRESS
    if not bounce_address:
        return None
    local, _at, domain = bounce_address.rpartition("@")
    return f"{local}+d{delivery_pk}-{signature(delivery_pk)}@{domain}"


def delivery_pk_in(address):
    """The delivery a return path names, or None for any other address or a
    token that does not verify."""
    match = TOKEN.search(address or "")
    if match is None:
        return None
    pk = int(match["pk"])
    if not constant_time_compare(match["signature"].lower(), signature(pk)):
        return None
    return pk
