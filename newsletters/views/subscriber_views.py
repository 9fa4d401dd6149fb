"""Public subscription pages: sign-up with double opt-in, confirmation, a new
confirmation link, and unsubscription (including RFC 8058 one-click).

The sign-up and new-link forms answer every valid submission with the same
redirect to the same page, and do the same work whatever the address: they
queue one account email and send nothing. The send worker decides what the
address gets (`newsletters/mail/outbox.py`), so neither the answer nor its
timing tells whether an address is on the list. Rate limits count attempts
per client address and per pair of client and email address, never per
email address alone, so nobody can lock an address's owner out.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from msme_portal.proxies import client_address
from newsletters.forms import NewLinkForm, SubscribeForm
from newsletters.mail import links
from newsletters.models import AccountEmail, AccountEmailKind, Subscriber, SubscriberStatus
from newsletters.models.subscribers import normalize_email

TEMPLATES = "newsletters/subscribers/"


def is_rate_limited(kind, identifier):
    """Count one attempt for `identifier` and say whether it is over the
    limit set in NEWSLETTER_SIGNUP_RATE_LIMITS[kind] (a fixed window)."""
    limit, window = settings.NEWSLETTER_SIGNUP_RATE_LIMITS[kind]
    digest = hashlib.sha256(identifier.lower().encode()).hexdigest()
    key = f"newsletters:signup-limit:{kind}:{digest}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # The window ended between add() and incr().
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit


def is_pair_rate_limited(request, email):
    """Whether this client has asked too often for this email address."""
    return is_rate_limited("ip_email", f"{client_address(request)} {normalize_email(email)}")


def too_many_attempts(request, kind):
    window = settings.NEWSLETTER_SIGNUP_RATE_LIMITS[kind][1]
    response = render(
        request, TEMPLATES + "rate_limited.html", {"minutes": max(1, window // 60)}, status=429
    )
    response["Retry-After"] = str(window)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method == "POST":
        if is_rate_limited("ip", client_address(request)):
            return too_many_attempts(request, "ip")
        form = SubscribeForm(request.POST)
        if form.is_valid():
            if form.is_from_robot():
                # Robots get the page people get, and nothing is recorded or sent.
                return redirect("subscribers:thanks")
            problem = form.start_time_problem()
            if problem:
                # Too fast (browser autofill), too old or unreadable: a person
                # may well have sent it, so they get it back to send again.
                return subscribe_page(request, form.again(), notice=problem)
            email = form.cleaned_data["email"]
            if is_pair_rate_limited(request, email):
                return too_many_attempts(request, "ip_email")
            with transaction.atomic():
                Subscriber.objects.sign_up(
                    email=email,
                    consent_version=settings.NEWSLETTER_PRIVACY_STATEMENT_VERSION,
                    **form.subscriber_details(),
                )
                AccountEmail.objects.queue(AccountEmailKind.SIGN_UP, email)
            return redirect("subscribers:thanks")
    else:
        form = SubscribeForm()
    return subscribe_page(request, form)


def subscribe_page(request, form, notice=""):
    return render(
        request,
        TEMPLATES + "subscribe.html",
        {
            "form": form,
            "notice": notice,
            "privacy_statement_version": settings.NEWSLETTER_PRIVACY_STATEMENT_VERSION,
        },
    )


@require_safe
def thanks(request):
    return render(request, TEMPLATES + "thanks.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """Double opt-in: the emailed link opens a page with a confirm button.

    GET never changes state: mail security scanners open links in emails, and
    a scanner must not be able to subscribe someone. The button POSTs back to
    the same address. Confirming twice is harmless.
    """
    try:
        subscriber = links.read_confirmation_token(token)
    except links.ExpiredToken:
        return link_problem(request, "expired", status=410)
    except links.BadToken:
        return link_problem(request, "invalid", status=400)
    if subscriber is None:
        return link_problem(request, "invalid", status=400)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return link_problem(request, "unsubscribed", status=410)
    if request.method == "POST":
        subscriber.confirm(settings.NEWSLETTER_PRIVACY_STATEMENT_VERSION)
        return render(request, TEMPLATES + "confirmed.html", {"subscriber": subscriber})
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return render(request, TEMPLATES + "confirmed.html", {"subscriber": subscriber})
    return render(request, TEMPLATES + "confirm.html", {"subscriber": subscriber})


def link_problem(request, reason, status):
    return render(
        request,
        TEMPLATES + "link_problem.html",
        {"reason": reason, "form": NewLinkForm()},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def new_link(request):
    """Ask for a fresh confirmation link. Answers like the sign-up does,
    whatever the address, and queues the request whatever the address; the
    worker mails only people waiting for confirmation, or already
    subscribed."""
    if request.method == "POST":
        if is_rate_limited("ip", client_address(request)):
            return too_many_attempts(request, "ip")
        form = NewLinkForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if is_pair_rate_limited(request, email):
                return too_many_attempts(request, "ip_email")
            AccountEmail.objects.queue(AccountEmailKind.NEW_LINK, email)
            return redirect("subscribers:thanks")
    else:
        form = NewLinkForm()
    return render(request, TEMPLATES + "new_link.html", {"form": form})


# Mail clients send RFC 8058 one-click unsubscriptions as a plain POST without
# any CSRF token; the signed token in the address is what authorizes it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows a button and changes nothing; POST (the button, or a mail
    client's one-click request) unsubscribes. Doing it twice is harmless."""
    try:
        subscriber = links.read_unsubscribe_token(token)
    except links.BadToken:
        return render(request, TEMPLATES + "unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        # An erased subscriber is not on the list any more: that is success too.
        if subscriber is not None:
            subscriber.unsubscribe()
        return render(request, TEMPLATES + "unsubscribed.html")
    return render(
        request,
        TEMPLATES + "unsubscribe.html",
        {
            "subscriber": subscriber,
            "is_subscribed": subscriber is not None
            and subscriber.status != SubscriberStatus.UNSUBSCRIBED,
        },
    )
