"""Signed personal links: confirmation, unsubscription and preferences.

Every message to a subscriber (sign-up emails now, issues later) builds its
links and its List-Unsubscribe headers here, so a link made by one part of the
code is always understood by the views.

A token carries the subscriber's id and a keyed digest of their address: a
link stops working if the address on the row changes, and reveals nothing
about the address itself. Confirmation links expire; unsubscribe and
preferences links never do, as mail clients and old newsletters keep them for
years.

Links in a body are made in the message's language (`reverse()` inside
`translation.override()`), so they open the page in that language.
"""

from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac

from newsletters.models import Subscriber

# The salts sign links already sent: changing them would void every one.
CONFIRMATION_SALT = "newsletters.subscriptions.confirm"
UNSUBSCRIBE_SALT = "newsletters.subscriptions.unsubscribe"
PREFERENCES_SALT = "newsletters.subscriptions.preferences"
CONFIRMATION_MAX_AGE = timedelta(days=7)
# The unsubscribe address without a language prefix, for one-click POSTs.
ONE_CLICK_URL_NAME = "unprefixed_subscribers:unsubscribe"

# Aliases so callers need not import django.core.signing to tell the cases apart.
BadToken = signing.BadSignature
ExpiredToken = signing.SignatureExpired


def _address_digest(email):
    return salted_hmac("newsletters.mail.links.address", email.lower()).hexdigest()[:16]


def _make(subscriber, salt):
    return signing.dumps([subscriber.pk, _address_digest(subscriber.email)], salt=salt)


def _read(token, salt, max_age=None):
    """The subscriber a token names, or None when they are no longer on the
    list (erased, or the address changed). Raises BadToken when the token was
    not made by us, ExpiredToken (a BadToken) when it is too old."""
    payload = signing.loads(token, salt=salt, max_age=max_age)
    try:
        pk, digest = payload
    except (TypeError, ValueError) as error:
        raise BadToken("Malformed token payload.") from error
    subscriber = Subscriber.objects.filter(pk=pk).select_related("economy").first()
    if subscriber is None or not constant_time_compare(digest, _address_digest(subscriber.email)):
        return None
    return subscriber


def make_confirmation_token(subscriber):
    return _make(subscriber, CONFIRMATION_SALT)


def read_confirmation_token(token):
    return _read(token, CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)


def make_unsubscribe_token(subscriber):
    return _make(subscriber, UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    return _read(token, UNSUBSCRIBE_SALT)


def make_preferences_token(subscriber):
    return _make(subscriber, PREFERENCES_SALT)


def read_preferences_token(token):
    return _read(token, PREFERENCES_SALT)


def absolute_url(path):
    return settings.SITE_URL + path


def page_url(name, token, language=None):
    """The absolute address of the page `name` for `token`, in `language`
    (by default the active one)."""
    with translation.override(language or translation.get_language()):
        return absolute_url(reverse(name, kwargs={"token": token}))


def confirmation_url(subscriber, language=None):
    return page_url("subscribers:confirm", make_confirmation_token(subscriber), language)


def unsubscribe_url(subscriber, language=None):
    return page_url("subscribers:unsubscribe", make_unsubscribe_token(subscriber), language)


def preferences_url(subscriber, language=None):
    return page_url("subscribers:preferences", make_preferences_token(subscriber), language)


def one_click_unsubscribe_url(subscriber):
    """The address of the List-Unsubscribe header, which mail clients POST to
    without showing a page and without following redirects: the one
    msme_portal/urls.py keeps without a language prefix, the same in every
    language."""
    token = make_unsubscribe_token(subscriber)
    return absolute_url(reverse(ONE_CLICK_URL_NAME, kwargs={"token": token}))


def list_unsubscribe_headers(subscriber, url=None):
    """RFC 2369 List-Unsubscribe with the RFC 8058 one-click variant: mail
    clients POST "List-Unsubscribe=One-Click" to the URL."""
    url = url or one_click_unsubscribe_url(subscriber)
    targets = [f"<{url}>"]
    if settings.NEWSLETTER_UNSUBSCRIBE_MAILTO:
        targets.append(
            f"<mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe')}>"
        )
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
